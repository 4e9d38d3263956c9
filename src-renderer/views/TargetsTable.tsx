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
        { header: 'Error and notes', cell: (t) => <TargetNotes target={t} /> },
      ]}
    />
  );
}

const badgeOf = (t: TargetHealth) =>
  t.health === 'up' ? 'healthy' : t.health === 'down' ? 'unhealthy' : 'unknown';

function TargetNotes({ target: t }: { target: TargetHealth }) {
  if (!t.lastError && t.warnings.length === 0 && t.appendErrors.length === 0)
    return <span className="muted">none</span>;
  return (
    <ul className="notes">
      {t.lastError && <li className="field-error">{t.lastError}</li>}
      {t.warnings.map((w) => (
        <li key={`w ${w}`} data-note="exposition">
          <span className="muted">Exposition:</span> {w}
        </li>
      ))}
      {t.appendErrors.map((e) => (
        <li key={`a ${e}`} data-note="not-stored" className="field-error">
          <span className="muted">Not stored:</span> {e}
        </li>
      ))}
    </ul>
  );
}
