/**
 * Settings › Backups: what each backup set archives (its folders with their include and exclude
 * globs, ccmon's own state) and how archives are kept (compression, restic's retention policy).
 * The running agent applies both from the next backup; when a set runs stays under Schedules;
 * encryption and its passphrase: BackupEncryption.tsx. Dumps, S3 and restore hooks stay in the
 * config file (shown, kept as they are).
 */
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { BackupEncryption } from './BackupEncryption';
import { Field, IssueList, RowEnd, SectionForm, unclaimed, useSectionEditor } from './fields';
import { put, text, useListEditor, type Raw } from './list-editor';

interface Props {
  document: Raw;
  effective: Raw;
  /** The built-in backup section's sets, in the file's shape (ConfigView.defaults). */
  defaults: Raw[];
  onSaved(r: ConfigUpdateResult): void;
}

const GLOB_HINT = 'globs, comma-separated, read as .gitignore: *.gz, tmp/**';

/** Globs typed as "a, b": split at commas outside braces (`*.{gz,zip}` is one glob). */
export function globList(typed: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of typed) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((g) => g.trim()).filter((g) => g !== '');
}

const globText = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : '');

/** A source as the file may write it (a path, or { path, include, exclude }), as an object. */
const sourceObject = (s: unknown): Raw => (typeof s === 'string' ? { path: s } : (s as Raw));

/** A source back in the file's shape: a plain path when it has no globs, as the README writes it. */
function sourceValue(s: Raw): unknown {
  const globs = ['include', 'exclude'].filter((k) => Array.isArray(s[k]) && s[k].length > 0);
  if (globs.length === 0) return s.path ?? '';
  const out: Raw = { path: s.path ?? '' };
  for (const k of globs) out[k] = s[k];
  return out;
}

function BackupSets({ document, defaults, onSaved }: Props) {
  const section = document.backup as Raw | undefined;
  const editor = useListEditor('backup', section, 'sets', defaults, onSaved);
  const { draft, issues, edit } = editor;
  const shown = new Set<string>();
  /** A set's folders; a set that lists none in the file has the built-in ones. */
  const sourcesOf = (set: Raw): Raw[] =>
    ((set.sources ?? defaults[0]?.sources ?? []) as unknown[]).map(sourceObject);
  const editSources = (i: number, f: (sources: Raw[]) => Raw[]) =>
    edit(i, (set) => ({ ...set, sources: f(sourcesOf(set)).map(sourceValue) }));
  return (
    <SectionForm editor={editor as never} labelledBy="settings-backup-sets">
      <h2 id="settings-backup-sets">Backup sets</h2>
      <p className="muted">
        The folders each set archives, with globs relative to the folder: <em>exclude</em> leaves
        matching files out, <em>include</em> keeps only those. Applied from the next backup; a
        missing folder is reported in the backup, not refused here.
        {!editor.own && ' This is the built-in set; saving writes it.'}
      </p>
      {draft.map((set, i) => {
        const base = `backup.sets.${i}`;
        const sources = sourcesOf(set);
        for (const f of ['name', 'sources', 'ccmonState', 'schedule']) shown.add(`${base}.${f}`);
        return (
          <fieldset key={i} className="settings-row" data-testid={`backup-set-row-${i}`}>
            <legend>{text(set.name) || 'New set'}</legend>
            <Field
              label="Name"
              path={`${base}.name`}
              issues={issues}
              value={text(set.name)}
              hint="lower-case letters, digits, - and _ (it names the archives)"
              onChange={(v) => edit(i, (o) => ({ ...o, name: v }))}
            />
            <p className="muted field-wide">
              Runs: {set.schedule === null ? 'on demand only' : text(set.schedule || '0 2 * * *')}{' '}
              (under Schedules)
              {extrasOf(set)}
            </p>
            {sources.map((s, j) => {
              const at = `${base}.sources.${j}`;
              for (const f of ['path', 'include', 'exclude']) shown.add(`${at}.${f}`);
              return (
                <div key={j} className="settings-subrow" data-testid={`backup-source-${i}-${j}`}>
                  <Field
                    label="Folder"
                    wide
                    path={`${at}.path`}
                    issues={issues}
                    value={text(s.path)}
                    placeholder="/etc/claude-code"
                    onChange={(v) =>
                      editSources(i, (all) => all.map((x, k) => (k === j ? { ...x, path: v } : x)))
                    }
                  />
                  {(['exclude', 'include'] as const).map((k) => (
                    <Field
                      key={k}
                      label={k === 'exclude' ? 'Exclude' : 'Include only'}
                      path={`${at}.${k}`}
                      issues={issues}
                      value={globText(s[k])}
                      hint={k === 'exclude' ? GLOB_HINT : 'empty: every file'}
                      onChange={(v) =>
                        editSources(i, (all) =>
                          all.map((x, n) => (n === j ? { ...x, [k]: globList(v) } : x)),
                        )
                      }
                    />
                  ))}
                  <RowEnd
                    what={text(s.path) || 'this folder'}
                    onRemove={() => editSources(i, (all) => all.filter((_, n) => n !== j))}
                    issues={unclaimed(issues, at, shown)}
                  />
                </div>
              );
            })}
            <button type="button" onClick={() => editSources(i, (all) => [...all, { path: '' }])}>
              Add a folder
            </button>
            <label className="check">
              <input
                type="checkbox"
                checked={set.ccmonState !== false}
                onChange={(e) => edit(i, (o) => ({ ...o, ccmonState: e.target.checked }))}
              />{' '}
              ccmon’s own config and data (alert history, silences)
            </label>
            <RowEnd
              what={text(set.name) || 'this set'}
              onRemove={() => editor.remove(i)}
              issues={unclaimed(issues, base, shown)}
            />
          </fieldset>
        );
      })}
      <button type="button" onClick={() => editor.add({ name: '', sources: [] })}>
        Add a backup set
      </button>
      <IssueList items={unclaimed(issues, 'backup.sets', shown).filter((m) => !/^\d+\./.test(m))} />
    </SectionForm>
  );
}

