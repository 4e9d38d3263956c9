/**
 * Schedules on reload: a change to nothing but the cron of existing backup sets, the restore test,
 * the maintenance window or existing scheduled reports is applied at once by registering the same
 * job again with its new schedule (JobScheduler.register replaces a job by id). Anything more (a new
 * backup set, a report's period) changes what the job does: the backup and reports modules reload
 * their whole section when the agent hands them to config/reload.ts; without them it waits for the
 * next start.
 * Maintenance is a job only while it has a schedule (maintenance/module.ts registers it only then;
 * on demand it runs through maintenance.run), so a schedule set to null unregisters it instead of
 * leaving an unscheduled "Maintenance" job in jobs.list, and a cron set again brings it back.
 */
import { backupJobId, restoreTestJobId } from '../backup/module.js';
import type { JobDefinition, JobScheduler } from '../jobs/scheduler.js';
import type { CcmonConfig } from './schema.js';

export type ScheduledSection = 'backup' | 'maintenance' | 'reports';
export const SCHEDULED_SECTIONS: readonly ScheduledSection[] = ['backup', 'maintenance', 'reports'];

/** Jobs that exist only while scheduled (see above). */
const ONLY_WHILE_SCHEDULED: ReadonlySet<string> = new Set(['maintenance']);

/** Remembers every job definition registered through it, so a reload can re-register one. */
export class ScheduleRecorder {
  private readonly defs = new Map<string, JobDefinition>();

  constructor(private readonly scheduler: JobScheduler) {}

  /**
   * The scheduler as the modules see it: register and unregister are recorded (an unregistered job
   * is no longer there to reschedule), everything else passes through.
   */
  get recording(): JobScheduler {
    const defs = this.defs;
    return new Proxy(this.scheduler, {
      get(target, prop) {
        if (prop === 'register')
          return (def: JobDefinition) => {
            target.register(def);
            defs.set(def.id, def);
          };
        if (prop === 'unregister')
          return (id: string) => {
            defs.delete(id);
            return target.unregister(id);
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  has(id: string): boolean {
    return this.defs.has(id);
  }

  /** The same job on a new schedule (validated by the scheduler; throws on a bad cron). */
  reschedule(id: string, schedule: string | null): void {
    const def = this.defs.get(id);
    if (!def) throw new Error(`no job '${id}' to reschedule`);
    if (def.schedule === schedule) return;
    const next = { ...def, schedule };
    if (schedule === null && ONLY_WHILE_SCHEDULED.has(id)) this.scheduler.unregister(id);
    else this.scheduler.register(next);
    this.defs.set(id, next);
  }
}

/**
 * Job id → new cron for a section whose only change is its schedules; null when anything else
 * changed (or a job it names was never registered), which needs a restart.
 */
export function scheduleChanges(
  section: ScheduledSection,
  prev: CcmonConfig,
  next: CcmonConfig,
): Map<string, string | null> | null {
  const out = new Map<string, string | null>();
  if (section === 'maintenance') {
    if (!sameExcept(prev.maintenance, next.maintenance, (m) => ({ ...m, schedule: null })))
      return null;
    out.set('maintenance', next.maintenance.schedule);
  } else if (section === 'backup') {
    const strip = (b: CcmonConfig['backup']) => ({
      ...b,
      restoreTestSchedule: null,
      sets: b.sets.map((s) => ({ ...s, schedule: null })),
    });
    if (!sameExcept(prev.backup, next.backup, strip)) return null;
    for (const s of next.backup.sets) {
      out.set(backupJobId(s.name), s.schedule);
      out.set(restoreTestJobId(s.name), next.backup.restoreTestSchedule);
    }
  } else {
    const strip = (r: CcmonConfig['reports']) => ({
      ...r,
      schedules: r.schedules.map((s) => ({ ...s, schedule: '' })),
    });
    if (!sameExcept(prev.reports, next.reports, strip)) return null;
    for (const s of next.reports.schedules) out.set(`report-${s.name}`, s.schedule);
  }
  return out;
}

function sameExcept<T>(a: T, b: T, strip: (x: T) => unknown): boolean {
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** Copy one section's schedules from `next` into the live object its module reads (its views). */
export function copySchedules(
  section: ScheduledSection,
  live: Pick<CcmonConfig, ScheduledSection>,
  next: CcmonConfig,
): void {
  if (section === 'maintenance') live.maintenance.schedule = next.maintenance.schedule;
  else if (section === 'backup') {
    live.backup.restoreTestSchedule = next.backup.restoreTestSchedule;
    live.backup.sets.forEach((s, i) => (s.schedule = next.backup.sets[i]!.schedule));
  } else
    live.reports.schedules.forEach((s, i) => (s.schedule = next.reports.schedules[i]!.schedule));
}
