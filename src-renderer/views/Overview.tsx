/**
 * The overview: the seed's five dimensions, then every check with status, latency, last error, and
 * every scrape target with its health and notes.
 */
import { useCallback, useState } from 'react';
import type { CheckResult, CheckSummary } from '../../src-main/core/checks/contract';
import { useApi, useEventListener, useRequest } from '../api/context';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { ago, ms } from '../format';
import { DIMENSIONS, dimensionOfCheck, dimensionStates } from './dimensions';
import { TargetsTable } from './TargetsTable';

export function Overview() {
  const api = useApi();
  const listed = useRequest('checks.list', {}, [], 30_000);
  const budgets = useRequest('usage.budgets', {}, [], 60_000);
  const security = useRequest('usage.security', { limit: 100 }, [], 60_000);
  const [running, setRunning] = useState(false);
  // Each finished check run replaces that check's last result, so the table is live.
  const [fresh, setFresh] = useState<Record<string, CheckResult>>({});
  const onResult = useCallback((r: CheckResult) => {
    setFresh((cur) => ({ ...cur, [r.name]: r }));
  }, []);
  useEventListener('check.result', onResult);
  const checks: CheckSummary[] | null =
    listed.state === 'ready'
      ? listed.value.map((c) => {
          const r = fresh[c.name];
          return r && (!c.last || r.at > c.last.at) ? { ...c, last: r } : c;
        })
      : null;
  const runNow = async () => {
    setRunning(true);
    try {
      await api.request('checks.run', {});
    } finally {
      setRunning(false);
      listed.reload();
    }
  };

  const states = dimensionStates(
    checks,
    budgets.state === 'ready' ? budgets.value : null,
    security.state === 'ready' ? security.value : null,
  );
  return (
    <>
      <div className="dimensions">
        {DIMENSIONS.map((d) => (
          <section
            key={d.id}
            className="panel dimension"
            data-status={states[d.id].status}
            data-testid={`dimension-${d.id}`}
            aria-labelledby={`dim-${d.id}`}
          >
            <h2 id={`dim-${d.id}`}>
              <span className={`dot dot-${states[d.id].status}`} aria-hidden="true" />
              {d.title}
            </h2>
            <p className="target">Target: {d.target}</p>
            <p>{states[d.id].detail}</p>
            <p className="muted">{d.measures.join(' · ')}</p>
          </section>
        ))}
      </div>
      <div className="row spread">
        <h2>Checks</h2>
        <button type="button" onClick={runNow} disabled={running || checks === null}>
          {running ? 'Running…' : 'Run all checks now'}
        </button>
      </div>
      <ChecksTable listed={listed} checks={checks} />
      <h2>Scrape targets</h2>
      <TargetsTable />
    </>
  );
}

function ChecksTable({
  listed,
  checks,
}: {
  listed: ReturnType<typeof useRequest<'checks.list'>>;
  checks: CheckSummary[] | null;
}) {
  if (listed.state === 'unavailable')
    return (
      <Unavailable feature="Health checks" cli="ccmon check">
        The status stays Unknown (never green without data).
      </Unavailable>
    );
  if (listed.state === 'error')
    return <ErrorState what="the checks" error={listed.error} retry={listed.reload} />;
  if (checks === null) return <Loading what="checks" />;
  const statusOf = (c: CheckSummary) => (c.enabled ? (c.last?.status ?? 'unknown') : 'paused');
  return (
    <DataTable
      testId="checks"
      rows={checks}
      rowKey={(c) => c.name}
      rowProps={(c) => ({ 'data-check': c.name, 'data-status': statusOf(c) })}
      empty={
        <Empty title="No checks configured.">
          Add checks under <code>checks:</code> in ccmon.yaml or in Settings (the seed&apos;s
          defaults apply when the section is missing).
        </Empty>
      }
      columns={[
        {
          header: 'Check',
          rowHeader: true,
          longText: true,
          cell: (c) => (
            <>
              {c.name} <span className="muted">({c.type})</span>
            </>
          ),
        },
        { header: 'Dimension', cell: (c) => dimensionOfCheck(c) },
        {
          header: 'Status',
          cell: (c) => <span className={`badge badge-${statusOf(c)}`}>{statusOf(c)}</span>,
        },
        { header: 'Latency', numeric: true, cell: (c) => (c.last ? ms(c.last.latencyMs) : '–') },
        { header: 'Last run', cell: (c) => (c.enabled ? ago(c.last?.at) : 'disabled') },
        {
          header: 'Last error',
          longText: true,
          cell: (c) =>
            c.last && c.last.status !== 'healthy' ? (
              <>
                {c.last.message}
                {c.last.consecutiveFailures > 1 && (
                  <span className="muted"> ({c.last.consecutiveFailures} in a row)</span>
                )}
              </>
            ) : (
              <span className="muted">none</span>
            ),
        },
      ]}
    />
  );
}
