/**
 * `ccmon rules export --out DIR`: the scale-out artefacts. prometheus.yml scrapes ccmon's exporter
 * and the seed's targets (from ccmon's scrape config), loads the rule file and sends to the
 * Alertmanager; the rule file is the rules engine's defaults; alertmanager.yml is ccmon's routing;
 * grafana-dashboard.json is the seed's dashboard on ccmon's metrics. Every file is checked by the
 * tests with promtool / amtool.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CcmonConfig } from '../../config/schema.js';
import { formatDuration } from '../../duration.js';
import { DEFAULT_RULE_FILES } from '../../rules/defaults/index.js';
import type { SecretStore } from '../../secrets/store.js';
import { toAlertmanagerYml } from './alertmanager-yml.js';
import { grafanaDashboard } from './grafana.js';

export interface ExportResult {
  files: string[];
  notes: string[];
}

export const RULE_FILE = 'ccmon-rules.yml';

/**
 * The rules engine's default rule files, as it loads them: the copy embedded in the code
 * (rules/defaults/index.ts). Read from the .yml files beside the sources, as this was, a package
 * (dist/ only) had none, and `ccmon rules export` failed there.
 */
export function defaultRuleFiles(): { name: string; text: string }[] {
  return Object.entries(DEFAULT_RULE_FILES)
    .map(([name, text]) => ({ name, text }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function prometheusYml(config: CcmonConfig, ruleFiles: string[]): Record<string, unknown> {
  const exp = config.exporter;
  const loopback = (h: string) => ['localhost', '127.0.0.1', '::1', '0.0.0.0'].includes(h);
  const jobs = config.scrape.jobs.filter((j) => j.enabled);
  // The seed's `sandbox` job (localhost:9100) was its exporter: that is ccmon's exporter now.
  const exporterJob = jobs.find((j) =>
    j.staticConfigs.some((s) =>
      s.targets.some((t) => {
        const [h, p] = t.split(':');
        return loopback(h!) && loopback(exp.host) && Number(p) === exp.port;
      }),
    ),
  );
  const scrapeConfigs: Record<string, unknown>[] = [];
  if (exp.enabled && !exporterJob)
    scrapeConfigs.push({
      job_name: 'ccmon',
      static_configs: [{ targets: [`${exp.host}:${exp.port}`] }],
    });
  for (const j of jobs)
    scrapeConfigs.push({
      job_name: j.name,
      ...(j.interval !== undefined ? { scrape_interval: formatDuration(j.interval) } : {}),
      ...(j.timeout !== undefined ? { scrape_timeout: formatDuration(j.timeout) } : {}),
      metrics_path: j.metricsPath,
      scheme: j.scheme,
      ...(j.honorLabels ? { honor_labels: true } : {}),
      ...(Object.keys(j.params).length ? { params: j.params } : {}),
      static_configs: j.staticConfigs.map((s) => ({
        targets: s.targets,
        ...(Object.keys(s.labels).length ? { labels: s.labels } : {}),
      })),
    });
  const amTargets = config.alerts.pushTo.map((p) => new URL(p.url).host);
  return {
    global: { scrape_interval: formatDuration(config.scrape.interval), evaluation_interval: '15s' },
    rule_files: ruleFiles,
    alerting: {
      alertmanagers: [
        { static_configs: [{ targets: amTargets.length ? amTargets : ['localhost:9093'] }] },
      ],
    },
    scrape_configs: scrapeConfigs,
  };
}

export async function exportArtefacts(
  config: CcmonConfig,
  outDir: string,
  opts: {
    secrets?: SecretStore;
    withSecrets?: boolean;
    ruleFiles?: { name: string; text: string }[];
  } = {},
): Promise<ExportResult> {
  mkdirSync(outDir, { recursive: true });
  const notes: string[] = [];
  const files: string[] = [];
  const write = (name: string, text: string, mode = 0o644) => {
    const p = join(outDir, name);
    writeFileSync(p, text, { mode });
    chmodSync(p, mode);
    files.push(p);
  };
  const header = '# Written by `ccmon rules export`.\n';

  const rules = opts.ruleFiles ?? defaultRuleFiles();
  if (rules.length === 0)
    throw new Error(
      'no default rule files found under core/rules/defaults; pass rule files with --rules',
    );
  // One file keeps the conventional name; several keep theirs, prefixed so they sort together.
  const ruleNames = rules.length === 1 ? [RULE_FILE] : rules.map((r) => `ccmon-${r.name}`);
  rules.forEach((r, i) => write(ruleNames[i]!, r.text));

  write(
    'prometheus.yml',
    header + stringify(prometheusYml(config, ruleNames)) + ccmonAsAlertmanager(config),
  );

  const secretValues = new Map<string, string>();
  if (opts.withSecrets && opts.secrets)
    for (const name of await opts.secrets.list()) {
      const v = await opts.secrets.get(name);
      if (v !== undefined) secretValues.set(name, v);
    }
  const am = toAlertmanagerYml(
    config.alerts,
    opts.withSecrets ? (n) => secretValues.get(n) : undefined,
  );
  notes.push(...am.notes);
  write('alertmanager.yml', header + stringify(am.doc), opts.withSecrets ? 0o600 : 0o644);
  if (am.secretFiles.length) {
    if (opts.withSecrets) {
      mkdirSync(join(outDir, 'secrets'), { recursive: true, mode: 0o700 });
      for (const name of am.secretFiles) {
        const v = secretValues.get(name);
        if (v === undefined)
          notes.push(
            `secret '${name}' is not in the secret store; create secrets/${name} yourself`,
          );
        else write(join('secrets', name), v, 0o600);
      }
    } else
      notes.push(
        `alertmanager.yml reads ${am.secretFiles.length} secret(s) from files: ${am.secretFiles.map((n) => `secrets/${n}`).join(', ')}; ` +
          'create them (mode 0600) or run again with --with-secrets',
      );
  }
  write('grafana-dashboard.json', JSON.stringify(grafanaDashboard(), null, 2) + '\n');
  return { files, notes };
}

/**
 * A commented alternative for prometheus.yml: ccmon's agent itself as the Alertmanager (its
 * POST /api/v2/alerts, src-main/http/alertmanager-api.ts), authenticated with the agent's token.
 */
function ccmonAsAlertmanager(config: CcmonConfig): string {
  const { host, port } = config.dashboard;
  return [
    '',
    '# To send alerts to ccmon itself instead (routing, silences and sinks of its config), use:',
    '# alerting:',
    '#   alertmanagers:',
    '#     - authorization:',
    '#         credentials_file: <ccmon data dir>/dashboard-token   # the agent API token',
    '#       static_configs:',
    `#         - targets: ['${host.includes(':') ? `[${host}]` : host}:${port}']`,
    '# (from another machine: set dashboard.host and add the name to dashboard.allowedHosts)',
    '',
  ].join('\n');
}
