/**
 * A backup's folders, one at a time (AgentApi backup.files), for choosing what to restore: each
 * entry has a box that adds its path, as it was backed up, to the restore's list; a folder opens
 * by its name, and the trail above the list goes back up; a filter narrows a folder of thousands
 * by name. What `ccmon ls` lists, clicked instead of typed.
 */
import { useEffect, useState } from 'react';
import type { BackupFolder } from '../../src-main/core/backup/contract';
import { useApi, toLoadableError, type Loadable } from '../api/context';
import { Pages } from '../components/Pages';
import { ErrorState, Loading } from '../components/states';
import { bytes } from '../format';

export function BackupBrowser({
  id,
  chosen,
  onToggle,
}: {
  id: string;
  /** Paths in the restore's list. */
  chosen: readonly string[];
  onToggle(path: string): void;
}) {
  const api = useApi();
  // The folders opened from the top, each as it was backed up; the last one is shown.
  const [trail, setTrail] = useState<string[]>([]);
  const [folder, setFolder] = useState<Loadable<BackupFolder>>({ state: 'loading' });
  const [filter, setFilter] = useState('');
  // What the list was last asked for: the filter as typed, a moment after the last key.
  const [match, setMatch] = useState('');
  // The first entry of the page shown (a folder of more than one page).
  const [offset, setOffset] = useState(0);
  const path = trail.at(-1) ?? null;
  /** Shows another folder, unfiltered, from its start (the effect below loads it). */
  const go = (to: string[]) => {
    setFolder({ state: 'loading' });
    setFilter('');
    setMatch('');
    setOffset(0);
    setTrail(to);
  };
  useEffect(() => {
    const t = setTimeout(() => {
      setMatch(filter.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(t);
  }, [filter]);
  useEffect(() => {
    let live = true;
    api
      .request('backup.files', {
        id,
        ...(path ? { path } : {}),
        ...(match ? { match } : {}),
        ...(offset ? { offset } : {}),
      })
      .then(
        (f) => live && setFolder({ state: 'ready', value: f }),
        (e: unknown) => live && setFolder(toLoadableError(e)),
      );
    return () => {
      live = false;
    };
  }, [api, id, path, match, offset]);

  return (
    <div className="stack" data-testid="backup-browser">
      <nav aria-label="Folder of the backup" className="row">
        <button type="button" className="link" onClick={() => go([])}>
          top
        </button>
        {trail.map((p, i) => (
          <span key={p}>
            {' / '}
            <button type="button" className="link" onClick={() => go(trail.slice(0, i + 1))}>
              {i === 0 ? p : p.slice(trail[i - 1]!.length + 1)}
            </button>
          </span>
        ))}
      </nav>
      <label className="row">
        Names containing{' '}
        <input
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="e.g. settings or 2026-11"
        />
      </label>
      {folder.state === 'loading' && <Loading what="the folder" />}
      {folder.state === 'error' && <ErrorState what="the folder" error={folder.error} />}
      {folder.state === 'ready' && folder.value.total === 0 && match ? (
        <p className="muted">No names here contain “{match}”.</p>
      ) : (
        folder.state === 'ready' && (
          <table>
            <thead>
              <tr>
                <th scope="col">Restore</th>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">Modified</th>
              </tr>
            </thead>
            <tbody>
              {folder.value.entries.map((e) => (
                <tr key={e.path}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`restore ${e.path}`}
                      checked={chosen.includes(e.path)}
                      onChange={() => onToggle(e.path)}
                    />
                  </td>
                  <td>
                    {e.type === 'dir' ? (
                      <button type="button" className="link" onClick={() => go([...trail, e.path])}>
                        {e.name}/
                      </button>
                    ) : (
                      <>
                        {e.name}
                        {e.type === 'symlink' && <span className="muted"> (symlink)</span>}
                        {e.hardlinkTo && (
                          <span className="muted"> (hard link of {e.hardlinkTo})</span>
                        )}
                      </>
                    )}
                  </td>
                  <SizeAndTime entry={e} />
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {folder.state === 'ready' && folder.value.total > folder.value.entries.length && (
        <Pages
          offset={folder.value.offset}
          shown={folder.value.entries.length}
          limit={folder.value.limit}
          total={folder.value.total}
          onPage={setOffset}
          testId="backup-browser-pages"
        />
      )}
    </div>
  );
}

/** An entry's size (files only) and time (UTC, to the second) as two cells of a row. */
export function SizeAndTime({
  entry: e,
}: {
  entry: { type: string; size: number; mtime: string };
}) {
  return (
    <>
      <td>{e.type === 'file' ? bytes(e.size) : ''}</td>
      <td>{e.mtime.replace('T', ' ').slice(0, 19)}</td>
    </>
  );
}
