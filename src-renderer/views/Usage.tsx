/** Usage and cost: tokens and USD by user, model or day; budgets with burn rate; security events. */
import { useState } from 'react';
import type { BudgetStatus, UsageGroupBy } from '../../src-main/core/usage/contract';
import { useRequest } from '../api/context';
import { DataTable, type Column } from '../components/DataTable';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { int, localTime, usd } from '../format';
import { RangePicker } from './RangePicker';

const GROUPS: Array<{ id: UsageGroupBy; label: string }> = [
  { id: 'user', label: 'By user' },
  { id: 'model', label: 'By model' },
  { id: 'day', label: 'By day' },
];

export function Usage() {
  const [by, setBy] = useState<UsageGroupBy>('user');
  const summary = useRequest('usage.summary', { by }, [by], 60_000);
  const budgets = useRequest('usage.budgets', {}, [], 60_000);
  const security = useRequest('usage.security', { limit: 20 }, [], 60_000);
  if (summary.state === 'unavailable')
    return <Unavailable feature="Usage and cost" cli="ccmon usage --by user" />;
  return (
    <div className="stack">
      <section aria-labelledby="budgets-title">
        <h2 id="budgets-title">Budgets</h2>
        {budgets.state === 'loading' && <Loading what="budgets" />}
        {budgets.state === 'error' && (
          <ErrorState what="budgets" error={budgets.error} retry={budgets.reload} />
        )}
        {budgets.state === 'ready' && (
          <DataTable
            testId="budgets"
            rows={budgets.value}
            rowKey={(b) => b.name}
            empty={
              <Empty title="No budgets configured.">
                Add <code>usage.budgets</code> to ccmon.yaml to track spend against a limit per day
                or month.
              </Empty>
            }
            columns={BUDGET_COLUMNS}
          />
        )}
      </section>
      <section aria-labelledby="usage-title">
        <h2 id="usage-title">Tokens and cost</h2>
        <RangePicker<UsageGroupBy> value={by} onChange={setBy} ranges={GROUPS} label="Group by" />
        {summary.state === 'loading' && <Loading what="usage" />}
        {summary.state === 'error' && (
          <ErrorState what="usage" error={summary.error} retry={summary.reload} />
        )}
        {summary.state === 'ready' && (
          <DataTable
            testId="usage"
            rows={
              summary.value.rows.length
                ? [...summary.value.rows, { ...summary.value.total, key: 'Total' }]
                : []
            }
            rowKey={(r) => r.key}
            empty={
              <Empty title="No usage recorded in this period.">
                Usage arrives from Claude Code&apos;s telemetry (set{' '}
                <code>CLAUDE_CODE_ENABLE_TELEMETRY=1</code> and point its OTLP exporter at the
                agent), LiteLLM or local transcripts.
              </Empty>
            }
            columns={[
              { header: by, rowHeader: true, cell: (r) => r.key },
              { header: 'Tokens', numeric: true, cell: (r) => int(r.tokens) },
              { header: 'Requests', numeric: true, cell: (r) => int(r.requests) },
              { header: 'Errors', numeric: true, cell: (r) => int(r.errors) },
              { header: 'Cost', numeric: true, cell: (r) => usd(r.costUsd) },
            ]}
          />
        )}
        {summary.state === 'ready' && (
          <p className="muted">
            {localTime(summary.value.since)} – {localTime(summary.value.until)} · source{' '}
            {summary.value.source}
          </p>
        )}
      </section>
      <section aria-labelledby="security-title">
        <h2 id="security-title">Security events</h2>
        {security.state === 'ready' && (
          <DataTable
            testId="security-events"
            label="Security events"
            rows={security.value}
            rowKey={(e, i) => `${e.time}-${i}`}
            empty={<Empty title="No security events. Target: zero." />}
            columns={[
              { header: 'Time', cell: (e) => localTime(e.time) },
              { header: 'User', cell: (e) => e.user },
              { header: 'Kind', cell: (e) => e.kind },
              { header: 'Detail', cell: (e) => e.detail },
            ]}
          />
        )}
        {security.state === 'error' && (
          <ErrorState what="security events" error={security.error} retry={security.reload} />
        )}
      </section>
    </div>
  );
}

const budgetValue = (b: BudgetStatus, v: number) =>
  b.unit === 'usd' ? usd(v) : `${int(v)} tokens`;
const BUDGET_BADGE: Record<string, string> = { ok: 'healthy', warning: 'degraded' };

const BUDGET_COLUMNS: Column<BudgetStatus>[] = [
  {
    header: 'Budget',
    rowHeader: true,
    cell: (b) => (
      <>
        {b.name} <span className="muted">({b.period})</span>
      </>
    ),
  },
  {
    header: 'Used',
    cell: (b) => (
      <>
        <progress
          className="progress"
          max={1}
          value={Math.min(1, b.usedRatio)}
          aria-label={`${b.name} used`}
        />
        {budgetValue(b, b.used)} of {budgetValue(b, b.limit)} ({Math.round(b.usedRatio * 100)} %)
      </>
    ),
  },
  { header: 'Projected', numeric: true, cell: (b) => budgetValue(b, b.projected) },
  {
    header: 'State',
    cell: (b) => (
      <span className={`badge badge-${BUDGET_BADGE[b.state] ?? 'unhealthy'}`}>{b.state}</span>
    ),
  },
];
