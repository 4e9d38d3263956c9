/**
 * A small file replaced whole or not at all: written to a temporary name beside it, flushed to the
 * disk, then renamed over it, so a crash or a full disk leaves the old file or the new one, never
 * half of one (and no temporary file behind when the write fails). The agent's state files go
 * through here: alert state and history, job and maintenance history, silences, the notification
 * log and outbox, reports; JSON state files also through writeJsonAtomic / readJsonOr below.
 */
import { mkdirSync, readFileSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from './log.js';

export interface AtomicWriteOptions {
  /** The new file's mode (default 0600: state files are the user's alone). */
  mode?: number;
  /**
   * fsync before the rename (default): after a power cut the file holds what was renamed in. Off
   * for state rewritten every few seconds whose loss costs only repeated work (a log tail's
   * offsets): a rename alone still never leaves half a file behind.
   */
  flush?: boolean;
}

/** The temporary name: per process, so two processes writing one file do not share it. */
const tempOf = (file: string) => `${file}.tmp-${process.pid}`;

export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  { mode = 0o600, flush = true }: AtomicWriteOptions = {},
): void {
  const tmp = tempOf(file);
  try {
    // 'wx' after removing a leftover: the mode is the one given, whatever a crash left there.
    rmSync(tmp, { force: true });
    writeFileSync(tmp, data, { mode, flag: 'wx', flush });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  { mode = 0o600, flush = true }: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = tempOf(file);
  try {
    await rm(tmp, { force: true });
    await writeFile(tmp, data, { mode, flag: 'wx', flush });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A JSON state file, written whole (its folder made, owner-only, when missing). */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, JSON.stringify(value));
}

/**
 * A JSON state file's value, `empty` when there is none. A file that is not JSON is kept aside as
 * `<name>.corrupt-<time>` with a warning, and `empty` is returned: the state starts over, and
 * nothing the admin could still read is lost. Other read errors (permissions) are thrown.
 */
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
