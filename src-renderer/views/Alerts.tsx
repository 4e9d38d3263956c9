/** Alerts: firing, silenced, inhibited, resolved; an incident's timeline; silences. */
import { useCallback, useState } from 'react';
import type { AlertState, AlertView } from '../../src-main/core/alerts/contract';
import { useEventListener, useRequest } from '../api/context';
import { HeldUntil, useRulesHold } from '../components/RulesHeldBanner';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { ago, duration } from '../format';
import { navigate } from '../routes';
import { AlertDetail } from './AlertDetail';
import { SilencesList } from './SilencesList';

type Tab = AlertState | 'pending';

const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'firing', label: 'Firing' },
  { id: 'pending', label: 'Pending' },
  { id: 'silenced', label: 'Silenced' },
  { id: 'inhibited', label: 'Inhibited' },
  { id: 'resolved', label: 'Resolved' },
];

export function Alerts({ selected }: { selected: string | null }) {
  const listed = useRequest('alerts.list', {}, [], 30_000);
  const [live, setLive] = useState<AlertView[] | null>(null);
  const [tab, setTab] = useState<Tab>('firing');
  useEventListener(
    'alerts',
    useCallback((list: AlertView[]) => setLive(list), []),
  );
  // Pending alerts live in the rule engine (condition true, `for` not yet elapsed).
  const rules = useRequest('rules.list', { type: 'alert' }, [], 15_000);
  const hold = useRulesHold();
  useEventListener(
    'rules.state',
    useCallback(() => rules.reload(), [rules.reload]), // eslint-disable-line react-hooks/exhaustive-deps
  );
  const pending =
    rules.state === 'ready'
      ? rules.value.groups.flatMap((g) =>
          g.rules.flatMap((r) =>
            (r.alerts ?? [])
              .filter((a) => a.state === 'pending')
              .map((a) => ({ rule: r.name, for: r.duration, ...a })),
          ),
        )
      : [];
  if (listed.state === 'unavailable')
    return <Unavailable feature="Alerts" cli="ccmon rules check FILE" />;
  if (listed.state === 'error')
    return <ErrorState what="alerts" error={listed.error} retry={listed.reload} />;
  if (listed.state === 'loading' && !live) return <Loading what="alerts" />;
  const all = live ?? (listed.state === 'ready' ? listed.value : []);
  const shown = all.filter((a) => a.state === tab);
  const current = selected ? all.find((a) => a.fingerprint === selected) : undefined;
  return (
    <div className="split">
      <div>
        {hold && (
          <p className="note note-held" data-testid="alerts-held">
            Rules are not evaluated <HeldUntil hold={hold} /> (the system clock was set back): no
            alert fires, resolves or turns pending before then. Firing alerts stay firing and keep
            being sent.
          </p>
        )}
        <div className="tabs" role="tablist" aria-label="Alert state">
          {TABS.map((t) => {
            const n =
              t.id === 'pending' ? pending.length : all.filter((a) => a.state === t.id).length;
            return (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                onClick={() => setTab(t.id)}
                data-testid={`tab-${t.id}`}
              >
                {t.label} ({n})
              </button>
            );
          })}
        </div>
        {tab === 'pending' ? (
          pending.length === 0 ? (
            <Empty title="Nothing is pending.">
              A rule whose condition holds waits its <code>for</code> duration here before it fires.
            </Empty>
          ) : (
            <table data-testid="pending">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Active since</th>
                  <th scope="col">Fires after</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                </tr>
              </thead>
              <tbody>
                {pending.map((a) => (
                  <tr key={`${a.rule}${JSON.stringify(a.labels)}`}>
                    <th scope="row">{a.rule}</th>
                    <td>{ago(a.activeAt)}</td>
                    <td>
                      {/* The rule's `for`, and when it fires if the condition keeps holding. */}
                      {duration(a.for)}{' '}
                      <span className="muted">
                        ({ago(new Date(Date.parse(a.activeAt) + a.for * 1000).toISOString())})
                      </span>
                    </td>
                    <td className="num">{+a.value.toFixed(4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : shown.length === 0 ? (
          <Empty title={tab === 'firing' ? 'Nothing is firing.' : `No ${tab} alerts.`}>
            {tab === 'firing' && (
              <>
                Alerts from the rules appear here within one evaluation interval of their condition
                holding for its <code>for</code> duration.
              </>
            )}
          </Empty>
        ) : (
          <table data-testid="alerts">
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">Severity</th>
                <th scope="col">Since</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr
                  key={a.fingerprint}
                  className={a.fingerprint === selected ? 'selected' : undefined}
                  data-alert={a.labels.alertname}
                >
                  <th scope="row" className="long-text">
                    <button
                      type="button"
                      className="linkish"
                      onClick={() => navigate('alerts', a.fingerprint)}
                    >
                      {a.labels.alertname ?? a.fingerprint}
                    </button>
                  </th>
                  <td>
                    <span className={`badge badge-${a.labels.severity ?? 'info'}`}>
                      {a.labels.severity ?? 'none'}
                    </span>
                  </td>
                  <td>{ago(a.startsAt)}</td>
                  <td className="long-text">
                    {a.annotations.summary ?? a.annotations.description ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>Silences</h2>
        <SilencesList />
      </div>
      <div>
        {current ? (
          <AlertDetail alert={current} />
        ) : (
          <Empty title="Select an alert">
            Its labels, the incident timeline and a way to silence it appear here.
          </Empty>
        )}
      </div>
    </div>
  );
}
