/** The dashboard frame: top bar with the live overall status, the view list, the current view. */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { AgentInfo, StatusSnapshot } from '../../src-main/core/system/contract';
import { useApi, useEvent } from '../api/context';
import { navigate, ROUTES, useRoute, type RouteId } from '../routes';
import { Alerts } from '../views/Alerts';
import { Backups } from '../views/Backups';
import { Charts } from '../views/Charts';
import { Logs } from '../views/Logs';
import { Overview } from '../views/Overview';
import { Reports } from '../views/Reports';
import { Settings } from '../views/settings/Settings';
import { StatusBadge } from '../views/StatusBadge';
import { Usage } from '../views/Usage';
import { PauseControl, PausedBanner } from './PausedBanner';
import { RulesHeldBanner } from './RulesHeldBanner';

const views: Record<RouteId, (p: { rest: string[] }) => ReactElement> = {
  overview: () => <Overview />,
  charts: ({ rest }) => <Charts {...(rest[0] ? { initialRange: rest[0] } : {})} />,
  alerts: ({ rest }) => <Alerts selected={rest[0] ?? null} />,
  backups: () => <Backups />,
  reports: () => <Reports />,
  logs: () => <Logs />,
  usage: () => <Usage />,
  settings: () => <Settings />,
};

export function Shell({ info }: { info: AgentInfo }) {
  const api = useApi();
  const route = useRoute();
  const live = useEvent('status');
  const [first, setFirst] = useState<StatusSnapshot | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    api.request('status.get', {}).then(setFirst, () => setFirst(null));
  }, [api]);
  // Alt+1…8 switch views from anywhere (a tray app is often driven from the keyboard).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const r = ROUTES.find((x) => x.key === e.key);
      if (!r) return;
      e.preventDefault();
      navigate(r.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // Move focus to the new view's heading on a view change (not on page load, where the skip
  // link must stay the first Tab stop), so keyboard and screen-reader users land in it.
  const shownRoute = useRef(route.id);
  useEffect(() => {
    if (shownRoute.current === route.id) return;
    shownRoute.current = route.id;
    heading.current?.focus();
  }, [route.id]);
  const status = live ?? first;
  const current = ROUTES.find((r) => r.id === route.id)!;
  const View = views[route.id];
  return (
    <div className="app">
      <a className="skip" href="#view">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">ccmon</span>
        {status ? <StatusBadge status={status.overall} /> : <span className="badge">…</span>}
        <span className="summary" data-testid="status-summary">
          {status ? status.summary : 'Waiting for the first status…'}
        </span>
        <span className="muted version">
          v{info.version} · {info.shell === 'electron' ? 'tray app' : 'headless agent'}
        </span>
      </header>
      <PausedBanner />
      <RulesHeldBanner />
      {info.configWarnings.length > 0 && (
        <div className="banner" role="alert">
          {info.configWarnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      )}
      <div className="layout">
        <nav aria-label="Views" className="sidenav">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.id}>
                <a
                  href={`#/${r.id}`}
                  aria-current={r.id === route.id ? 'page' : undefined}
                  aria-keyshortcuts={`Alt+${r.key}`}
                >
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
          <p className="muted hint">Alt+1…8 switch views</p>
          <PauseControl />
        </nav>
        <main id="view" className="view" data-view={route.id}>
          <h1 ref={heading} tabIndex={-1}>
            {current.label}
          </h1>
          <View rest={route.rest} />
        </main>
      </div>
    </div>
  );
}
