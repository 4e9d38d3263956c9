/** Settings › Checks: the probes with their targets, intervals and failure threshold. */
import { Empty } from '../../components/states';
import { Field, IssueList, RowEnd, SectionForm, unclaimed } from './fields';
import { put, text, useListEditor, type ListSectionProps } from './list-editor';

const FIELDS = ['name', 'url', 'interval', 'timeout', 'failureThreshold'];

export function ChecksEditor({ section, defaults, onSaved }: ListSectionProps) {
  const editor = useListEditor('checks', section, 'probes', defaults, onSaved);
  const { draft, issues, edit } = editor;
  const shown = new Set<string>();
  return (
    <SectionForm editor={editor as never} labelledBy="settings-checks">
      <h2 id="settings-checks">Checks</h2>
      <p className="muted">
        Targets probed on their interval. A check turns red after <em>failure threshold</em>{' '}
        failures in a row (default 1, as health_check.py does); raise it on a flappy network.
        {!editor.own && ' These are the built-in defaults; saving writes them.'}
      </p>
      {draft.length === 0 && (
        <Empty title="No checks configured">
          Add one below; without checks the status stays unknown.
        </Empty>
      )}
      {draft.map((p, i) => {
        const base = `checks.probes.${i}`;
        for (const f of FIELDS) shown.add(`${base}.${f}`);
        const hasUrl = 'url' in p || p.type === 'http';
        return (
          <fieldset key={i} className="settings-row" data-testid={`check-row-${i}`}>
            <legend>
              {text(p.name) || 'New check'} <span className="muted">({text(p.type)})</span>
            </legend>
            <Field
              label="Name"
              path={`${base}.name`}
              issues={issues}
              value={text(p.name)}
              onChange={(v) => edit(i, (o) => ({ ...o, name: v }))}
            />
            {hasUrl && (
              <Field
                label="URL"
                wide
                path={`${base}.url`}
                issues={issues}
                value={text(p.url)}
                onChange={(v) => edit(i, (o) => put(o, 'url', v))}
              />
            )}
            <Field
              label="Interval"
              path={`${base}.interval`}
              issues={issues}
              value={text(p.interval)}
              placeholder="30s"
              onChange={(v) => edit(i, (o) => put(o, 'interval', v))}
            />
            <Field
              label="Timeout"
              path={`${base}.timeout`}
              issues={issues}
              value={text(p.timeout)}
              placeholder="5s"
              onChange={(v) => edit(i, (o) => put(o, 'timeout', v))}
            />
            <Field
              label="Failure threshold"
              path={`${base}.failureThreshold`}
              issues={issues}
              value={text(p.failureThreshold)}
              placeholder="1"
              onChange={(v) => edit(i, (o) => put(o, 'failureThreshold', v, true))}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={p.enabled !== false}
                onChange={(e) => edit(i, (o) => ({ ...o, enabled: e.target.checked }))}
              />{' '}
              Enabled
            </label>
            <RowEnd
              what={text(p.name) || 'this check'}
              onRemove={() => editor.remove(i)}
              issues={unclaimed(issues, base, shown)}
            />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() => editor.add({ name: '', type: 'http', url: '', interval: '30s' })}
      >
        Add an HTTP check
      </button>
      <IssueList
        items={unclaimed(issues, 'checks', shown).filter((m) => !/^probes\.\d+/.test(m))}
      />
    </SectionForm>
  );
}
