/**
 * Config pieces many tests share: the YAML file for an agent started as a process (everything
 * that listens or polls by default turned off, the dashboard on a free port) and the alerting set-
 * ups the notification tests use (one webhook receiver, an SMTP receiver on loopback).
 */
import { stringify } from 'yaml';
import type { AlertsConfigInput, EmailConfig } from '../../src-main/core/alerts/config.js';
import { freePort } from './ports.js';

/**
 * ccmon.yaml text for `ccmon agent --config`: dashboard on a free loopback port, no exporter, no
 * OTLP receiver, no scrape jobs, no checks; `sections` adds or replaces top-level sections.
 */
export async function agentProcessConfig(sections: Record<string, unknown> = {}): Promise<string> {
  return stringify({
    version: 1,
    dashboard: { port: await freePort() },
    exporter: { enabled: false, port: 0 },
    usage: { otlp: { enabled: false } },
    scrape: { jobs: [] },
    checks: { probes: [] },
    ...sections,
  });
}

/**
 * An `alerts` section that sends every alert to one webhook receiver named `hook`, grouped by
 * alertname, without ccmon's desktop route (no notification daemon in tests).
 */
export function webhookAlerts(
  url: string,
  timing: { groupWait: string; groupInterval: string } = {
    groupWait: '200ms',
    groupInterval: '1s',
  },
): AlertsConfigInput {
  return {
    route: { receiver: 'hook', groupBy: ['alertname'], ...timing },
    receivers: [{ name: 'hook', webhook: [{ url }] }],
    desktop: { enabled: false },
  };
}

/** An e-mail integration to the seed's on-call address through a plain SMTP server on loopback. */
export function oncallEmail(
  smtpPort: number,
  extra: Partial<EmailConfig> = {},
): Partial<EmailConfig> & Pick<EmailConfig, 'to' | 'from' | 'smarthost'> {
  return {
    to: 'oncall@company.com',
    from: 'alerts@company.com',
    smarthost: `127.0.0.1:${smtpPort}`,
    requireTls: false,
    ...extra,
  };
}

/** A root route grouped by alertname with test-sized timers (200ms wait, 500ms interval, 1h repeat). */
export function quickRoute(
  receiver: string,
  timing: { groupWait?: string; groupInterval?: string; repeatInterval?: string } = {},
) {
  return {
    receiver,
    groupBy: ['alertname'],
    groupWait: '200ms',
    groupInterval: '500ms',
    repeatInterval: '1h',
    ...timing,
  };
}
