/**
 * The alerts engine module: the notifier (ccmon's local Alertmanager), its push/pull links to real
 * Alertmanagers, and its AgentApi handlers. The rule engine gets `sender` as its AlertSender.
 */
import type { RequestHandlers } from '../api.js';
import { RequestError } from '../local-api.js';
import type { EngineModule } from '../module.js';
import { parseDuration } from '../duration.js';
import { rfc3339 } from './alert.js';
import type { AlertsConfig } from './config.js';
import type { SilenceView } from './contract.js';
import { parseMatchers, type Matcher } from './matchers.js';
import { Notifier, type NotifierOptions } from './notifier.js';
import type { AlertSender } from './postable.js';
import { RemoteAlertmanagers } from './remote.js';
import { SilenceError, type Silence } from './silence.js';
import { checkSecrets } from './secret-refs.js';
import { localSilenceView, pulledSilenceView } from './silence-views.js';

type AlertsHandlers = Pick<
  RequestHandlers,
  | 'alerts.list'
  | 'silences.list'
  | 'silences.create'
  | 'silences.expire'
  | 'alerts.snooze'
  | 'alerts.timeline'
  | 'alerts.deliveries'
  | 'alerts.post'
  | 'alerts.retryDelivery'
>;

export interface AlertsModule extends EngineModule {
  handlers: AlertsHandlers;
  /** Where the rule engine sends its alerts (local notifier + configured push targets). */
  sender: AlertSender;
  notifier: Notifier;
  remote: RemoteAlertmanagers;
  /**
   * The section as running now: a copy updated in place by reload(), so readers that hold it (the
   * reports mailer looks up receivers here) see the new receivers too.
   */
  config: AlertsConfig;
  /**
   * Apply a changed `alerts` section without a restart (routing, receivers, inhibit rules, push and
   * pull targets); throws, changing nothing, when the routing cannot be built. Returns a summary.
   */
  reload(next: AlertsConfig): Promise<string>;
}

/** The notifier's options: the module adds nothing of its own. */
export type AlertsModuleOptions = NotifierOptions;