/** What a set also archives that only the config file sets: said, so a save does not hide it. */
function extrasOf(set: Raw): string {
  const out: string[] = [];
  const db = set.database as Raw | null | undefined;
  if (db && Array.isArray(db.command)) out.push(`database dump (${db.command.join(' ')})`);
  const redis = set.redis as Raw | null | undefined;
  if (redis) out.push('Redis snapshot');
  return out.length ? `; also ${out.join(' and ')} (in the config file)` : '';
}

/** restic's keep options, in the order `ccmon prune` applies them. */
const KEEP: { key: string; label: string; hint?: string }[] = [
  {
    key: 'keepWithin',
    label: 'Keep everything within',
    hint: 'of the newest backup: 30d, 12h, 2w; none: no such rule',
  },
  { key: 'keepLast', label: 'Keep last' },
  { key: 'keepHourly', label: 'Hourly' },
  { key: 'keepDaily', label: 'Daily' },
  { key: 'keepWeekly', label: 'Weekly' },
  { key: 'keepMonthly', label: 'Monthly' },
  { key: 'keepYearly', label: 'Yearly' },
];

interface ArchivesDraft {
  compression: string;
  retention: Raw;
}

function Archives({ document, effective, onSaved }: Props) {
  const section = (document.backup as Raw | undefined) ?? {};
  const live = effective.backup as Raw;
  const editor = useSectionEditor<ArchivesDraft>(
    'backup',
    {
      compression: text(section.compression),
      retention: (section.retention as Raw | undefined) ?? {},
    },
    ({ compression, retention }) => {
      const next: Raw = { ...section };
      if (compression) next.compression = compression;
      else delete next.compression;
      if (Object.keys(retention).length) next.retention = retention;
      else delete next.retention;
      return next;
    },
    onSaved,
  );
  const { draft, issues } = editor;
  const shown = new Set(['backup.compression', ...KEEP.map((k) => `backup.retention.${k.key}`)]);
  const defaults = (live.retention as Raw | undefined) ?? {};
  return (
    <SectionForm editor={editor as never} labelledBy="settings-backup-archives">
      <h2 id="settings-backup-archives">Archives</h2>
      <div className="field">
        <label htmlFor="backup-compression">Compression</label>
        <select
          id="backup-compression"
          value={draft.compression || text(live.compression)}
          onChange={(e) => editor.setDraft((d) => ({ ...d, compression: e.target.value }))}
        >
          <option value="gzip">gzip (everywhere)</option>
          <option value="zstd">zstd (faster; needs the zstd program)</option>
        </select>
      </div>
      <h3>Retention</h3>
      <p className="muted">
        As restic’s <code>forget</code>: a backup is kept when any rule keeps it; the counts keep
        the newest backup of that many hours, days, … (-1: all of them). The defaults keep
        everything from the last 30 days. <em>Apply retention…</em> under Backups shows what would
        go before anything is deleted.
      </p>
      <div className="settings-row">
        {KEEP.map(({ key, label, hint }) => (
          <Field
            key={key}
            label={label}
            path={`backup.retention.${key}`}
            issues={issues}
            value={draft.retention[key] === null ? 'none' : text(draft.retention[key])}
            placeholder={key === 'keepWithin' ? text(defaults[key]) || 'none' : '0'}
            hint={hint}
            onChange={(v) =>
              editor.setDraft((d) => ({
                ...d,
                // keepWithin's default is 30d: turning it off writes null.
                retention:
                  key === 'keepWithin' && v.trim() === 'none'
                    ? { ...d.retention, keepWithin: null }
                    : put(d.retention, key, v, key !== 'keepWithin'),
              }))
            }
          />
        ))}
      </div>
      <IssueList items={unclaimed(issues, 'backup', shown).filter((m) => !/^sets\./.test(m))} />
    </SectionForm>
  );
}

export function BackupsEditor(props: Props) {
  return (
    <>
      <BackupSets {...props} />
      <Archives {...props} />
      <BackupEncryption {...props} />
    </>
  );
}
