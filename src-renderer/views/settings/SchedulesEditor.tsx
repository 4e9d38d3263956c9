/**
 * Settings › Schedules: when backups, maintenance and reports run (cron expressions; empty means
 * on demand only). One form per config section, each saved and applied on its own.
 */
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { Empty } from '../../components/states';
import { Field, IssueList, RowEnd, SectionForm, unclaimed, useSectionEditor } from './fields';
import { text, useListEditor, type Raw } from './list-editor';

const CRON_HINT = 'cron: minute hour day month weekday, e.g. 0 2 * * *; empty: on demand only';

interface Props {
  document: Raw;
  effective: Raw;
  onSaved(r: ConfigUpdateResult): void;
}

/** The text fields of a scheduled report, in the order shown. */
const REPORT_FIELDS: { name: string; label: string; hint?: string; placeholder?: string }[] = [
  { name: 'name', label: 'Name' },
  { name: 'schedule', label: 'Schedule', hint: 'cron, e.g. 0 7 * * 1' },
  { name: 'period', label: 'Period', placeholder: '24h' },
];

function BackupSchedules({ document, effective, onSaved }: Props) {
  const section = document.backup as Raw | undefined;
  const defaults = (effective.backup as Raw).sets as Raw[];
  const editor = useListEditor('backup', section, 'sets', defaults, onSaved);
  const shown = new Set<string>();
  return (
    <SectionForm editor={editor as never} labelledBy="settings-backup-schedule">
      <h3 id="settings-backup-schedule">Backups</h3>
      {editor.draft.length === 0 && (
        <Empty title="No backup sets">Add one in the config file (backup.sets).</Empty>
      )}
      {editor.draft.map((s, i) => {
        const path = `backup.sets.${i}.schedule`;
        shown.add(path);
        return (
          <Field
            key={i}
            label={`Set “${text(s.name)}”`}
            path={path}
            issues={editor.issues}
            value={text(s.schedule)}
            hint={CRON_HINT}
            onChange={(v) => editor.edit(i, (x) => ({ ...x, schedule: v.trim() ? v : null }))}
          />
        );
      })}
      <IssueList items={unclaimed(editor.issues, 'backup', shown)} />
    </SectionForm>
  );
}

function MaintenanceSchedule({ document, effective, onSaved }: Props) {
  const section = document.maintenance as Raw | undefined;
  const initial = text(
    section && 'schedule' in section ? section.schedule : (effective.maintenance as Raw).schedule,
  );
  const editor = useSectionEditor<string>(
    'maintenance',
    initial,
    (v) => ({ ...(section ?? {}), schedule: v.trim() ? v : null }),
    onSaved,
  );
  return (
    <SectionForm editor={editor as never} labelledBy="settings-maintenance-schedule">
      <h3 id="settings-maintenance-schedule">Maintenance</h3>
      <Field
        label="Maintenance window"
        path="maintenance.schedule"
        issues={editor.issues}
        value={editor.draft}
        hint={CRON_HINT}
        onChange={(v) => editor.setDraft(() => v)}
      />
      <IssueList
        items={unclaimed(editor.issues, 'maintenance', new Set(['maintenance.schedule']))}
      />
    </SectionForm>
  );
}

function ReportSchedules({ document, effective, onSaved }: Props) {
  const section = document.reports as Raw | undefined;
  const defaults = (effective.reports as Raw).schedules as Raw[];
  const editor = useListEditor('reports', section, 'schedules', defaults, onSaved);
  const shown = new Set<string>();
  return (
    <SectionForm editor={editor as never} labelledBy="settings-report-schedule">
      <h3 id="settings-report-schedule">Reports</h3>
      {editor.draft.length === 0 && (
        <Empty title="No scheduled reports">
          Reports can still be exported from the Reports view.
        </Empty>
      )}
      {editor.draft.map((s, i) => {
        const base = `reports.schedules.${i}`;
        for (const f of REPORT_FIELDS) shown.add(`${base}.${f.name}`);
        return (
          <fieldset key={i} className="settings-row">
            <legend>{text(s.name) || 'New report'}</legend>
            {REPORT_FIELDS.map(({ name, ...field }) => (
              <Field
                key={name}
                {...field}
                path={`${base}.${name}`}
                issues={editor.issues}
                value={text(s[name])}
                onChange={(v) => editor.edit(i, (o) => ({ ...o, [name]: v }))}
              />
            ))}
            <RowEnd
              what={text(s.name) || 'this report'}
              onRemove={() => editor.remove(i)}
              issues={unclaimed(editor.issues, base, shown)}
            />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          editor.add({ name: '', schedule: '0 7 * * *', period: '24h', formats: ['html'] })
        }
      >
        Add a scheduled report
      </button>
    </SectionForm>
  );
}

export function SchedulesEditor(props: Props) {
  return (
    <section aria-labelledby="settings-schedules">
      <h2 id="settings-schedules">Schedules</h2>
      <p className="muted">
        Saved to the file and applied at once: a new time, set or report is scheduled without a
        restart. What a backup set archives is under Backups. Anything that waits for the
        agent&apos;s next start (the backup folder, say) is named in the save message.
      </p>
      <BackupSchedules {...props} />
      <MaintenanceSchedule {...props} />
      <ReportSchedules {...props} />
    </section>
  );
}
