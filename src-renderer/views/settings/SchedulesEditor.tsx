/**
 * Settings › Schedules: when backups, maintenance and reports run (cron expressions; empty means
 * on demand only). One form per config section, each saved and applied on its own.
 */
import type { FormEvent } from 'react';
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { Empty } from '../../components/states';
import { Field, IssueList, SaveBar, unclaimed, useSectionEditor } from './fields';
import { text, type Raw } from './list-editor';

const CRON_HINT = 'cron: minute hour day month weekday, e.g. 0 2 * * *; empty: on demand only';

interface Props {
  document: Raw;
  effective: Raw;
  onSaved(r: ConfigUpdateResult): void;
}

function useSubmit(save: () => Promise<void>) {
  return (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
}

function BackupSchedules({ document, effective, onSaved }: Props) {
  const section = document.backup as Raw | undefined;
  const sets = (section?.sets ?? (effective.backup as Raw).sets) as Raw[];
  const editor = useSectionEditor<Raw[]>(
    'backup',
    sets,
    (s) => ({ ...(section ?? {}), sets: s }),
    onSaved,
  );
  const shown = new Set<string>();
  return (
    <form
      onSubmit={useSubmit(editor.save)}
      onBlur={editor.check}
      aria-labelledby="settings-backup-schedule"
      noValidate
    >
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
            onChange={(v) =>
              editor.setDraft((d) =>
                d.map((x, j) => (j === i ? { ...x, schedule: v.trim() ? v : null } : x)),
              )
            }
          />
        );
      })}
      <IssueList items={unclaimed(editor.issues, 'backup', shown)} />
      <SaveBar editor={editor as never} />
    </form>
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
    <form
      onSubmit={useSubmit(editor.save)}
      onBlur={editor.check}
      aria-labelledby="settings-maintenance-schedule"
      noValidate
    >
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
      <SaveBar editor={editor as never} />
    </form>
  );
}

function ReportSchedules({ document, effective, onSaved }: Props) {
  const section = document.reports as Raw | undefined;
  const initial = (section?.schedules ?? (effective.reports as Raw).schedules) as Raw[];
  const editor = useSectionEditor<Raw[]>(
    'reports',
    initial,
    (s) => ({ ...(section ?? {}), schedules: s }),
    onSaved,
  );
  const edit = (i: number, key: string, v: string) =>
    editor.setDraft((d) => d.map((x, j) => (j === i ? { ...x, [key]: v } : x)));
  const shown = new Set<string>();
  return (
    <form
      onSubmit={useSubmit(editor.save)}
      onBlur={editor.check}
      aria-labelledby="settings-report-schedule"
      noValidate
    >
      <h3 id="settings-report-schedule">Reports</h3>
      {editor.draft.length === 0 && (
        <Empty title="No scheduled reports">
          Reports can still be exported from the Reports view.
        </Empty>
      )}
      {editor.draft.map((s, i) => {
        const base = `reports.schedules.${i}`;
        for (const f of ['name', 'schedule', 'period']) shown.add(`${base}.${f}`);
        return (
          <fieldset key={i} className="settings-row">
            <legend>{text(s.name) || 'New report'}</legend>
            <Field
              label="Name"
              path={`${base}.name`}
              issues={editor.issues}
              value={text(s.name)}
              onChange={(v) => edit(i, 'name', v)}
            />
            <Field
              label="Schedule"
              path={`${base}.schedule`}
              issues={editor.issues}
              value={text(s.schedule)}
              hint="cron, e.g. 0 7 * * 1"
              onChange={(v) => edit(i, 'schedule', v)}
            />
            <Field
              label="Period"
              path={`${base}.period`}
              issues={editor.issues}
              value={text(s.period)}
              placeholder="24h"
              onChange={(v) => edit(i, 'period', v)}
            />
            <button
              type="button"
              className="link"
              onClick={() => editor.setDraft((d) => d.filter((_, j) => j !== i))}
            >
              Remove {text(s.name) || 'this report'}
            </button>
            <IssueList items={unclaimed(editor.issues, base, shown)} />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          editor.setDraft((d) => [
            ...d,
            { name: '', schedule: '0 7 * * *', period: '24h', formats: ['html'] },
          ])
        }
      >
        Add a scheduled report
      </button>
      <SaveBar editor={editor as never} />
    </form>
  );
}

export function SchedulesEditor(props: Props) {
  return (
    <section aria-labelledby="settings-schedules">
      <h2 id="settings-schedules">Schedules</h2>
      <p className="muted">
        Saved to the file at once; schedules take effect at the agent&apos;s next start.
      </p>
      <BackupSchedules {...props} />
      <MaintenanceSchedule {...props} />
      <ReportSchedules {...props} />
    </section>
  );
}
