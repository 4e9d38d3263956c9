/**
 * The soak configuration: the seed's checks, scrape jobs, rules, alert routing, jobs (backup,
 * maintenance, reports) and log sources, pointed at the simulator and at throwaway folders. Only
 * the raw retention is shorter than the default (4 h instead of 24 h, downsampled 5 m rows for 6 h)
 * so the store reaches its steady state inside a 24-hour run and flatness can be seen at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CcmonConfigInput } from '../../src-main/core/config/schema.js';

export interface SoakUrls {
  api: string;
  gateway: string;
  containers: string | null;
}

/** Writes the folders and small log files the jobs and log scans work on, under `root`. */
export function soakConfig(urls: SoakUrls, root: string): CcmonConfigInput {
  const dirs = {
    logs: join(root, 'var-log'),
    etc: join(root, 'etc-claude-code'),
    cache: join(root, 'cache'),
    backups: join(root, 'backups'),
    reports: join(root, 'reports'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  writeFileSync(join(dirs.etc, 'settings.json'), JSON.stringify({ model: 'claude-sonnet-4-5' }));
  const line = (i: number) =>
    JSON.stringify({
      timestamp: new Date(Date.now() - i * 1000).toISOString(),
      level: i % 50 === 0 ? 'ERROR' : 'INFO',
      message: 'request done',
      latency: (i % 7) * 0.4,
      user_id: `u${i % 5}`,
    });
  writeFileSync(
    join(dirs.logs, 'claude-code.log'),
    Array.from({ length: 500 }, (_, i) => line(i)).join('\n') + '\n',
  );
  const host = (u: string) => new URL(u).host;
  return {
    exporter: { port: 0 },
    usage: { otlp: { port: 0 }, transcripts: { enabled: false } },
    checks: {
      probes: [
        {
          name: 'API Health',
          type: 'http',
          url: `${urls.api}/health`,
          interval: '10s',
          exportAs: 'claude_code_api',
        },
        {
          name: 'LLM Gateway',
          type: 'http',
          url: `${urls.gateway}/health/liveliness`,
          interval: '10s',
        },
        {
          name: 'LLM Gateway Readiness',
          type: 'http',
          url: `${urls.gateway}/health/readiness`,
          interval: '15s',
          conditions: ['[BODY].status == healthy'],
        },
        {
          name: 'Sandbox',
          type: 'http',
          url: `${urls.api}/sandbox/status`,
          interval: '15s',
          conditions: ['has([BODY].violations)'],
          exportAs: 'claude_code_api',
        },
        { name: 'Disk Space', type: 'disk', interval: '30s', mounts: ['/'] },
        { name: 'Memory', type: 'memory', interval: '15s' },
        { name: 'CPU Load', type: 'cpu', interval: '15s' },
      ],
    },
    scrape: {
      jobs: [
        {
          name: 'claude-code-api',
          staticConfigs: [{ targets: [host(urls.api)] }],
          interval: '10s',
        },
        {
          name: 'llm-gateway',
          staticConfigs: [{ targets: [host(urls.gateway)] }],
          interval: '10s',
        },
        ...(urls.containers
          ? [
              {
                name: 'dev-containers',
                staticConfigs: [{ targets: [host(urls.containers)] }],
                interval: '30s',
              },
            ]
          : []),
      ],
    },
    tsdb: {
      retention: '4h',
      downsample: [
        { resolution: '5m', retention: '6h' },
        { resolution: '1h', retention: '8d' },
      ],
      snapshot: { enabled: true, interval: '15m' },
    },
    logs: {
      sources: [{ service: 'claude-code', paths: [join(dirs.logs, '*.log')] }],
    },
    maintenance: {
      schedule: '0 3 * * *',
      logRetention: { paths: [dirs.logs] },
      cacheCleanup: { paths: [dirs.cache] },
      diskUsage: { paths: ['/', dirs.logs] },
    },
    reports: { dir: dirs.reports },
    backup: {
      directory: dirs.backups,
      sets: [
        {
          name: 'claude-code',
          schedule: '0 2 * * *',
          sources: [{ path: dirs.etc }, { path: dirs.logs }],
        },
      ],
    },
  } as CcmonConfigInput;
}
