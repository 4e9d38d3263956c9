/**
 * Everything the notifier derives from the `alerts` section to route and deliver: the route tree
 * (with ccmon's desktop route in front), the receiver integrations (sinks) by receiver, and the
 * inhibit rules. Built whole before anything is swapped, so a reload that cannot build changes
 * nothing (Alertmanager's /-/reload loads and checks the file before it touches the dispatcher).
 */
import type { SecretStore } from '../secrets/store.js';
import type { AlertsConfig } from './config.js';
import { buildInhibitRules, type InhibitRule } from './inhibit.js';
import { buildRoute, type Route } from './route.js';
import type { DesktopNotifier } from './sinks/desktop.js';
import { buildSinks, DESKTOP_RECEIVER } from './sinks/index.js';
import type { Sink } from './sinks/sink.js';

export interface Routing {
  route: Route;
  /** Every integration by sinkId (the outbox resolves queued deliveries through this). */
  sinks: Map<string, Sink>;
  sinksByReceiver: Map<string, Sink[]>;
  inhibitRules: InhibitRule[];
}

/** Build the routing of a config; throws (a MatcherError, …) when it cannot be built. */
export function buildRouting(
  cfg: AlertsConfig,
  secrets: SecretStore,
  desktop: DesktopNotifier,
): Routing {
  const sinks = buildSinks(cfg, secrets, desktop);
  const sinksByReceiver = new Map<string, Sink[]>();
  for (const s of sinks.values()) {
    const list = sinksByReceiver.get(s.receiver) ?? [];
    list.push(s);
    sinksByReceiver.set(s.receiver, list);
  }
  return {
    route: withDesktopRoute(cfg),
    sinks,
    sinksByReceiver,
    inhibitRules: buildInhibitRules(cfg.inhibitRules),
  };
}

/**
 * The user's tree with ccmon's desktop route put first (it continues, so the imported tree is
 * untouched). It gets an id of its own rather than position 0, so turning desktop notifications
 * on or off does not shift the ids of the user's routes and lose their groups on a reload.
 */
function withDesktopRoute(cfg: AlertsConfig): Route {
  const root = buildRoute(cfg.route);
  if (!cfg.desktop.enabled) return root;
  const desktop = buildRoute(
    {
      receiver: DESKTOP_RECEIVER,
      matchers: cfg.desktop.matchers,
      match: {},
      matchRe: {},
      continue: true,
      routes: [],
    },
    root,
  );
  root.routes.unshift({ ...desktop, id: `${root.id}.desktop` });
  return root;
}

/** What a reload changed, for the log line and the incident timeline. */
export function describeReload(r: { kept: number; created: number; dropped: number }): string {
  return `${r.kept} aggregation group(s) kept with their timers, ${r.created} new, ${r.dropped} dropped (their route is gone)`;
}
