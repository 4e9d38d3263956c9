/**
 * Restore one backup: a dry-run first (the diff of what would be added, changed, removed), then the
 * restore itself only after the backup's id is typed back (restic/Kopia habit for destructive acts).
 * In place by default, or into another folder; of everything or of only some paths (`ccmon restore
 * [--to DIR] --include PATH`, typed or chosen from the backup's files), once those options are
 * shown in a dry run: what is restored is what was shown.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { RestoreReport } from '../../src-main/core/backup/contract';
import { useApi, toLoadableError, type Loadable } from '../api/context';
import { ErrorState, Loading } from '../components/states';
import { bytes } from '../format';
import { BackupBrowser } from './BackupBrowser';

const MAX_LISTED = 200;

/** Where a restore writes: in place (no `to`), or into a folder, of everything or of `include`. */
interface Where {
  to?: string;
  include?: string[];
}

export function RestorePanel({
  id,
  onClose,
  onDone,
}: {
  id: string;
  onClose(): void;
  onDone(): void;
}) {
  const api = useApi();
  const [preview, setPreview] = useState<Loadable<RestoreReport>>({ state: 'loading' });
  // The options of the dry run shown (the restore uses these), and the fields being edited.
  const [where, setWhere] = useState<Where>({});
  const [toField, setToField] = useState('');
  const [pathsField, setPathsField] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RestoreReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.request('backup.restorePreview', { id, ...where }).then(
      (r) => live && setPreview({ state: 'ready', value: r }),
      (e: unknown) => live && setPreview(toLoadableError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, id, where]);

  const paths = pathsField
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  const to = toField.trim();
  /** A path ticked in the browser joins the list; unticked, it leaves it. */
  const toggle = (path: string) =>
    setPathsField(
      (paths.includes(path) ? paths.filter((p) => p !== path) : [...paths, path]).join('\n'),
    );
  const showOptions = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setError(null);
    setPreview({ state: 'loading' });
    setWhere({ ...(to ? { to } : {}), ...(paths.length ? { include: paths } : {}) });
  };

  // The restore would refuse what the dry run says cannot fit: offered again once a new dry run,
  // after space was freed, says it fits.
  const wontFit =
    preview.state === 'ready' && (preview.value.diff.space ?? []).some((s) => s.short.length > 0);

  const restore = async (e: FormEvent) => {
    e.preventDefault();
    if (typed !== id || wontFit) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.request('backup.restore', { id, confirm: typed, ...where });
      setResult(r);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel stack" aria-labelledby="restore-title" data-testid="restore-panel">
      <div className="row spread">
        <h2 id="restore-title">
          Restore <code>{id}</code>
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <form onSubmit={showOptions} className="stack" aria-label="Where to restore">
        <div className="field">
          <label htmlFor="restore-to">Into folder</label>
          <input
            id="restore-to"
            value={toField}
            onChange={(e) => setToField(e.target.value)}
            placeholder="in place (the backed-up folders)"
            spellCheck={false}
            size={40}
          />
        </div>
        <div className="field">
          <label htmlFor="restore-paths">
            Only these files or folders, one per line, as they were backed up
          </label>
          <textarea
            id="restore-paths"
            value={pathsField}
            onChange={(e) => setPathsField(e.target.value)}
            rows={2}
            spellCheck={false}
            placeholder="everything"
          />
          <div>
            <button type="button" className="link" onClick={() => setBrowsing(!browsing)}>
              {browsing ? 'Hide the backup’s files' : 'Choose from the backup’s files…'}
            </button>
          </div>
          {browsing && <BackupBrowser id={id} chosen={paths} onToggle={toggle} />}
        </div>
        <div>
          <button type="submit">Show the dry run</button>
        </div>
      </form>
      {preview.state === 'loading' && <Loading what="the dry run" />}
      {preview.state === 'error' && <ErrorState what="the dry run" error={preview.error} />}
      {preview.state === 'unavailable' && (
        <ErrorState
          what="the dry run"
          error={new Error('restore preview is not offered by this agent')}
        />
      )}
      {preview.state === 'ready' && (
        <>
          <p data-testid="restore-summary">
            Dry run{' '}
            {preview.value.target === 'in place' ? (
              <strong>in place</strong>
            ) : (
              <>
                into <strong>{preview.value.target}</strong>
              </>
            )}
            {where.include && <> (only {where.include.join(', ')})</>}:{' '}
            {preview.value.diff.counts.added} added, {preview.value.diff.counts.changed} changed,{' '}
            {preview.value.diff.counts.removed} removed, {preview.value.diff.unchanged} unchanged
            {preview.value.diff.hardlinks
              ? `; ${preview.value.diff.hardlinks} hard link${preview.value.diff.hardlinks === 1 ? '' : 's'} kept`
              : ''}
            .
          </p>
          {(preview.value.diff.space ?? [])
            .filter((s) => s.short.length > 0)
            .map((s) => (
              <p key={s.folder} role="alert" className="field-error" data-testid="restore-space">
                It would not fit on the file system of {s.folder}:{' '}
                {[
                  s.short.includes('bytes') &&
                    `it writes ${bytes(s.needBytes)} where ${bytes(s.freeBytes)} is free`,
                  s.short.includes('inodes') &&
                    `it makes ${s.needInodes} files and folders where there is room for ${s.freeInodes}`,
                ]
                  .filter(Boolean)
                  .join('; ')}
                .
              </p>
            ))}
          <Diff report={preview.value} />
          {result ? (
            <p
              role="status"
              className={result.ok ? '' : 'field-error'}
              data-testid="restore-result"
            >
              {result.ok ? '✓ ' : '✖ '}
              {result.message}
              {result.safetyBackup && ` · safety backup ${result.safetyBackup}`}
            </p>
          ) : (
            <form onSubmit={restore} className="field">
              <label htmlFor="restore-confirm">
                Type the backup id <code>{id}</code> to restore it{' '}
                {where.to ? <>into {where.to}</> : 'over the live files'}
              </label>
              {!where.to && (
                <span className="muted">
                  A safety backup of what is replaced is taken first; the restore hooks stop the
                  service meanwhile, then start and check it, and a failed check rolls back.
                </span>
              )}
              <div className="row">
                <input
                  id="restore-confirm"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={typed.length > 0 && typed !== id ? true : undefined}
                  size={Math.max(20, id.length + 2)}
                />
                <button type="submit" className="danger" disabled={busy || wontFit || typed !== id}>
                  {busy ? 'Restoring…' : 'Restore'}
                </button>
              </div>
              {wontFit && (
                <span className="muted" data-testid="restore-blocked">
                  Free space there, then show the dry run again.
                </span>
              )}
              {typed.length > 0 && typed !== id && (
                <span className="field-error">does not match the backup id</span>
              )}
              {error && (
                <span role="alert" className="field-error">
                  {error}
                </span>
              )}
            </form>
          )}
        </>
      )}
    </section>
  );
}

function Diff({ report }: { report: RestoreReport }) {
  const { added, changed, removed, counts } = report.diff;
  // The lists are a sample of the first paths found; the counts are the totals.
  const total = counts.added + counts.changed + counts.removed;
  const lines = [
    ...added.map((f) => ['add', `+ ${f}`] as const),
    ...changed.map((f) => ['chg', `~ ${f}`] as const),
    ...removed.map((f) => ['del', `- ${f}`] as const),
  ];
  if (lines.length === 0) return <p className="muted">The live files already match this backup.</p>;
  return (
    <div
      className="diff"
      data-testid="restore-diff"
      tabIndex={0}
      aria-label="Files the restore would change"
    >
      {lines.slice(0, MAX_LISTED).map(([kind, text]) => (
        <div key={text} className={kind}>
          {text}
        </div>
      ))}
      {total > Math.min(lines.length, MAX_LISTED) && (
        <div className="muted">… and {total - Math.min(lines.length, MAX_LISTED)} more</div>
      )}
    </div>
  );
}
