/**
 * The seed's eight Grafana panels (34.3.4) as the dashboard's charts, expressed as queries of the
 * agent's own store (`series.query`: per-bucket rate / last of raw series) and a combination done
 * here (sum by labels, a ratio, histogram_quantile), so each chart means what the seed's PromQL
 * means. Known seed defects fixed: token usage is tokens per hour (rate × 3600), not a per-second
 * rate read as hourly; sandbox violations are per minute (rate × 60) as the legend says; tokens and
 * cost come from ccmon's de-duplicated usage ledger series, not the double-counted /health poll.
 */
export type PanelUnit =
  'reqps' | 'seconds' | 'count' | 'tokensph' | 'usd' | 'ratio' | 'perminute' | 'mixed';

export interface PanelQuery {
  metric: string;
  labels?: Record<string, string>;
  agg: 'rate' | 'last';
  /** Multiply every value (× 3600 for per hour, / 2^30 for GiB). */
  scale?: number;
  /** Sum the matching series by these labels ([] sums everything into one). */
  sumBy: string[];
  /** Grafana legendFormat: `{{ label }}` is replaced by the label's value. */
  legend: string;
}

export type PanelCombine =
  | { kind: 'series' }
  /** sum(5xx rate) / sum(all rate), from one query's series. */
  | { kind: 'ratio'; label: string; numerator: { label: string; pattern: string } }
  /** histogram_quantile(q, sum by (le) (rate(bucket))). */
  | { kind: 'quantile'; q: number };

export interface ChartPanel {
  id: string;
  title: string;
  /** 'stat' panels show the latest value large, with the series as a small chart. */
  kind: 'graph' | 'stat';
  unit: PanelUnit;
  /** The seed's PromQL, shown as the chart's description. */
  seedExpr: string;
  queries: PanelQuery[];
  combine: PanelCombine;
}

const API = { job: 'claude-code-api' };

/** A panel of one query drawn as its series, as most of the seed's panels are. */
function seriesPanel(p: Omit<ChartPanel, 'queries' | 'combine'>, query: PanelQuery): ChartPanel {
  return { ...p, queries: [query], combine: { kind: 'series' } };
}

export const PANELS: readonly ChartPanel[] = [
  seriesPanel(
    {
      id: 'request-rate',
      title: 'API request rate',
      kind: 'graph',
      unit: 'reqps',
      seedExpr: 'rate(claude_code_api_requests_total[5m])',
    },
    {
      metric: 'claude_code_api_requests_total',
      agg: 'rate',
      sumBy: ['endpoint'],
      legend: '{{ endpoint }}',
    },
  ),
  {
    id: 'latency-p95',
    title: 'API latency (P95)',
    kind: 'graph',
    unit: 'seconds',
    seedExpr: 'histogram_quantile(0.95, rate(claude_code_api_latency_seconds_bucket[5m]))',
    queries: [
      {
        metric: 'claude_code_api_latency_seconds_bucket',
        agg: 'rate',
        sumBy: ['le'],
        legend: 'P95',
      },
    ],
    combine: { kind: 'quantile', q: 0.95 },
  },
  seriesPanel(
    {
      id: 'active-sessions',
      title: 'Active sessions',
      kind: 'stat',
      unit: 'count',
      seedExpr: 'claude_code_active_sessions',
    },
    { metric: 'claude_code_active_sessions', agg: 'last', sumBy: [], legend: 'Sessions' },
  ),
  seriesPanel(
    {
      id: 'token-usage',
      title: 'Token usage',
      kind: 'graph',
      unit: 'tokensph',
      seedExpr: 'rate(claude_code_tokens_used_total[1h])',
    },
    {
      metric: 'claude_code_usage_tokens_total',
      agg: 'rate',
      scale: 3600,
      sumBy: ['model', 'type'],
      legend: '{{ model }} - {{ type }}',
    },
  ),
  seriesPanel(
    {
      id: 'cost',
      title: 'Cumulative cost',
      kind: 'stat',
      unit: 'usd',
      seedExpr: 'claude_code_cost_usd',
    },
    { metric: 'claude_code_usage_cost_usd_total', agg: 'last', sumBy: [], legend: 'Cost (USD)' },
  ),
  {
    id: 'error-rate',
    title: 'API error rate',
    kind: 'graph',
    unit: 'ratio',
    seedExpr:
      'rate(claude_code_api_requests_total{status=~"5.."}[5m]) / rate(claude_code_api_requests_total[5m])',
    queries: [
      {
        metric: 'claude_code_api_requests_total',
        agg: 'rate',
        sumBy: ['status'],
        legend: '{{ status }}',
      },
    ],
    combine: {
      kind: 'ratio',
      label: 'Error rate',
      numerator: { label: 'status', pattern: '^5..$' },
    },
  },
  seriesPanel(
    {
      id: 'sandbox-violations',
      title: 'Sandbox violations',
      kind: 'graph',
      unit: 'perminute',
      seedExpr: 'rate(claude_sandbox_violations_total[5m])',
    },
    {
      metric: 'claude_sandbox_violations_total',
      agg: 'rate',
      scale: 60,
      sumBy: [],
      legend: 'Violations/min',
    },
  ),
  {
    id: 'resources',
    title: 'Resource usage',
    kind: 'graph',
    unit: 'mixed',
    seedExpr:
      'rate(process_cpu_seconds_total{job="claude-code-api"}[5m]); process_resident_memory_bytes{job="claude-code-api"} / 1024^3',
    queries: [
      {
        metric: 'process_cpu_seconds_total',
        labels: API,
        agg: 'rate',
        sumBy: [],
        legend: 'CPU (cores)',
      },
      {
        metric: 'process_resident_memory_bytes',
        labels: API,
        agg: 'last',
        scale: 1 / 1024 ** 3,
        sumBy: [],
        legend: 'Memory (GiB)',
      },
    ],
    combine: { kind: 'series' },
  },
];

