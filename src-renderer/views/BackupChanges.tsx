/**
 * What changed from an older backup to this one (AgentApi backup.changes; what `ccmon diff`
 * lists): added, removed and changed entries a page at a time, with the counts of all. It compares
 * with the previous backup of the same set unless another older one is chosen.
 */
import { useEffect, useState } from 'react';
import type {
  BackupChanges as Changes,
  BackupSummary,
  ChangeKind,
} from '../../src-main/core/backup/contract';
import { useApi, toLoadableError, type Loadable } from '../api/context';
import { Pages } from '../components/Pages';
import { ErrorState, Loading } from '../components/states';
import { SizeAndTime } from './BackupBrowser';
import { bytes, localTime } from '../format';

const KIND: Record<ChangeKind, string> = {
  '+': 'added',
  '-': 'removed',
  M: 'changed',
  U: 'mode/owner/time',
};

/**
 * The backup to compare with, of those `older` than it (newest first): the previous one of its set
 * that a restore did not take (a safety backup holds only what one restore replaced), else the
 * previous one of its set, else the previous one at all.
 */
function previousOf(older: readonly BackupSummary[], set: string | undefined): string | null {
  return (
    (
      older.find((b) => b.set === set && b.kind !== 'safety') ??
      older.find((b) => b.set === set) ??
      older[0]
    )?.id ?? null
  );
}

export function BackupChanges({
  id,
  backups,
  onClose,
}: {
  id: string;
  /** Every backup, newest first (backup.list): the older ones can be compared with. */
  backups: readonly BackupSummary[];
  onClose(): void;
}) {
  const api = useApi();
  const at = backups.findIndex((b) => b.id === id);
  const older = at < 0 ? [] : backups.slice(at + 1);
  const [from, setFrom] = useState<string | null>(() => previousOf(older, backups[at]?.set));
  const [offset, setOffset] = useState(0);
  const [changes, setChanges] = useState<Loadable<Changes>>({ state: 'loading' });
  /** Shows another page, or the changes since another backup (the effect below loads them). */
  const show = (since: string, page: number) => {
    setChanges({ state: 'loading' });
    setFrom(since);
    setOffset(page);
  };
  useEffect(() => {
    if (from === null) return;
    let live = true;
    api.request('backup.changes', { from, to: id, ...(offset ? { offset } : {}) }).then(
      (c) => live && setChanges({ state: 'ready', value: c }),
      (e: unknown) => live && setChanges(toLoadableError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, from, id, offset]);

  return (
    <section className="panel stack" aria-labelledby="changes-title" data-testid="backup-changes">
      <div className="row spread">
        <h2 id="changes-title">
          Changes to <code>{id}</code>
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {from === null ? (
        <p className="muted">This is the oldest backup: there is none to compare it with.</p>
      ) : (
        <>
          <label className="row">
            Since{' '}
            <select
              aria-label="Compared with"
              value={from}
              onChange={(e) => show(e.target.value, 0)}
            >
              {older.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.id} ({b.set}, {localTime(b.createdAt)})
                </option>
              ))}
            </select>
          </label>
          {changes.state === 'loading' && <Loading what="the changes" />}
          {changes.state === 'error' && <ErrorState what="the changes" error={changes.error} />}
          {changes.state === 'ready' && (
            <ChangeList changes={changes.value} onPage={(page) => show(from, page)} />
          )}
        </>
      )}
    </section>
  );
}

function ChangeList({ changes: c, onPage }: { changes: Changes; onPage(offset: number): void }) {
  const n = c.counts;
  return (
    <>
      <p data-testid="backup-changes-summary">
        {n.added} added ({bytes(c.bytes.added)}), {n.removed} removed ({bytes(c.bytes.removed)}),{' '}
        {n.changed} changed, {n.metadata} in mode/owner/time only, {n.unchanged} unchanged.
      </p>
      {c.total === 0 ? (
        <p className="muted">No changes: both backups hold the same files.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Path</th>
              <th scope="col">Size</th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {c.changes.map((e) => (
              <tr key={`${e.change}${e.path}`} data-change={e.change}>
                <td>{KIND[e.change]}</td>
                <td>
                  <code>{e.type === 'dir' ? `${e.path}/` : e.path}</code>
                  {e.type === 'symlink' && <span className="muted"> (symlink)</span>}
                </td>
                <SizeAndTime entry={e} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c.total > c.changes.length && (
        <Pages
          offset={c.offset}
          shown={c.changes.length}
          limit={c.limit}
          total={c.total}
          onPage={onPage}
          testId="backup-changes-pages"
        />
      )}
    </>
  );
}
