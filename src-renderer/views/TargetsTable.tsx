/**
 * The scrape targets, as Prometheus's /targets page shows them: health, last scrape, duration,
 * samples and the last error, plus two kinds of notes a green target can still carry: exposition
 * warnings (the target's own output, e.g. a repeated series) and samples the series store refused
 * (its series limit, out-of-order or duplicate samples), which mean data is silently missing.
 */
import type { TargetHealth } from '../../src-main/core/scrape/contract';
import { useRequest } from '../api/context';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { ago, ms } from '../format';

export function TargetsTable() {
  const listed = useRequest('targets.list', {}, [], 15_000);
  if (listed.state === 'unavailable')
    return <Unavailable feature="Scrape targets" cli="ccmon agent" />;
  if (listed.state === 'error')
    return <ErrorState what="the scrape targets" error={listed.error} retry={listed.reload} />;
  if (listed.state === 'loading') return <Loading what="scrape targets" />;
  return (
    <DataTable
      testId="targets"
      rows={listed.value}
      rowKey={(t) => `${t.job} ${t.url}`}
      rowProps={(t) => ({
        'data-target': `${t.job}/${t.instance}`,
        'data-health': t.health,
        'data-notes': String(t.warnings.length + t.appendErrors.length),
      })}
      empty={
        <Empty title="No scrape targets.">
          Add a job under <code>scrape:</code> in ccmon.yaml or in Settings › Scrape targets.
        </Empty>
      }
      columns={[
        {
          header: 'Target',
          rowHeader: true,
          longText: true,
          cell: (t) => (
            <>
              {t.job} <span className="muted">{t.url}</span>
            </>
          ),
        },
        {
          header: 'Health',
          cell: (t) => <span className={`badge badge-${badgeOf(t)}`}>{t.health}</span>,
        },
        { header: 'Last scrape', cell: (t) => ago(t.lastScrape) },
        {
          header: 'Duration',
          numeric: true,
          cell: (t) =>
            t.lastScrapeDurationSeconds === null ? '–' : ms(t.lastScrapeDurationSeconds * 1000),
        },
        { header: 'Samples', numeric: true, cell: (t) => String(t.samples) },
        { header: 'Error and notes', longText: true, cell: (t) => <TargetNotes target={t} /> },
      ]}
    />
  );
}

const badgeOf = (t: TargetHealth) =>
  t.health === 'up' ? 'healthy' : t.health === 'down' ? 'unhealthy' : 'unknown';

/** Notes shown before the rest fold away (a series limit names every refused series). */
const SHOWN_NOTES = 3;

function TargetNotes({ target: t }: { target: TargetHealth }) {
  // Samples not stored (lost data) before exposition warnings, so they never fold away.
  const notes = [
    ...t.appendErrors.map((text) => ({ kind: 'not-stored', label: 'Not stored:', text })),
    ...t.warnings.map((text) => ({ kind: 'exposition', label: 'Exposition:', text })),
  ];
  if (!t.lastError && notes.length === 0) return <span className="muted">none</span>;
  const item = (n: (typeof notes)[number]) => (
    <li
      key={`${n.kind} ${n.text}`}
      data-note={n.kind}
      className={n.kind === 'not-stored' ? 'field-error' : undefined}
    >
      <span className="muted">{n.label}</span> {n.text}
    </li>
  );
  const rest = notes.slice(SHOWN_NOTES);
  return (
    <>
      {t.lastError}
      {notes.length > 0 && <ul className="notes">{notes.slice(0, SHOWN_NOTES).map(item)}</ul>}
      {rest.length > 0 && (
        <details>
          <summary>{rest.length} more</summary>
          <ul className="notes">{rest.map(item)}</ul>
        </details>
      )}
    </>
  );
}
