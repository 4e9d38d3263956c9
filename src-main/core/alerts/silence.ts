/**
 * Silences with Alertmanager's rules (silence/silence.go): matchers (incl. regex), a start and an
 * end; pending before startsAt, active until endsAt, then expired and kept for the retention so
 * the UI can show them. Expiring sets endsAt to now. At least one matcher must not match the empty
 * string, or the silence would mute everything. ccmon adds `untilResolved`: the silence expires when
 * the alert it was created for resolves (the tray's "snooze until resolved").
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import {
  matchesAll,
  matcherMatches,
  parseMatchers,
  type LabelSet,
  type Matcher,
} from './matchers.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';

/** Shared empty result: the common case allocates nothing (treat results as read-only). */
const NONE: string[] = [];

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  id: string;
  matchers: Matcher[];
  /** ms since the epoch. */
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
  /** Fingerprint of the alert whose resolution expires this silence. */
  untilResolved?: string;
}

export interface NewSilence {
  matchers: Matcher[] | string[];
  startsAt?: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  untilResolved?: string;
}

export class SilenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SilenceError';
  }
}

// Alertmanager's --data.retention default: expired silences stay visible for 120h.
const RETENTION_MS = 120 * 3_600_000;

export function silenceState(s: Silence, now: number): SilenceState {
  if (s.endsAt <= now) return 'expired';
  if (s.startsAt > now) return 'pending';
  return 'active';
}

export class SilenceStore {
  private silences = new Map<string, Silence>();
  private readonly file: string;

  constructor(
    dir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onChange: () => void = () => {},
  ) {
    this.file = join(dir, 'silences.json');
    for (const s of readJsonOr<Silence[]>(this.file, [], logger)) this.silences.set(s.id, s);
  }

  create(input: NewSilence): Silence {
    const now = this.clock.now();
    const matchers = input.matchers.flatMap((m) =>
      typeof m === 'string' ? parseMatchers(m) : [m],
    );
    if (matchers.length === 0) throw new SilenceError('a silence needs at least one matcher');
    if (matchers.every((m) => matcherMatches(m, {})))
      throw new SilenceError(
        'at least one matcher must not match the empty string (it would silence every alert)',
      );
    const startsAt = Math.max(input.startsAt ?? now, now);
    if (!(input.endsAt > startsAt))
      throw new SilenceError('endsAt must be after startsAt and in the future');
    if (!input.createdBy.trim()) throw new SilenceError('createdBy is required');
    const s: Silence = {
      id: randomUUID(),
      matchers,
      startsAt,
      endsAt: input.endsAt,
      updatedAt: now,
      createdBy: input.createdBy,
      comment: input.comment,
      ...(input.untilResolved ? { untilResolved: input.untilResolved } : {}),
    };
    this.silences.set(s.id, s);
    this.save();
    return s;
  }

  /** Expire now (a pending silence ends before it starts). Expiring an expired one is an error. */
  expire(id: string): Silence {
    const s = this.silences.get(id);
    if (!s) throw new SilenceError(`no silence with id ${id}`);
    const now = this.clock.now();
    if (silenceState(s, now) === 'expired')
      throw new SilenceError(`silence ${id} is already expired`);
    s.endsAt = now;
    if (s.startsAt > now) s.startsAt = now;
    s.updatedAt = now;
    this.save();
    return s;
  }

  list(): Silence[] {
    return [...this.silences.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): Silence | undefined {
    return this.silences.get(id);
  }

  /** IDs of the active silences that mute this label set. */
  mutedBy(labels: LabelSet): string[] {
    const now = this.clock.now();
    let out: string[] | null = null;
    for (const s of this.silences.values())
      if (silenceState(s, now) === 'active' && matchesAll(s.matchers, labels))
        (out ??= []).push(s.id);
    return out ?? NONE;
  }

  /** An alert resolved: expire the silences created "until resolved" for it. */
  alertResolved(fp: string): Silence[] {
    const now = this.clock.now();
    const ended: Silence[] = [];
    for (const s of this.silences.values()) {
      if (s.untilResolved === fp && silenceState(s, now) !== 'expired')
        ended.push(this.expire(s.id));
    }
    return ended;
  }

  /** Drop silences expired longer than the retention ago. */
  gc(): void {
    const cutoff = this.clock.now() - RETENTION_MS;
    let changed = false;
    for (const [id, s] of this.silences)
      if (s.endsAt < cutoff) {
        this.silences.delete(id);
        changed = true;
      }
    if (changed) this.save();
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, [...this.silences.values()]);
    } catch (err) {
      this.logger.error(`could not save silences to ${this.file}: ${(err as Error).message}`);
    }
    this.onChange();
  }
}
