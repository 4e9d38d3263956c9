/**
 * The job history: one JSON line per finished run in `<dataDir>/jobs/history.jsonl`, newest last.
 * Appends are cheap; the file is compacted (rewritten atomically) once it holds twice the limit.
 * A damaged line (power loss mid-append) is skipped, never fatal.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobRun } from './contract.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export class JobHistory {
  private runs: JobRun[] = [];
  private fileLines = 0;

  constructor(
    private readonly file: string | null,
    private readonly limit = 1000,
  ) {
    if (!file) return;
    const all = readRuns(file);
    this.fileLines = all.length;
    this.runs = all.slice(-limit);
  }

  add(run: JobRun): void {
    this.runs.push(run);
    if (this.runs.length > this.limit) this.runs = this.runs.slice(-this.limit);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, JSON.stringify(run) + '\n');
    if (++this.fileLines > this.limit * 2) this.compact();
  }

  /** Newest first, optionally for one job. */
  list(jobId?: string, limit = 50): JobRun[] {
    const out: JobRun[] = [];
    for (let i = this.runs.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.runs[i]!;
      if (!jobId || r.jobId === jobId) out.push(r);
    }
    return out;
  }

  last(jobId: string, filter: (r: JobRun) => boolean = () => true): JobRun | null {
    return this.list(jobId, this.limit).find(filter) ?? null;
  }

  private compact(): void {
    if (!this.file) return;
    writeFileAtomicSync(this.file, this.runs.map((r) => JSON.stringify(r) + '\n').join(''));
    this.fileLines = this.runs.length;
  }
}

function readRuns(file: string): JobRun[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const runs: JobRun[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as JobRun;
      if (typeof r.jobId === 'string' && typeof r.startedAt === 'string') runs.push(r);
    } catch {
      // a torn last line after a crash: skip it
    }
  }
  return runs;
}