export const RANGES = [
  { id: '15m', label: '15 m', seconds: 15 * 60 },
  { id: '1h', label: '1 h', seconds: 3600 },
  { id: '6h', label: '6 h', seconds: 6 * 3600 },
  { id: '24h', label: '24 h', seconds: 24 * 3600 },
  { id: '7d', label: '7 d', seconds: 7 * 24 * 3600 },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];

/** 24 h at the 15 s scrape interval is 5760 points: the most a chart draws (uPlot handles it). */
export const MAX_POINTS = 5760;

/** Bucket width in seconds: the scrape interval, or wider so a range stays within MAX_POINTS. */
export function stepFor(rangeSeconds: number, minStep = 15): number {
  return Math.max(minStep, Math.ceil(rangeSeconds / MAX_POINTS / minStep) * minStep);
}

/** Grafana's legendFormat: `{{ name }}` → the label's value ('' when missing). */
export function legendFor(format: string, labels: Record<string, string>): string {
  const out = format.replace(
    /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
    (_m, k: string) => labels[k] ?? '',
  );
  return out.trim() || '{}';
}

export function formatValue(unit: PanelUnit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'reqps':
      return `${v.toFixed(v < 10 ? 2 : 0)} req/s`;
    case 'seconds':
      return v < 1 ? `${(v * 1000).toFixed(0)} ms` : `${v.toFixed(2)} s`;
    case 'ratio':
      return `${(v * 100).toFixed(v < 0.1 ? 2 : 1)} %`;
    case 'usd':
      return `$${v.toFixed(2)}`;
    case 'tokensph':
      return `${Math.round(v).toLocaleString('en')} tok/h`;
    case 'perminute':
      return `${v.toFixed(1)}/min`;
    default:
      return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : String(+v.toFixed(2));
  }
}

/** Compact tick labels: 1.2k, 3.4M; with the unit's short suffix. */
export function formatAxis(unit: PanelUnit, v: number): string {
  const compact = (n: number) => {
    const a = Math.abs(n);
    if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
    if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
    return `${+n.toFixed(a < 1 ? 2 : 1)}`;
  };
  switch (unit) {
    case 'reqps':
      return `${compact(v)}/s`;
    case 'seconds':
      return v < 1 ? `${Math.round(v * 1000)}ms` : `${+v.toFixed(1)}s`;
    case 'ratio':
      return `${+(v * 100).toFixed(1)}%`;
    case 'usd':
      return `$${compact(v)}`;
    case 'perminute':
      return `${compact(v)}/m`;
    default:
      return compact(v);
  }
}
