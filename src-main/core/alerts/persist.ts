/**
 * Small durable files for the notifier's state (silences, notification log, outbox): written
 * atomically (temp file + fsync + rename) so a crash leaves the old or the new file, never half of
 * one; a corrupt file is kept aside as `<name>.corrupt-<time>` and replaced by the empty state.
 */
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, JSON.stringify(value));
}

export function readJsonOr<T>(file: string, empty: T, logger: Logger): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const aside = `${file}.corrupt-${Date.now()}`;
    renameSync(file, aside);
    logger.warn(
      `${file} was corrupt (${(err as Error).message}); kept it as ${aside} and started empty`,
    );
    return empty;
  }
}

/** Coalesces many changes into one write at most every `ms` (and one on flush()). */
export class DebouncedWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: () => void,
    private readonly ms = 200,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.ms);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.write();
  }
}
