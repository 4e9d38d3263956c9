/**
 * Dashboard benchmark (issue 6): (1) dashboard open to first chart drawn, goal < 1 s; (2) frame time
 * with the eight charts over 24 h at 15 s resolution while live-updating, goal 60 fps and no long
 * task > 50 ms. Measured in Debian's Chromium against the real renderer served by the real
 * dashboard server, answering `series.query` from the real tsdb module filled with 24 h of samples
 * at 15 s (and one new sample per series every second while measuring).
 * Anchor, same run, same data: a bare uPlot page drawing the same eight charts from data already
 * in the page (no React, no fetch, no JSON), updated with setData at the same cadence.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Page } from 'playwright-core';
import type { Agent } from '../src-main/core/agent.js';
import { EventBus } from '../src-main/core/bus.js';
import { silentLogger } from '../src-main/core/log.js';
import { createSystemModule } from '../src-main/core/system/module.js';
import { tsdbSchema } from '../src-main/core/tsdb/config.js';
import { createTsdbModule } from '../src-main/core/tsdb/module.js';
import { PACKAGE_ROOT } from '../src-main/core/version.js';
import { startDashboardServer } from '../src-main/http/server.js';
import { launchChromium } from '../test/helpers/browser.js';

const STEP = 15_000;
const DAY = 86_400_000;
const MEASURE_MS = Number(process.env.BENCH_DASHBOARD_SECONDS ?? 20) * 1000;
const RUNS = 3;

// ── the data: the metrics behind the seed's eight panels, 24 h at 15 s ─────────────────────────
type Gen = {
  labels: Record<string, string>;
  kind: 'counter' | 'gauge';
  rate: (t: number) => number;
};
const api = { job: 'claude-code-api', instance: '127.0.0.1:8080' };
const wave = (t: number, period: number, phase = 0) =>
  1 + 0.5 * Math.sin((t / period) * 2 * Math.PI + phase);
function generators(): Gen[] {
  const g: Gen[] = [];
  for (const endpoint of ['/v1/messages', '/v1/messages/count_tokens'])
    for (const status of ['200', '500'])
      g.push({
        labels: { __name__: 'claude_code_api_requests_total', ...api, endpoint, status },
        kind: 'counter',
        rate: (t) =>
          (status === '200' ? 4 : 0.08) * wave(t, DAY) * (endpoint.length > 13 ? 0.2 : 1),
      });
  const les = ['0.1', '0.25', '0.5', '1', '2', '2.5', '5', '10', '+Inf'];
  for (const endpoint of ['/v1/messages', '/v1/messages/count_tokens'])
    les.forEach((le, i) =>
      g.push({
        labels: { __name__: 'claude_code_api_latency_seconds_bucket', ...api, endpoint, le },
        kind: 'counter',
        rate: (t) => 4 * wave(t, DAY) * Math.min(1, (i + 1) / 6),
      }),
    );
  g.push({
    labels: { __name__: 'claude_code_active_sessions', ...api },
    kind: 'gauge',
    rate: (t) => 12 * wave(t, DAY / 3),
  });
  for (const model of ['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'])
    for (const type of ['input', 'output'])
      g.push({
        labels: { __name__: 'claude_code_usage_tokens_total', model, type, user: 'alice' },
        kind: 'counter',
        rate: (t) => (type === 'input' ? 900 : 300) * wave(t, DAY, model.length),
      });
  for (const model of ['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'])
    g.push({
      labels: { __name__: 'claude_code_usage_cost_usd_total', model, user: 'alice' },
      kind: 'counter',
      rate: () => 0.002,
    });
  g.push({
    labels: { __name__: 'claude_sandbox_violations_total', ...api },
    kind: 'counter',
    rate: (t) => 0.01 * wave(t, DAY / 2),
  });
  g.push({
    labels: { __name__: 'process_cpu_seconds_total', ...api },
    kind: 'counter',
    rate: (t) => 0.3 * wave(t, DAY / 3, 1),
  });
  g.push({
    labels: { __name__: 'process_resident_memory_bytes', ...api },
    kind: 'gauge',
    rate: (t) => 2.5e8 * wave(t, DAY),
  });
  return g;
}

function sampleAt(gen: Gen, t: number, prev: number): number {
  return gen.kind === 'gauge' ? gen.rate(t) : prev + gen.rate(t) * (STEP / 1000);
}

// ── frame timing in the page ───────────────────────────────────────────────────────────────────
interface FrameStats {
  fps: number;
  p50: number;
  p95: number;
  max: number;
  longTasks: number;
  longestTask: number;
  /** The scripts inside long animation frames, longest first (what ran long). */
  culprits: string[];
}
// Long animation frames (Chromium 123+) say which script ran long: invoker and function, so a
// long task can be traced to its cause (chart maths, JSON, React, uPlot) rather than guessed.
const FRAME_PROBE = `
  window.__frames = []; window.__long = []; window.__loaf = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.duration > 50)
      for (const s of e.scripts) window.__loaf.push({ d: s.duration, what: (s.invoker || '') + ' ' + (s.sourceFunctionName || '') + ' ' + (s.sourceURL || '').split('/').pop() + ':' + (s.sourceCharPosition ?? '') });
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {}
  let last = performance.now();
  const tick = (now) => { window.__frames.push(now - last); last = now; window.__raf = requestAnimationFrame(tick); };
  window.__raf = requestAnimationFrame(tick);
`;
/** Polls an expression in the page (waitForFunction's string form is refused by the page CSP). */
async function waitEval(page: Page, expr: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expr}`);
    await page.waitForTimeout(10);
  }
}

async function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  await page.evaluate(FRAME_PROBE);
  await page.waitForTimeout(ms);
  const { frames, long, loaf } = (await page.evaluate(
    '(() => { cancelAnimationFrame(window.__raf); return { frames: window.__frames.slice(1), long: window.__long, loaf: window.__loaf }; })()',
  )) as { frames: number[]; long: number[]; loaf: Array<{ d: number; what: string }> };
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const total = frames.reduce((a, b) => a + b, 0);
  return {
    fps: (frames.length / total) * 1000,
    p50: q(0.5),
    p95: q(0.95),
    max: sorted.at(-1) ?? NaN,
    longTasks: long.filter((d) => d > 50).length,
    longestTask: long.length ? Math.max(...long) : 0,
    culprits: loaf
      .filter((l) => l.d > 5)
      .sort((a, b) => b.d - a.d)
      .slice(0, 5)
      .map((l) => `${Math.round(l.d)} ms ${l.what.trim()}`),
  };
}

// ── the anchor: bare uPlot, same eight charts, same points, data in the page ──────────────────
function anchorPage(series: Array<{ panel: number; points: number[] }>, xs: number[]): string {
  const uplot = readFileSync(
    join(PACKAGE_ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js'),
    'utf8',
  );
  const css = readFileSync(join(PACKAGE_ROOT, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8');
  return `<!doctype html><html><head><style>${css} body{display:grid;grid-template-columns:1fr 1fr;gap:8px;width:1240px}</style></head><body>
