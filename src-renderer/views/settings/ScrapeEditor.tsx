/** Settings › Scrape targets: Prometheus jobs (prometheus.yml's scrape_configs) and their targets. */
import { Empty } from '../../components/states';
import { Field, RowEnd, SectionForm, unclaimed } from './fields';
import { put, text, useListEditor, type ListSectionProps, type Raw } from './list-editor';

function targetsOf(job: Raw): string {
  const groups = Array.isArray(job.staticConfigs) ? (job.staticConfigs as Raw[]) : [];
  const first = groups[0]?.targets;
  return Array.isArray(first) ? first.join(', ') : '';
}

/** The first static group takes the typed targets; its labels (and any other group) are kept. */
function withTargets(job: Raw, typed: string): Raw {
  const groups = Array.isArray(job.staticConfigs) ? [...(job.staticConfigs as Raw[])] : [];
  const targets = typed.split(/[\s,]+/).filter(Boolean);
  groups[0] = { ...(groups[0] ?? {}), targets };
  return { ...job, staticConfigs: groups };
}

export function ScrapeEditor({ section, defaults, onSaved }: ListSectionProps) {
  const editor = useListEditor('scrape', section, 'jobs', defaults, onSaved);
  const { draft, issues, edit } = editor;
  const shown = new Set<string>();
  return (
    <SectionForm editor={editor as never} labelledBy="settings-scrape">
      <h2 id="settings-scrape">Scrape targets</h2>
      <p className="muted">Prometheus endpoints ccmon scrapes itself, as host:port.</p>
      {draft.length === 0 && (
        <Empty title="No scrape targets">Add a job to scrape a /metrics endpoint.</Empty>
      )}
      {draft.map((j, i) => {
        const base = `scrape.jobs.${i}`;
        const targetsPath = `${base}.staticConfigs.0.targets`;
        for (const p of [`${base}.name`, `${base}.interval`, targetsPath]) shown.add(p);
        // An issue on one target (…targets.2) is shown at the targets field.
        const targetIssues = new Map(issues);
        for (const [p, m] of issues)
          if (p.startsWith(`${targetsPath}.`)) {
            targetIssues.set(targetsPath, [...(targetIssues.get(targetsPath) ?? []), ...m]);
            shown.add(p);
          }
        return (
          <fieldset key={i} className="settings-row" data-testid={`job-row-${i}`}>
            <legend>{text(j.name) || 'New job'}</legend>
            <Field
              label="Job name"
              path={`${base}.name`}
              issues={issues}
              value={text(j.name)}
              onChange={(v) => edit(i, (o) => ({ ...o, name: v }))}
            />
            <Field
              label="Targets"
              wide
              path={targetsPath}
              issues={targetIssues}
              value={targetsOf(j)}
              hint="host:port, separated by commas"
              onChange={(v) => edit(i, (o) => withTargets(o, v))}
            />
            <Field
              label="Interval"
              path={`${base}.interval`}
              issues={issues}
              value={text(j.interval)}
              placeholder="15s"
              onChange={(v) => edit(i, (o) => put(o, 'interval', v))}
            />
            <RowEnd
              what={text(j.name) || 'this job'}
              onRemove={() => editor.remove(i)}
              issues={unclaimed(issues, base, shown)}
            />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() => editor.add({ name: '', staticConfigs: [{ targets: [] }] })}
      >
        Add a scrape job
      </button>
    </SectionForm>
  );
}