export function createAlertsModule(opts: AlertsModuleOptions): AlertsModule {
  const config = structuredClone(opts.config);
  const notifier = new Notifier({ ...opts, config: structuredClone(config) });
  const remote = new RemoteAlertmanagers(config, opts.dataDir, notifier, opts.logger);
  const sender: AlertSender = {
    send(alerts) {
      notifier.send(alerts);
      remote.forward(alerts);
    },
  };
  const source = (name: string) => {
    const s = remote.pullSource(name);
    if (!s)
      throw new RequestError(
        'not_found',
        `no pulled Alertmanager named '${name}' (alerts.pullFrom)`,
      );
    return s;
  };
  const bad = (err: unknown): never => {
    if (err instanceof SilenceError || (err as Error).name === 'MatcherError')
      throw new RequestError('bad_request', (err as Error).message);
    throw err;
  };
  const localView = (s: Silence) => localSilenceView(s, notifier.clock.now());
  const createSilence = async (
    target: string | undefined,
    s: {
      matchers: Matcher[];
      startsAt: number;
      endsAt: number;
      createdBy: string;
      comment: string;
      untilResolved?: string;
    },
  ) => {
    if (target)
      return { id: await source(target).createSilence(s), source: `alertmanager:${target}` };
    let created: Silence;
    try {
      created = notifier.silences.create(s);
    } catch (err) {
      return bad(err);
    }
    notifier.history.record({
      t: notifier.clock.now(),
      kind: 'silence_created',
      detail: `${created.id} by ${created.createdBy}: ${created.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}`,
    });
    return { id: created.id, source: 'ccmon' };
  };

  const handlers: AlertsHandlers = {
    'alerts.list': async ({ state, source: src }) =>
      notifier.status
        .views(notifier)
        .filter((a) => (!state || state.includes(a.state)) && (!src || a.source === src)),
    'silences.list': async ({ source: src }) => {
      const out: SilenceView[] =
        !src || src === 'ccmon' ? notifier.silences.list().map(localView) : [];
      for (const p of remote.pull) {
        if (src && src !== `alertmanager:${p.name}`) continue;
        try {
          for (const s of await p.silences()) out.push(pulledSilenceView(s, p.name));
        } catch (err) {
          opts.logger.warn(`listing silences of ${p.name}: ${(err as Error).message}`);
        }
      }
      return out;
    },
    'silences.create': async (p) => {
      const now = notifier.clock.now();
      const startsAt = p.startsAt ? Date.parse(p.startsAt) : now;
      let endsAt: number;
      if (p.endsAt) endsAt = Date.parse(p.endsAt);
      else if (p.duration) {
        const ms = parseDuration(p.duration);
        if (ms === null || ms <= 0)
          throw new RequestError(
            'bad_request',
            `duration '${p.duration}' is not a Prometheus duration`,
          );
        endsAt = Math.max(startsAt, now) + ms;
      } else throw new RequestError('bad_request', 'give endsAt or duration');
      let matchers: Matcher[];
      try {
        matchers = p.matchers.flatMap((m) => (typeof m === 'string' ? parseMatchers(m) : [m]));
      } catch (err) {
        return bad(err);
      }
      return createSilence(p.target, {
        matchers,
        startsAt,
        endsAt,
        createdBy: p.createdBy,
        comment: p.comment,
      });
    },
    'silences.expire': async ({ id, target }) => {
      if (target) {
        await source(target).expireSilence(id);
        return { id };
      }
      try {
        notifier.silences.expire(id);
      } catch (err) {
        if (err instanceof SilenceError && /no silence/.test(err.message))
          throw new RequestError('not_found', err.message);
        return bad(err);
      }
      notifier.history.record({ t: notifier.clock.now(), kind: 'silence_expired', detail: id });
      return { id };
    },
    'alerts.snooze': async ({ fingerprint: fp, for: howLong, createdBy }) => {
      const a = notifier.alert(fp);
      if (!a) throw new RequestError('not_found', `no alert with fingerprint ${fp}`);
      // Alertmanager's UI "silence this alert": one equality matcher per label.
      const matchers: Matcher[] = Object.entries(a.labels).map(([name, value]) => ({
        name,
        op: '=',
        value,
      }));
      const now = notifier.clock.now();
      const src = notifier.sourceOf(fp);
      if (howLong === 'until-resolved') {
        // Alertmanager has no such silence: ccmon keeps it locally and ends it when the alert resolves.
        return createSilence(undefined, {
          matchers,
          startsAt: now,
          endsAt: now + 365 * 86_400_000,
          createdBy,
          comment: 'snoozed until resolved',
          untilResolved: fp,
        });
      }
      const ms = parseDuration(howLong)!;
      const target = src.startsWith('alertmanager:')
        ? src.slice('alertmanager:'.length)
        : undefined;
      return createSilence(target, {
        matchers,
        startsAt: now,
        endsAt: now + ms,
        createdBy,
        comment: `snoozed for ${howLong}`,
      });
    },
    'alerts.timeline': async ({ fingerprint: fp, alertname, since, limit }) =>
      notifier.history
        .query({ fingerprint: fp, alertname, since: since ? Date.parse(since) : undefined, limit })
        .map((e) => ({ ...e, t: new Date(e.t).toISOString() })),
    'alerts.deliveries': async () => ({
      outbox: notifier.outbox.list().map((e) => ({
        id: e.id,
        sink: e.sink,
        groupKey: e.notification.groupKey,
        status: e.notification.status,
        alerts: e.notification.alerts.length,
        state: e.state,
        attempts: e.attempts,
        createdAt: rfc3339(e.createdAt),
        nextAttemptAt: rfc3339(e.nextAttemptAt),
        lastError: e.lastError,
      })),
      recent: notifier.outbox.history().map((r) => ({ ...r, at: rfc3339(r.at) })),
      pushTargets: remote.push.map((p) => ({
        url: p.url,
        pending: p.pendingCount,
        lastError: p.lastError,
      })),
      pullSources: remote.pull.map((p) => ({
        name: p.name,
        url: p.url,
        lastPollAt: p.lastPollAt === null ? null : rfc3339(p.lastPollAt),
        lastError: p.lastError,
      })),
    }),
    'alerts.retryDelivery': async ({ id }) => ({ retried: notifier.outbox.retry(id) }),
    'alerts.post': async ({ alerts }) => {
      const now = new Date(notifier.clock.now()).toISOString();
      const posted = alerts.map((a) => ({ ...a, startsAt: a.startsAt ?? now }));
      const r = notifier.receive(posted, 'ccmon');
      if (r.accepted > 0) remote.forward(posted);
      if (r.accepted === 0)
        throw new RequestError('bad_request', `no valid alert: ${r.errors.join('; ')}`);
      return r;
    },
  };

  return {
    name: 'alerts',
    handlers,
    sender,
    notifier,
    remote,
    config,
    async reload(next) {
      const copy = structuredClone(next);
      const summary = notifier.reload(copy);
      remote.reload(copy);
      // Replace, not merge: a key the new section leaves out must not linger from the old one.
      for (const k of Object.keys(config)) delete (config as Record<string, unknown>)[k];
      Object.assign(config, structuredClone(copy));
      await checkSecrets({ ...opts, config });
      return summary;
    },
    async start() {
      notifier.start();
      remote.start();
      await checkSecrets({ ...opts, config });
    },
    async stop() {
      remote.stop();
      await notifier.stopGracefully();
    },
  };
}

/** The dashboard's URL for links in notifications (loopback when it listens on every address). */
export function dashboardUrlOf(d: { host: string; port: number }): string {
  const host = ['0.0.0.0', '::', ''].includes(d.host) ? '127.0.0.1' : d.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${d.port}`;
}