<script>${uplot}</script><script>
const xs = ${JSON.stringify(xs)};
const series = ${JSON.stringify(series)};
const plots = [];
for (let p = 0; p < 8; p++) {
  const own = series.filter((s) => s.panel === p);
  const data = [xs.slice(), ...own.map((s) => s.points.slice())];
  const el = document.createElement('div'); document.body.append(el);
  plots.push({ data, u: new uPlot({ width: 600, height: 190, scales: { x: { time: true } },
    series: [{}, ...own.map((_, i) => ({ label: 's' + i, stroke: 'hsl(' + i * 40 + ',70%,45%)', width: 1.5, points: { show: false } }))],
    hooks: { draw: [() => { if (!performance.getEntriesByName('anchor:first-chart').length) performance.mark('anchor:first-chart'); }] } }, data, el) });
}
// Live: one new point per series every ${STEP / 1000} s, as the dashboard refreshes.
setInterval(() => { for (const pl of plots) { for (const col of pl.data) { col.push(col[col.length - 1] + (col === pl.data[0] ? ${STEP / 1000} : Math.random() - 0.5)); col.shift(); } pl.u.setData(pl.data); } }, ${STEP});
</script></body></html>`;
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────
const dataDir = mkdtempSync(join(tmpdir(), 'ccmon-bench-dashboard-'));
const tsdb = createTsdbModule({
  config: tsdbSchema.parse({ snapshot: { enabled: false } }),
  dataDir,
  registry: new Registry(),
  logger: silentLogger,
});
const gens = generators();
const now = Date.now();
const start = Math.floor((now - DAY) / STEP) * STEP;
const last = gens.map(() => 0);
let samples = 0;
for (let t = start; t <= now; t += STEP)
  gens.forEach((g, i) => {
    last[i] = sampleAt(g, t, last[i]!);
    tsdb.store.append(g.labels, t, last[i]!);
    samples++;
  });
const system = createSystemModule({
  shell: 'headless',
  dataDir,
  configFile: null,
  configWarnings: [],
});
const bus = new EventBus();
const agent = { handlers: { ...system.handlers, ...tsdb.handlers }, bus } as unknown as Agent;
const token = 'bench-token-0123456789abcdefghijklmnop';
const server = await startDashboardServer({
  agent,
  host: '127.0.0.1',
  port: 0,
  token,
  rendererDir: join(PACKAGE_ROOT, 'dist', 'renderer'),
  logger: silentLogger,
});
// Live data while measuring: every series gets its next sample each second.
let tNext = now + STEP;
const live = setInterval(() => {
  gens.forEach((g, i) => {
    last[i] = sampleAt(g, tNext, last[i]!);
    tsdb.store.append(g.labels, tNext, last[i]!);
  });
  tNext += 1000;
}, 1000);

// Anchor data: the same number of series per panel and points per series as the dashboard draws.
const xs: number[] = [];
for (let t = start; t <= now; t += STEP) xs.push(t / 1000);
const perPanel = [2, 1, 1, 6, 1, 1, 1, 2];
const anchorSeries = perPanel.flatMap((n, panel) =>
  Array.from({ length: n }, (_, k) => ({
    panel,
    points: xs.map((x) => Math.sin(x / 3600 + k) + 2),
  })),
);
const anchorHtml = anchorPage(anchorSeries, xs);
const anchorServer = createServer((_req, res) =>
  res.writeHead(200, { 'Content-Type': 'text/html' }).end(anchorHtml),
);
await new Promise<void>((r) => anchorServer.listen(0, '127.0.0.1', r));
const anchorUrl = `http://127.0.0.1:${(anchorServer.address() as AddressInfo).port}/`;

