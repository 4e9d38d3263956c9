/**
 * The usage ledger: tokens, cost, requests and errors per UTC day × user × model × source, plus
 * per-session totals and recent security events. It is what the views, budgets and exports read;
 * it is small (one row per active user-model-day) and persisted as one JSON file in the data dir.
 */
import {
  TOKEN_TYPES,
  type Identity,
  type SecurityKind,
  type TokenType,
  type UsageSource,
} from './records.js';

export interface LedgerRow {
  day: string;
  user: string;
  model: string;
  source: UsageSource;
  team: string;
  organization: string;
  tokens: Record<TokenType, number>;
  costUsd: number;
  requests: number;
  errors: number;
}

export interface SessionRow {
  session: string;
  user: string;
  source: UsageSource;
  firstSeen: number;
  lastSeen: number;
  tokens: number;
  costUsd: number;
}

export interface SecurityEvent {
  t: number;
  user: string;
  kind: SecurityKind;
  detail: string;
}

export interface LedgerSnapshot {
  version: 1;
  rows: LedgerRow[];
  sessions: SessionRow[];
  security: SecurityEvent[];
}

const MAX_SESSIONS = 5_000;
const MAX_SECURITY_EVENTS = 1_000;
const KEEP_DAYS = 400;

const DAY_MS = 86_400_000;
/** The last day asked for: bookings come in bursts within one day (a Date and a string each). */
let lastDay = { from: 0, to: 0, day: '' };

/** The UTC day of `t` (ms) as YYYY-MM-DD. */
export function utcDay(time: number): string {
  const t = Math.trunc(time); // what Date does with a fraction of a millisecond
  if (t >= lastDay.from && t < lastDay.to) return lastDay.day;
  const day = new Date(t).toISOString().slice(0, 10); // throws on an invalid time, as it did
  const from = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
  lastDay = { from, to: from + DAY_MS, day };
  return day;
}

export function emptyTokens(): Record<TokenType, number> {
  return { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}

export function totalTokens(t: Record<TokenType, number>): number {
  return t.input + t.output + t.cacheRead + t.cacheCreation;
}

export class UsageLedger {
  private readonly rows = new Map<string, LedgerRow>();
  private readonly sessions = new Map<string, SessionRow>();
  private security: SecurityEvent[] = [];
  /** Bumped on every change, so a persister knows when to write. */
  revision = 0;

  row(id: Identity, model: string, t: number, source: UsageSource): LedgerRow {
    const day = utcDay(t);
    const key = `${day}\u0000${id.user}\u0000${model}\u0000${source}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        day,
        user: id.user,
        model,
        source,
        team: id.team,
        organization: id.organization,
        tokens: emptyTokens(),
        costUsd: 0,
        requests: 0,
        errors: 0,
      };
      this.rows.set(key, row);
    }
    if (id.team) row.team = id.team;
    if (id.organization) row.organization = id.organization;
    this.revision++;
    return row;
  }

  addTokens(
    id: Identity,
    model: string,
    type: TokenType,
    n: number,
    t: number,
    src: UsageSource,
  ): void {
    this.row(id, model, t, src).tokens[type] += n;
    const s = this.sessionRow(id, t, src);
    if (s) s.tokens += n;
  }

  addCost(id: Identity, model: string, usd: number, t: number, src: UsageSource): void {
    this.row(id, model, t, src).costUsd += usd;
    const s = this.sessionRow(id, t, src);
    if (s) s.costUsd += usd;
  }

  addRequest(id: Identity, model: string, t: number, src: UsageSource, n = 1): void {
    this.row(id, model, t, src).requests += n;
  }

  addError(id: Identity, model: string, t: number, src: UsageSource, n = 1): void {
    this.row(id, model, t, src).errors += n;
  }

  addSecurity(ev: SecurityEvent): void {
    this.security.push(ev);
    if (this.security.length > MAX_SECURITY_EVENTS)
      this.security.splice(0, this.security.length - MAX_SECURITY_EVENTS);
    this.revision++;
  }

  touchSession(id: Identity, t: number, src: UsageSource): void {
    this.sessionRow(id, t, src);
  }

  private sessionRow(id: Identity, t: number, src: UsageSource): SessionRow | null {
    if (!id.session) return null;
    let s = this.sessions.get(id.session);
    if (!s) {
      s = {
        session: id.session,
        user: id.user,
        source: src,
        firstSeen: t,
        lastSeen: t,
        tokens: 0,
        costUsd: 0,
      };
      this.sessions.set(id.session, s);
      if (this.sessions.size > MAX_SESSIONS)
        this.sessions.delete(this.sessions.keys().next().value as string);
    }
    s.firstSeen = Math.min(s.firstSeen, t);
    s.lastSeen = Math.max(s.lastSeen, t);
    this.revision++;
    return s;
  }

  allRows(): LedgerRow[] {
    return [...this.rows.values()];
  }

  allSessions(): SessionRow[] {
    return [...this.sessions.values()];
  }

  securityEvents(): SecurityEvent[] {
    return [...this.security];
  }

  /** Drop every row of one source (the CLI recomputes transcripts from scratch). */
  dropSource(source: UsageSource): void {
    for (const [k, r] of this.rows) if (r.source === source) this.rows.delete(k);
    for (const [k, s] of this.sessions) if (s.source === source) this.sessions.delete(k);
    this.revision++;
  }

  /** Forget days older than the retention (a year and a bit, for month-over-month views). */
  prune(now: number): void {
    const oldest = utcDay(now - KEEP_DAYS * 86_400_000);
    for (const [k, r] of this.rows) if (r.day < oldest) this.rows.delete(k);
  }

  snapshot(): LedgerSnapshot {
    return {
      version: 1,
      rows: this.allRows(),
      sessions: this.allSessions(),
      security: this.securityEvents(),
    };
  }

  load(s: LedgerSnapshot): void {
    for (const r of s.rows ?? []) {
      const tokens = emptyTokens();
      for (const type of TOKEN_TYPES) tokens[type] = Number(r.tokens?.[type]) || 0;
      this.rows.set(`${r.day}\u0000${r.user}\u0000${r.model}\u0000${r.source}`, { ...r, tokens });
    }
    for (const x of s.sessions ?? []) this.sessions.set(x.session, { ...x });
    this.security = [...(s.security ?? [])].slice(-MAX_SECURITY_EVENTS);
  }
}
