/**
 * Settings building blocks: a labelled input that shows the issue for its config path right under
 * it (aria-invalid + aria-describedby, so screen readers read it), and the editor state of one
 * config section: a draft, validation by the agent's own schema (config.validate), save
 * (config.update) and the issues by path.
 */
import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import type {
  ConfigFieldIssue,
  ConfigSection,
  ConfigUpdateResult,
} from '../../../src-main/core/config/contract';
import { useApi } from '../../api/context';

export type Issues = Map<string, string[]>;

export function issuesByPath(issues: ConfigFieldIssue[]): Issues {
  const out: Issues = new Map();
  for (const i of issues) out.set(i.path, [...(out.get(i.path) ?? []), i.message]);
  return out;
}

/** Issues under `prefix` that no field in `shown` displays (unknown keys, whole-row problems). */
export function unclaimed(issues: Issues, prefix: string, shown: Set<string>): string[] {
  const out: string[] = [];
  for (const [path, messages] of issues)
    if ((path === prefix || path.startsWith(`${prefix}.`)) && !shown.has(path))
      for (const m of messages) out.push(`${path.slice(prefix.length + 1) || 'here'}: ${m}`);
  return out;
}

const domId = (path: string) => `f-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

interface FieldProps {
  label: string;
  path: string;
  issues: Issues;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  hint?: string;
  wide?: boolean;
  multiline?: boolean;
}

/** One text field bound to a config path; its issue is shown at the field. */
export function Field(p: FieldProps) {
  const id = domId(p.path);
  const errors = p.issues.get(p.path) ?? [];
  const describedBy = [errors.length ? `${id}-err` : '', p.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    value: p.value,
    placeholder: p.placeholder,
    'data-path': p.path,
    'aria-invalid': errors.length > 0 || undefined,
    'aria-describedby': describedBy || undefined,
  };
  return (
    <div className={`field${p.wide ? ' field-wide' : ''}${errors.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{p.label}</label>
      {p.multiline ? (
        <textarea {...common} rows={5} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input {...common} type="text" onChange={(e) => p.onChange(e.target.value)} />
      )}
      {p.hint && (
        <small id={`${id}-hint`} className="muted">
          {p.hint}
        </small>
      )}
      {errors.length > 0 && (
        <small id={`${id}-err`} className="field-error" role="alert">
          {errors.join('; ')}
        </small>
      )}
    </div>
  );
}

/** Problems that belong to a row or section rather than one field. */
export function IssueList({ items }: { items: string[] }) {
  if (!items.length) return null;
  return (
    <ul className="field-error issue-list" role="alert">
      {items.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export interface SectionEditor<T> {
  draft: T;
  setDraft(update: (d: T) => T): void;
  issues: Issues;
  saving: boolean;
  dirty: boolean;
  result: { ok: true; text: string } | { ok: false; text: string } | null;
  save(): Promise<void>;
  /** Validate the draft without saving (on leaving a field), so a problem shows at once. */
  check(): void;
  reset(): void;
}

/**
 * Edit one section: `toValue` turns the draft into the section as it should be written. Saving
 * validates first (issues go to the fields), then updates; the agent applies it at once.
 */
export function useSectionEditor<T>(
  section: ConfigSection,
  initial: T,
  toValue: (draft: T) => unknown,
  onSaved: (r: ConfigUpdateResult) => void,
): SectionEditor<T> {
  const api = useApi();
  const [draft, setDraftState] = useState(initial);
  const [dirty, setDirty] = useState(false);
  const [issues, setIssues] = useState<Issues>(new Map());
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<SectionEditor<T>['result']>(null);
  const setDraft = useCallback((update: (d: T) => T) => {
    setDraftState(update);
    setDirty(true);
    setResult(null);
  }, []);
  const save = async () => {
    setSaving(true);
    setResult(null);
    try {
      const value = toValue(draft);
      const check = await api.request('config.validate', { section, value });
      setIssues(issuesByPath(check.issues));
      if (!check.ok) {
        const n = check.issues.length;
        setResult({ ok: false, text: `Not saved: ${n} problem${n === 1 ? '' : 's'} to fix.` });
        return;
      }
      const r = await api.request('config.update', { section, value });
      setDirty(false);
      setResult({ ok: true, text: r.message });
      onSaved(r);
    } catch (err) {
      setResult({ ok: false, text: `Not saved: ${(err as Error).message}` });
    } finally {
      setSaving(false);
    }
  };
  const check = () => {
    if (!dirty) return;
    let value: unknown;
    try {
      value = toValue(draft);
    } catch {
      return; // the editor's own check (e.g. JSON) reports it on save
    }
    api.request('config.validate', { section, value }).then(
      (r) => setIssues(issuesByPath(r.issues)),
      () => undefined, // an unreachable agent is reported by save
    );
  };
  const reset = () => {
    setDraftState(initial);
    setDirty(false);
    setIssues(new Map());
    setResult(null);
  };
  return { draft, setDraft, issues, saving, dirty, result, save, check, reset };
}

/** The save bar under each section form. */
export function SaveBar({
  editor,
  children,
}: {
  editor: SectionEditor<unknown>;
  children?: ReactNode;
}) {
  return (
    <div className="save-bar">
      <button type="submit" disabled={editor.saving || !editor.dirty}>
        {editor.saving ? 'Saving…' : 'Save and apply'}
      </button>
      <button type="button" onClick={editor.reset} disabled={editor.saving || !editor.dirty}>
        Discard changes
      </button>
      {children}
      {editor.result && (
        <span
          role={editor.result.ok ? 'status' : 'alert'}
          className={editor.result.ok ? 'save-ok' : 'field-error'}
          data-testid="save-result"
        >
          {editor.result.text}
        </span>
      )}
    </div>
  );
}

/**
 * A section's form: submitting saves, leaving a field validates (so a problem shows at once), and
 * the save bar closes it.
 */
export function SectionForm({
  editor,
  labelledBy,
  children,
}: {
  editor: SectionEditor<never>;
  labelledBy: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void editor.save();
  };
  return (
    <form onSubmit={submit} onBlur={editor.check} aria-labelledby={labelledBy} noValidate>
      {children}
      <SaveBar editor={editor} />
    </form>
  );
}

/** The end of a list row: its remove button and the row's problems that no field shows. */
export function RowEnd({
  what,
  onRemove,
  issues,
}: {
  /** What the button removes ("Remove llm-gateway"). */
  what: string;
  onRemove(): void;
  issues: string[];
}) {
  return (
    <>
      <button type="button" className="link" onClick={onRemove}>
        Remove {what}
      </button>
      <IssueList items={issues} />
    </>
  );
}