const browser = await launchChromium();
const results: Array<{
  firstChart: number;
  frames: FrameStats;
  anchorFirst: number;
  anchorFrames: FrameStats;
}> = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await ctx.newPage();
    // Sign in once (cookie), then open the charts cold and time navigation → first uPlot draw.
    await page.goto(`${server.url}?token=${token}`);
    await page.getByTestId('overall-status').waitFor();
    await page.goto('about:blank');
    await page.goto(`${server.url}#/charts/24h`);
    await waitEval(page, "performance.getEntriesByName('ccmon:first-chart').length > 0");
    const firstChart = (await page.evaluate(
      "performance.getEntriesByName('ccmon:first-chart')[0].startTime",
    )) as number;
    await waitEval(page, "document.querySelectorAll('section.chart canvas').length === 8", 60_000);
    if (run === 0)
      await page.screenshot({
        path: join(PACKAGE_ROOT, 'test-results/screenshots/charts-24h-bench.png'),
      });
    const frames = await measureFrames(page, MEASURE_MS);
    await ctx.close();

    const actx = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const apage = await actx.newPage();
    await apage.goto(anchorUrl);
    await waitEval(apage, "performance.getEntriesByName('anchor:first-chart').length > 0");
    const anchorFirst = (await apage.evaluate(
      "performance.getEntriesByName('anchor:first-chart')[0].startTime",
    )) as number;
    const anchorFrames = await measureFrames(apage, MEASURE_MS);
    await actx.close();
    results.push({ firstChart, frames, anchorFirst, anchorFrames });
  }
} finally {
  clearInterval(live);
  await browser.close();
  await server.close();
  anchorServer.close();
  await tsdb.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = (f: (r: (typeof results)[number]) => number) => median(results.map(f));
const firstChart = m((r) => r.firstChart);
const fps = m((r) => r.frames.fps);
const longest = Math.max(...results.map((r) => r.frames.longestTask));
const longCount = Math.max(...results.map((r) => r.frames.longTasks));
const fmt = (v: number, unit = 'ms') => `${v.toFixed(v < 10 ? 1 : 0)} ${unit}`;
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
console.log(
  `Dashboard: eight charts, 24 h at 15 s (${xs.length} points per series, ${gens.length} stored series, ${samples} samples), median of ${RUNS} runs, ${MEASURE_MS / 1000} s of frames each, Chromium ${browser.version?.() ?? ''}`.trim(),
);
console.log(
  `Load average during the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1/5/15 min).`,
);
console.log('');
console.log('| measure | ccmon dashboard | bare uPlot page (anchor) | goal | met |');
console.log('| --- | --- | --- | --- | --- |');
console.log(
  `| open → first chart drawn | ${fmt(firstChart)} | ${fmt(m((r) => r.anchorFirst))} | < 1000 ms | ${yes(firstChart < 1000)} |`,
);
console.log(
  `| frame rate while live-updating | ${fmt(fps, 'fps')} | ${fmt(
    m((r) => r.anchorFrames.fps),
    'fps',
  )} | 60 fps | ${yes(fps >= 58)} |`,
);
console.log(
  `| frame time p50 / p95 / max | ${fmt(m((r) => r.frames.p50))} / ${fmt(m((r) => r.frames.p95))} / ${fmt(m((r) => r.frames.max))} | ${fmt(m((r) => r.anchorFrames.p50))} / ${fmt(m((r) => r.anchorFrames.p95))} / ${fmt(m((r) => r.anchorFrames.max))} | 16.7 ms | ${yes(m((r) => r.frames.p95) <= 17.5)} |`,
);
console.log(
  `| long tasks > 50 ms (worst run) | ${longCount} (longest ${fmt(longest)}) | ${Math.max(...results.map((r) => r.anchorFrames.longTasks))} (longest ${fmt(Math.max(...results.map((r) => r.anchorFrames.longestTask)))}) | 0 | ${yes(longCount === 0)} |`,
);
const culprits = results.flatMap((r) => r.frames.culprits);
const anchorCulprits = results.flatMap((r) => r.anchorFrames.culprits);
console.log('');
console.log(
  `Scripts inside frames > 50 ms (long-animation-frame attribution): ccmon ${culprits.length ? culprits.join('; ') : 'none'}; anchor ${anchorCulprits.length ? anchorCulprits.join('; ') : 'none'}.`,
);
