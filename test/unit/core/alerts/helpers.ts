/** A notifier on a manual clock with a recording desktop sink, over a temp data dir. */
import {
  alertsConfigSchema,
  type AlertsConfig,
  type AlertsConfigInput,
} from '../../../../src-main/core/alerts/config.js';
import { ManualClock } from '../../../../src-main/core/alerts/clock.js';
import { createAlertsModule, type AlertsModule } from '../../../../src-main/core/alerts/module.js';
import { Notifier } from '../../../../src-main/core/alerts/notifier.js';
import type { PostableAlert } from '../../../../src-main/core/alerts/postable.js';
import type {
  DesktopMessage,
  DesktopNotifier,
} from '../../../../src-main/core/alerts/sinks/desktop.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { FileSecretStore } from '../../../../src-main/core/secrets/store.js';

export class RecordingDesktop implements DesktopNotifier {
  readonly shown: DesktopMessage[] = [];
  /** Make the next N calls fail. */
  failNext = 0;
  async show(msg: DesktopMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('notification service unavailable');
    }
    this.shown.push(msg);
  }
  titles(): string[] {
    return this.shown.map((m) => m.title);
  }
}

/** The seed's routing, every receiver a recording desktop sink (so tests see every notification). */
export function seedLikeConfig(extra: Partial<AlertsConfigInput> = {}): AlertsConfigInput {
  return {
    route: {
      receiver: 'default',
      groupBy: ['alertname', 'severity'],
      groupWait: '10s',
      groupInterval: '10s',
      repeatInterval: '12h',
      routes: [
        { match: { severity: 'critical' }, receiver: 'critical-alerts' },
        { match: { severity: 'warning' }, receiver: 'warning-alerts' },
      ],
    },
    receivers: [
      { name: 'default', desktop: [{}] },
      { name: 'critical-alerts', desktop: [{}] },
      { name: 'warning-alerts', desktop: [{}] },
    ],
    desktop: { enabled: false },
    ...extra,
  };
}

export function makeNotifier(
  dataDir: string,
  cfg: AlertsConfigInput = seedLikeConfig(),
  clock = new ManualClock(),
  desktop = new RecordingDesktop(),
) {
  const notifier = new Notifier({
    config: alertsConfigSchema.parse(cfg),
    dataDir,
    secrets: new FileSecretStore(dataDir),
    logger: silentLogger,
    desktop,
    clock,
  });
  notifier.start();
  return { notifier, clock, desktop };
}

export function alert(
  clock: ManualClock,
  labels: Record<string, string>,
  opts: { resolved?: boolean; startsAt?: number; annotations?: Record<string, string> } = {},
): PostableAlert {
  const now = clock.now();
  return {
    labels,
    annotations: opts.annotations ?? { summary: `${labels.alertname} summary` },
    startsAt: new Date(opts.startsAt ?? now).toISOString(),
    // Prometheus: firing alerts carry endsAt = now + 4 × eval interval; resolved ones endsAt = now.
    endsAt: new Date(opts.resolved ? now : now + 4 * 60_000).toISOString(),
  };
}

/** The whole alerts module (notifier + push/pull) started on a temp data dir, desktop recorded. */
export async function startAlertsModule(
  dataDir: string,
  config: AlertsConfig,
  desktop = new RecordingDesktop(),
): Promise<{ m: AlertsModule; desktop: RecordingDesktop }> {
  const m = createAlertsModule({
    config,
    dataDir,
    secrets: new FileSecretStore(dataDir),
    logger: silentLogger,
    desktop,
  });
  await m.start();
  return { m, desktop };
}
