/**
 * The agent's incremental scan, filebeat's registry in small: for each live log file it remembers
 * device, inode and offset in the data folder, and each round reads only the whole lines added
 * since. Rotation (a new inode under the name) finishes the old file from its rotated name first;
 * truncation (copytruncate: the file shrank) starts again from 0. Lines are delivered in windows
 * of bounded size, and an offset only advances once its window was handed over (shipped), so a
 * failed shipment is read again next round rather than lost.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LogsConfig } from './config.js';
import { resolveLogFiles, rotatedSiblings, type LogFile } from './files.js';
import { parserSpecFor } from './local-store.js';
import { createLineParser, type LineParser } from './parse.js';
import { readLineBlocks } from './read.js';
import { describeIoError } from './scan-task.js';
import type { LogEntry } from './types.js';
import { writeFileAtomic } from '../atomic-file.js';

interface FileMark {
  dev: number;
  ino: number;
  offset: number;
}

interface TailState {
  version: 1;
  files: Record<string, FileMark>;
}

/** What one window of new lines held. */
export interface TailBatch {
  service: string;
  entries: LogEntry[];
  lines: number;
  malformed: number;
}

export interface TailRound {
  files: number;
  bytesRead: number;
  problems: string[];
}

/** Receives each window; throwing leaves the offset where it was (the window is read again). */
export type TailSink = (batch: TailBatch) => Promise<void>;

const WINDOW = 8 * 1024 * 1024;

export class LogTailer {
  private state: TailState | null = null;

  constructor(
    private readonly config: LogsConfig,
    private readonly stateFile: string,
  ) {}

  /** One round over every live file; never throws for a file's sake (problems are returned). */
  async scan(sink: TailSink): Promise<TailRound> {
    const firstRun = await this.load();
    const state = this.state!;
    const round: TailRound = { files: 0, bytesRead: 0, problems: [] };
    const files = await resolveLogFiles(this.config.sources, round.problems, { rotated: false });
    const live = new Set<string>();
    let budget = this.config.maxBytesPerScan;
    for (const f of files) {
      live.add(f.path);
      round.files++;
      const prev = state.files[f.path];
      let start: number;
      if (!prev)
        start = firstRun ? f.size : 0; // history before the first run is not news
      else if (prev.dev !== f.dev || prev.ino !== f.ino) {
        await this.finishRotated(f, prev, sink, round);
        start = 0;
      } else start = f.size < prev.offset ? 0 : prev.offset; // shrank: copytruncate
      const mark = { dev: f.dev, ino: f.ino, offset: start };
      state.files[f.path] = mark;
      try {
        const read = await this.drain(
          f,
          f.path,
          start,
          Math.min(f.size, start + budget),
          sink,
          (o) => (mark.offset = o),
        );
        round.bytesRead += read;
        budget = Math.max(0, budget - read);
      } catch (err) {
        round.problems.push(`${f.path}: ${describeIoError(err)}`);
      }
    }
    for (const path of Object.keys(state.files)) if (!live.has(path)) delete state.files[path];
    await this.save();
    return round;
  }

  /** The rest of a file that was rotated away, found by its inode among the rotated names. */
  private async finishRotated(f: LogFile, prev: FileMark, sink: TailSink, round: TailRound) {
    for (const path of await rotatedSiblings(f.path)) {
      if (path.endsWith('.gz')) continue;
      const st = await stat(path).catch(() => null);
      if (!st || st.ino !== prev.ino || st.dev !== prev.dev || st.size <= prev.offset) continue;
      try {
        round.bytesRead += await this.drain(f, path, prev.offset, st.size, sink, () => {});
      } catch (err) {
        round.problems.push(`${path}: ${describeIoError(err)}`);
      }
      return;
    }
  }

  /** Whole lines in [start, until), window by window; `commit` gets each delivered end offset. */
  private async drain(
    f: LogFile,
    path: string,
    start: number,
    until: number,
    sink: TailSink,
    commit: (offset: number) => void,
  ): Promise<number> {
    const parse: LineParser = createLineParser(parserSpecFor(this.config, f));
    let offset = start;
    while (offset < until) {
      const batch: TailBatch = { service: f.service, entries: [], lines: 0, malformed: 0 };
      let next = offset;
      let overlong = false;
      const read = await readLineBlocks(
        { file: path, gzip: false, start: offset, end: Math.min(until, offset + WINDOW) },
        this.config.maxLineBytes,
        (buf, from, to, base) => {
          // A last line without its newline is still being written: leave it for the next round.
          const complete = buf[to - 1] === 10 ? to : buf.lastIndexOf(10, to - 1) + 1;
          for (let p = from; p < complete;) {
            const nl = buf.indexOf(10, p);
            let e = nl;
            if (e > p && buf[e - 1] === 0x0d) e--;
            const text = buf.toString('utf8', p, e);
            if (text.trim() !== '') {
              batch.lines++;
              const entry = parse(text, path, base + p);
              if (typeof entry === 'string') batch.malformed++;
              else batch.entries.push(entry);
            }
            p = nl + 1;
          }
          if (complete > from) next = base + complete;
        },
        () => {
          batch.malformed++;
          overlong = true;
        },
      );
      // A window holding only part of an over-long line: skip past it rather than stall on it.
      if (next === offset && overlong) next = offset + read;
      if (next === offset) break; // nothing whole yet
      await sink(batch);
      offset = next;
      commit(offset);
    }
    return offset - start;
  }

  private async load(): Promise<boolean> {
    if (this.state) return false;
    try {
      const raw = JSON.parse(await readFile(this.stateFile, 'utf8')) as TailState;
      this.state = raw.version === 1 && raw.files ? raw : { version: 1, files: {} };
      return false;
    } catch {
      // No state yet (or unreadable): start at the end of what exists, as a fresh tail -f does.
      this.state = { version: 1, files: {} };
      return true;
    }
  }

  /** Replaced whole (atomic-file.ts). */
  private async save(): Promise<void> {
    await mkdir(dirname(this.stateFile), { recursive: true });
    // Saved every round, not flushed: offsets lost to a power cut mean lines read again.
    await writeFileAtomic(this.stateFile, JSON.stringify(this.state), { flush: false });
  }
}
