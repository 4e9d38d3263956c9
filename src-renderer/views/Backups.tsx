/**
 * Backups: the list, one-click backup with live progress, verify, what changed since an older
 * backup, restore after a dry-run diff, and the retention policy applied on request after a
 * preview of what it removes.
 */
import { useCallback, useState } from 'react';
import type { BackupSummary, PruneReport } from '../../src-main/core/backup/contract';
import type { JobProgress } from '../../src-main/core/jobs/contract';
import { useApi, useEventListener, useRequest } from '../api/context';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { ago, bytes, duration, localTime } from '../format';
import { BackupChanges } from './BackupChanges';
import { Outcome, SetHealth } from './BackupNotices';
import { RestorePanel } from './RestorePanel';

type Running = { set: string; progress: JobProgress | null } | null;
/** The retention control: a preview of what would go, then the prune itself, then its outcome. */
type Retention =
  | { step: 'loading' }
  | { step: 'preview'; report: PruneReport }
  | { step: 'pruning'; report: PruneReport }
  | { step: 'outcome'; ok: boolean; message: string }
  | null;

export function Backups() {
  const api = useApi();
  const list = useRequest('backup.list', {}, [], 60_000);
  const [running, setRunning] = useState<Running>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string; set?: string } | null>(
    null,
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [comparing, setComparing] = useState<string | null>(null);
  const [verifying, setVerifying] = useState<string | null>(null);
  const [verified, setVerified] = useState<Record<string, { ok: boolean; text: string }>>({});
  const [retention, setRetention] = useState<Retention>(null);
  const [chosenSet, setChosenSet] = useState<string | null>(null);

  useEventListener(
    'backup.progress',
    useCallback((p) => setRunning({ set: p.set, progress: p }), []),
  );
  // Sets added or removed by a config change (Settings here or elsewhere, the file plus a reload)
  // show at once: a removed set's schedule line goes with its jobs.
  useEventListener(
    'config.applied',
    useCallback(
      (c) => {
        if (c.applied.includes('backup')) list.reload();
      },
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [list.reload],
    ),
  );
  useEventListener(
    'backup.finished',
    useCallback(
      (f) => {
        setRunning(null);
        setOutcome({ ok: f.ok, message: f.message, set: f.set });
        list.reload();
      },
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [list.reload],
    ),
  );

  if (list.state === 'unavailable')
    return <Unavailable feature="Backups" cli="ccmon backup / ccmon backups" />;
  if (list.state === 'loading') return <Loading what="backups" />;
  if (list.state === 'error')
    return <ErrorState what="backups" error={list.error} retry={list.reload} />;
  const { backups, sets, directory, problems } = list.value;
  // The set "Back up now" runs (the first by default); only its own run disables the button: the
  // agent waits for the folder when another set's run holds it.
  const target = sets.find((s) => s.set === chosenSet) ?? sets[0];
  const busy = running?.set === target?.set || target?.running === true;
  // A failed run is its set's last run too, which SetHealth shows (and keeps after a reload): the
  // error is said once, not twice.
  const saidBySetHealth =
    outcome?.ok === false &&
    sets.some(
      (s) =>
        s.set === outcome.set &&
        s.lastRun?.status === 'failed' &&
        s.lastRun.message === outcome.message,
    );

  const backUpNow = async () => {
    setOutcome(null);
    try {
      const run = await api.request('backup.run', target ? { set: target.set } : {});
      setRunning((r) => r ?? { set: target?.set ?? run.jobId, progress: null });
    } catch (err) {
      setOutcome({ ok: false, message: (err as Error).message });
    }
  };
  const verify = async (b: BackupSummary) => {
    setVerifying(b.id);
    try {
      const r = await api.request('backup.verify', { id: b.id });
      setVerified((v) => ({
        ...v,
        [b.id]: {
          ok: r.ok,
          text: r.ok
            ? `OK: ${r.files} files match the manifest`
            : `${r.problems.length} problem(s): ${r.problems.slice(0, 3).join('; ')}`,
        },
      }));
    } catch (err) {
      setVerified((v) => ({ ...v, [b.id]: { ok: false, text: (err as Error).message } }));
    } finally {
      setVerifying(null);
    }
  };

  const previewRetention = async () => {
    setRetention({ step: 'loading' });
    try {
      setRetention({ step: 'preview', report: await api.request('backup.prunePreview', {}) });
    } catch (err) {
      setRetention({ step: 'outcome', ok: false, message: (err as Error).message });
    }
  };
  const prune = async (preview: PruneReport) => {
    setRetention({ step: 'pruning', report: preview });
    try {
      const r = await api.request('backup.prune', {});
      setRetention({
        step: 'outcome',
        ok: true,
        message: `Removed ${r.removed.length} backup(s), ${bytes(r.freedBytes)} freed.`,
      });
    } catch (err) {
      setRetention({ step: 'outcome', ok: false, message: (err as Error).message });
    }
    list.reload();
  };

  const p = running?.progress ?? null;
  const percent =
    p && p.totalBytes ? Math.min(100, Math.round((p.bytes / p.totalBytes) * 100)) : null;
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="backup-now-title">
        <div className="row spread">
          <h2 id="backup-now-title">Back up now</h2>
          <div className="row">
            {sets.length > 1 && (
              <select
                aria-label="Backup set"
                data-testid="backup-set-choice"
                value={target?.set}
                onChange={(e) => setChosenSet(e.target.value)}
              >
                {sets.map((s) => (
                  <option key={s.set} value={s.set}>
                    {s.set}
                  </option>
                ))}
              </select>
            )}
            <button type="button" className="primary" onClick={backUpNow} disabled={busy}>
              {busy ? 'Backing up…' : 'Back up now'}
            </button>
          </div>
        </div>
        {running && (
          <div role="status" aria-live="polite" data-testid="backup-progress">
            <p className="muted">Set {running.set}</p>
            <progress
              className="progress"
              max={100}
              {...(percent !== null ? { value: percent } : {})}
              aria-label="Backup progress"
            />
            <p>
              {p ? (
                <>
                  {p.phase} · {p.files}
                  {p.totalFiles ? ` of ${p.totalFiles}` : ''} files · {bytes(p.bytes)}
                  {p.totalBytes ? ` of ${bytes(p.totalBytes)}` : ''}
                  {percent !== null && ` (${percent} %)`} · {bytes(p.rateBytesPerSecond)}/s
                  {p.etaSeconds !== null && ` · ${duration(p.etaSeconds)} left`}
                </>
              ) : (
                'Starting…'
              )}
            </p>
          </div>
        )}
        {outcome && !saidBySetHealth && (
          <Outcome ok={outcome.ok} message={outcome.message} testId="backup-outcome" />
        )}
        <p className="muted">
          Archives in <code>{directory}</code>
          {sets.map((s) => (
            <span key={s.set} data-testid="backup-set" data-set={s.set}>
              {' '}
              · set <strong>{s.set}</strong>:{' '}
              {s.schedule ? `next ${ago(s.nextRunAt)}` : 'on demand only'}
            </span>
          ))}
        </p>
        {sets.map((s) => (
          <SetHealth key={s.set} set={s} />
        ))}
        {problems.map((pr) => (
          <p key={pr} className="field-error">
            {pr}
          </p>
        ))}
      </section>
      <section aria-labelledby="backups-title">
        <div className="row spread">
          <h2 id="backups-title">Archives</h2>
          <button
            type="button"
            onClick={() => void previewRetention()}
            disabled={retention?.step === 'loading' || retention?.step === 'pruning'}
          >
            Apply retention…
          </button>
        </div>
        {retention && retention.step !== 'outcome' && (
          <div role="status" className="panel" data-testid="backup-retention">
            {retention.step === 'loading' ? (
              <p>Checking the retention policy…</p>
            ) : retention.report.removed.length === 0 ? (
              <div className="row spread">
                <p>Nothing to remove: the retention policy keeps every backup.</p>
                <button type="button" onClick={() => setRetention(null)}>
                  Close
                </button>
              </div>
            ) : (
              <>
                <p>
                  The retention policy removes {retention.report.removed.length} backup(s),{' '}
                  {bytes(retention.report.freedBytes)}:{' '}
                  <code>{retention.report.removed.join(', ')}</code>
                </p>
                <div className="row">
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void prune(retention.report)}
                    disabled={retention.step === 'pruning' || busy}
                  >
                    {retention.step === 'pruning'
                      ? 'Removing…'
                      : `Remove ${retention.report.removed.length} backup(s)`}
                  </button>
                  <button type="button" onClick={() => setRetention(null)}>
                    Cancel
                  </button>
                </div>
              </>
            )}
          </div>
        )}
        {retention?.step === 'outcome' && (
          <Outcome
            ok={retention.ok}
            message={retention.message}
            testId="backup-retention-outcome"
          />
        )}
        <DataTable
          testId="backups"
          rows={backups}
          rowKey={(b) => b.id}
          rowProps={(b) => ({
            'data-backup': b.id,
            ...(selected === b.id || comparing === b.id ? { className: 'selected' } : {}),
          })}
          empty={
            <Empty title="No backups yet.">
              Run one now, or set a schedule under <code>backup.sets</code> in ccmon.yaml (or in
              Settings › Schedules).
            </Empty>
          }
          columns={[
            {
              header: 'Backup',
              rowHeader: true,
              cell: (b) => (
                <>
                  <code>{b.id}</code>
                  <div className="muted">
                    {b.set} · {b.kind}
                    {b.encrypted && ' · encrypted'}
                  </div>
                  {b.warnings.map((w) => (
                    <div key={w} className="field-error">
                      {w}
                    </div>
                  ))}
                </>
              ),
            },
            {
              header: 'Taken',
              cell: (b) => ago(b.createdAt),
              cellProps: (b) => ({ title: localTime(b.createdAt) }),
            },
            { header: 'Files', numeric: true, cell: (b) => b.files },
            { header: 'Size', numeric: true, cell: (b) => bytes(b.sizeBytes) },
            {
              header: 'Check',
              cell: (b) =>
                verified[b.id] && (
                  <span className={verified[b.id]!.ok ? '' : 'field-error'}>
                    {verified[b.id]!.text}
                  </span>
                ),
            },
            {
              header: <span className="skip">Actions</span>,
              // A flex row inside the cell: a cell of its own display breaks the table's rows.
              cell: (b) => (
                <div className="row">
                  <button
                    type="button"
                    onClick={() => void verify(b)}
                    disabled={verifying === b.id}
                  >
                    {verifying === b.id ? 'Verifying…' : 'Verify'}
                  </button>
                  <button type="button" onClick={() => setComparing(b.id)}>
                    Changes…
                  </button>
                  <button type="button" onClick={() => setSelected(b.id)}>
                    Restore…
                  </button>
                </div>
              ),
            },
          ]}
        />
      </section>
      {comparing && (
        <BackupChanges
          key={comparing}
          id={comparing}
          backups={backups}
          onClose={() => setComparing(null)}
        />
      )}
      {selected && (
        <RestorePanel
          key={selected}
          id={selected}
          onClose={() => setSelected(null)}
          onDone={list.reload}
        />
      )}
    </div>
  );
}
