/**
 * Alert routing reload with alerts firing: 2,000 alerts in 80 groups have been notified to a
 * webhook; 10 groups then get a newcomer (due at their next group_interval, 1 m away), and the
 * receiver's URL changes. ccmon's notifier reloads in-process (config.update → Notifier.reload);
 * the anchor is Debian's Alertmanager 0.25 with the same routing, its file rewritten and
 * POST /-/reload. Measured: how long the reload takes (wall, and CPU: ccmon's process, Alertmanager's
 * from /proc), and the notifications either side sends in the 5 s after it (none are due: the
 * newcomers wait for their group interval; Alertmanager recreates its groups and flushes them at
 * once, prometheus/alertmanager#2492). Goal: ccmon's reload < 50 ms CPU, and nothing sent early.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsConfigSchema } from '../src-main/core/alerts/config.js';
import { Notifier } from '../src-main/core/alerts/notifier.js';
import type { PostableAlert } from '../src-main/core/alerts/postable.js';
import { silentLogger } from '../src-main/core/log.js';
import { FileSecretStore } from '../src-main/core/secrets/store.js';
import { startHttpReceiver, type HttpReceiver } from '../test/integration/alerts/receivers.js';
import { waitFor } from '../test/helpers/ports.js';
import { startAlertmanager } from '../test/helpers/servers.js';

const N = Number(process.env.RELOAD_BENCH_ALERTS ?? 2000);
const GROUPS = 80; // 40 alert names × 2 severities
const NEWCOMERS = 10;
const AFTER_MS = 5000;
// Started now: each group waits group_wait and its first notification carries all its alerts.
const startsAt = new Date().toISOString();

function batch(extra = 0): PostableAlert[] {
  return Array.from({ length: N + extra }, (_, i) => {
    const g = i < N ? i % GROUPS : i - N; // newcomers join the first groups
    return {
      labels: {
        alertname: `Rule${g % 40}`,
        severity: g < 40 ? 'critical' : 'warning',
        instance: `host-${i}:9100`,
      },
      annotations: { summary: `alert ${i}` },
      startsAt,
      endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    };
  });
}

const route = { group_wait: '1s', group_interval: '1m', repeat_interval: '12h' };
const ccmonConfig = (url: string) =>
  alertsConfigSchema.parse({
    route: {
      receiver: 'team',
      groupBy: ['alertname', 'severity'],
      groupWait: route.group_wait,
      groupInterval: route.group_interval,
      repeatInterval: route.repeat_interval,
    },
    receivers: [{ name: 'team', webhook: [{ url }] }],
    inhibitRules: [],
    desktop: { enabled: false },
  });
const amConfig = (url: string) => `
route: { receiver: team, group_by: [alertname, severity], group_wait: ${route.group_wait}, group_interval: ${route.group_interval}, repeat_interval: ${route.repeat_interval} }
receivers: [{ name: team, webhook_configs: [{ url: '${url}', send_resolved: true }] }]
`;

const before = await startHttpReceiver();
const after = await startHttpReceiver();
/** Alerts in the latest notification of each group: N once every alert has been notified. */
const alertsNotified = (received: HttpReceiver['received']) => {
  const latest = new Map<string, number>();
  for (const r of received) {
    const b = r.body as { groupKey: string; alerts: unknown[] };
    latest.set(b.groupKey, b.alerts.length);
  }
  return [...latest.values()].reduce((a, b) => a + b, 0);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ccmon
const dir = mkdtempSync(join(tmpdir(), 'ccmon-bench-reload-'));
const notifier = new Notifier({
  config: ccmonConfig(`${before.url}/ccmon`),
  dataDir: dir,
  secrets: new FileSecretStore(dir),
  logger: silentLogger,
});
notifier.start();
notifier.send(batch());
await waitFor(
  'ccmon: every alert notified',
  async () => alertsNotified(before.received) >= N || null,
  30_000,
);
notifier.send(batch(NEWCOMERS));
const sentBefore = before.received.length;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const summary = notifier.reload(ccmonConfig(`${after.url}/ccmon`));
const ccmonWall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const ccmonCpu = (cpu.user + cpu.system) / 1000;
await sleep(AFTER_MS);
const ccmonEarly = [before.received.length - sentBefore, after.received.length];
notifier.stop();
rmSync(dir, { recursive: true, force: true });

// Alertmanager
const am = await startAlertmanager(amConfig(`${before.url}/am`));
const amFile = join(am.dir, 'alertmanager.yml');
const amCpuMs = () => {
  const f = readFileSync(`/proc/${am.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString());
  return ((Number(f[11]) + Number(f[12])) / hz) * 1000;
};
const post = (alerts: PostableAlert[]) =>
  fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(alerts),
  }).then((r) => r.arrayBuffer());
const amReceived = () => before.received.filter((r) => r.path === '/am');
await post(batch());
await waitFor(
  'Alertmanager: every group notified',
  async () =>
    new Set(amReceived().map((r) => (r.body as { groupKey: string }).groupKey)).size >= GROUPS ||
    null,
  60_000,
);
await post(batch(NEWCOMERS));
await sleep(500); // let it take the newcomers in before the reload
const amBefore = amReceived().length;
writeFileSync(
  amFile,
  amConfig(process.env.RELOAD_BENCH_SAME_URL ? `${before.url}/am` : `${after.url}/am`),
);
const amCpu0 = amCpuMs();
const a0 = performance.now();
const res = await fetch(`${am.url}/-/reload`, { method: 'POST' });
const amWall = performance.now() - a0;
if (!res.ok) throw new Error(`alertmanager reload: HTTP ${res.status} ${await res.text()}`);
const amCpu = amCpuMs() - amCpu0;
await sleep(AFTER_MS);
const amLate = [...amReceived().slice(amBefore), ...after.received.filter((r) => r.path === '/am')];
const amEarly = [amReceived().length - amBefore, amLate.length - (amReceived().length - amBefore)];
const partial = amLate.filter(
  (r) => (r.body as { alerts: unknown[] }).alerts.length < N / GROUPS,
).length;
await am.stop();
await before.close();
await after.close();

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const met = ccmonCpu < 50 && ccmonEarly[0]! + ccmonEarly[1]! === 0;
process.stdout.write(
  [
    `Alert routing reload: ${N} firing alerts in ${GROUPS} groups, all notified; ${NEWCOMERS} groups then get a newcomer (due in 1 m) and the webhook URL changes (load average ${load})`,
    '',
    '| | reload wall ms | reload CPU ms | notifications in the 5 s after (old URL / new URL) | of them with part of their group |',
    '| --- | --- | --- | --- | --- |',
    `| ccmon (Notifier.reload, in-process) | ${ccmonWall.toFixed(1)} | ${ccmonCpu.toFixed(1)} | ${ccmonEarly.join(' / ')} | 0 |`,
    `| Alertmanager 0.25 (POST /-/reload) | ${amWall.toFixed(1)} | ${amCpu.toFixed(0)} (10 ms ticks) | ${amEarly.join(' / ')} | ${partial} |`,
    '',
    `ccmon: ${summary}.`,
    `Goal: ccmon's reload < 50 ms CPU and nothing sent before it is due: ${met ? 'met' : 'NOT met'}.`,
    '',
  ].join('\n'),
);
