/**
 * The editor of a config section that is one list (checks.probes, scrape.jobs): the section's own
 * list or the built-in defaults as the draft, per-row edits, add, remove and submit. The rest of
 * the section is written back unchanged.
 */
import type { FormEvent } from 'react';
import type { ConfigSection, ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { useSectionEditor, type SectionEditor } from './fields';

/** A config object as the agent sends it (validated by the agent, not here). */
export type Raw = Record<string, unknown>;

/** Text of an optional field. */
export const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** Set a field from its input: numbers typed as text go back as numbers, empty removes the key. */
export function put(o: Raw, key: string, value: string, numeric = false): Raw {
  const next = { ...o };
  if (value.trim() === '') delete next[key];
  else next[key] = numeric && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  return next;
}

/** What Settings hands a list section's editor. */
export interface ListSectionProps {
  section: Raw | undefined;
  defaults: Raw[];
  onSaved(r: ConfigUpdateResult): void;
}

export interface ListEditor extends SectionEditor<Raw[]> {
  /** Whether the section has its own list (false: the defaults are shown). */
  own: boolean;
  edit(i: number, f: (row: Raw) => Raw): void;
  remove(i: number): void;
  add(row: Raw): void;
  submit(e: FormEvent): void;
}

export function useListEditor(
  name: ConfigSection,
  section: Raw | undefined,
  listKey: string,
  defaults: Raw[],
  onSaved: (r: ConfigUpdateResult) => void,
): ListEditor {
  const list = section?.[listKey];
  const own = Array.isArray(list);
  const editor = useSectionEditor<Raw[]>(
    name,
    own ? (list as Raw[]) : defaults,
    (rows) => ({ ...(section ?? {}), [listKey]: rows }),
    onSaved,
  );
  const { setDraft } = editor;
  return {
    ...editor,
    own,
    edit: (i, f) => setDraft((d) => d.map((row, j) => (j === i ? f(row) : row))),
    remove: (i) => setDraft((d) => d.filter((_, j) => j !== i)),
    add: (row) => setDraft((d) => [...d, row]),
    submit: (e) => {
      e.preventDefault();
      void editor.save();
    },
  };
}
