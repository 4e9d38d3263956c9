/**
 * Settings › Notifications: Alertmanager receivers (e-mail, Slack, webhooks). The channels of each
 * receiver are edited as JSON in Alertmanager's shape (camelCase); secrets are `{ "secret": NAME }`
 * references to the secret store, never the values.
 */
import { useState } from 'react';
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { Empty } from '../../components/states';
import {
  Field,
  IssueList,
  RowEnd,
  SectionForm,
  unclaimed,
  useSectionEditor,
  type Issues,
} from './fields';
import { type Raw } from './list-editor';

interface Row {
  name: string;
  channels: string;
}

const toRow = (r: Raw): Row => {
  const { name, ...rest } = r;
  return { name: String(name ?? ''), channels: JSON.stringify(rest, null, 2) };
};

export function ReceiversEditor({
  section,
  effective,
  onSaved,
}: {
  section: Raw | undefined;
  effective: Raw[];
  onSaved(r: ConfigUpdateResult): void;
}) {
  const initial = ((section?.receivers as Raw[] | undefined) ?? effective).map(toRow);
  const [jsonIssues, setJsonIssues] = useState<Issues>(new Map());
  const editor = useSectionEditor<Row[]>(
    'alerts',
    initial,
    (rows) => {
      const bad: Issues = new Map();
      const receivers = rows.map((r, i) => {
        try {
          const parsed = r.channels.trim() ? (JSON.parse(r.channels) as unknown) : {};
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('expected a JSON object such as {"webhook": [{"url": "https://…"}]}');
          return { name: r.name, ...(parsed as Raw) };
        } catch (err) {
          bad.set(`alerts.receivers.${i}.channels`, [`not valid JSON: ${(err as Error).message}`]);
          return { name: r.name };
        }
      });
      setJsonIssues(bad);
      if (bad.size) throw new Error('a receiver’s channels are not valid JSON (see the field)');
      return { ...(section ?? {}), receivers };
    },
    onSaved,
  );
  const edit = (i: number, patch: Partial<Row>) =>
    editor.setDraft((d) => d.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const shown = new Set<string>();
  return (
    <SectionForm editor={editor as never} labelledBy="settings-receivers">
      <h2 id="settings-receivers">Notification channels</h2>
      <p className="muted">
        Alertmanager receivers. Put passwords and webhook tokens in the secret store (
        <code>ccmon alerts secret set NAME</code>) and write <code>{'{"secret": "NAME"}'}</code>{' '}
        here. Saving applies them at once, like Alertmanager&apos;s reload: notifications already
        sent are not sent again, and the next one goes to the new address.
      </p>
      {editor.draft.length === 0 && (
        <Empty title="No receivers">Alerts are shown here and on the desktop only.</Empty>
      )}
      {editor.draft.map((r, i) => {
        const base = `alerts.receivers.${i}`;
        const channels = `${base}.channels`;
        shown.add(`${base}.name`);
        // Any issue inside the receiver but its name belongs to the channels field.
        const merged: Issues = new Map([...editor.issues, ...jsonIssues]);
        for (const [p, m] of editor.issues)
          if (p.startsWith(`${base}.`) && p !== `${base}.name`) {
            merged.set(channels, [
              ...(merged.get(channels) ?? []),
              `${p.slice(base.length + 1)}: ${m.join('; ')}`,
            ]);
            shown.add(p);
          }
        return (
          <fieldset key={i} className="settings-row">
            <legend>{r.name || 'New receiver'}</legend>
            <Field
              label="Name"
              path={`${base}.name`}
              issues={editor.issues}
              value={r.name}
              onChange={(v) => edit(i, { name: v })}
            />
            <Field
              label="Channels (JSON)"
              wide
              multiline
              path={channels}
              issues={merged}
              value={r.channels}
              onChange={(v) => edit(i, { channels: v })}
            />
            <RowEnd
              what={r.name || 'this receiver'}
              onRemove={() => editor.setDraft((d) => d.filter((_, j) => j !== i))}
              issues={unclaimed(editor.issues, base, shown)}
            />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          editor.setDraft((d) => [
            ...d,
            { name: '', channels: '{\n  "webhook": [{ "url": "https://" }]\n}' },
          ])
        }
      >
        Add a receiver
      </button>
      <IssueList
        items={unclaimed(editor.issues, 'alerts', shown).filter((m) => !/^receivers\.\d+/.test(m))}
      />
    </SectionForm>
  );
}
