/**
 * The usage module's persisted state, one JSON file in the data dir: the ledger, the cumulative/
 * delta de-duplication state (so a restart neither re-counts nor loses a cumulative stream) and
 * the transcript offsets. Written atomically (temp file + rename); a corrupt file is kept aside
 * as `.corrupt-<time>` and the module starts empty with a warning, never crashing the agent.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LedgerSnapshot } from './ledger.js';
import type { TemporalityState } from './temporality.js';
import type { TranscriptState } from './transcripts.js';
import { writeFileAtomic } from '../atomic-file.js';

export interface UsageState {
  version: 1;
  savedAt: string;
  ledger: LedgerSnapshot;
  temporality: TemporalityState;
  transcripts: TranscriptState;
}

export async function readUsageState(
  file: string,
): Promise<{ state: UsageState | null; warning: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, warning: null };
    throw err;
  }
  try {
    const state = JSON.parse(text) as UsageState;
    if (state?.version !== 1 || !state.ledger)
      throw new Error('not a ccmon usage state file (version 1)');
    return { state, warning: null };
  } catch (err) {
    const aside = `${file}.corrupt-${Date.now()}`;
    await rename(file, aside).catch(() => {});
    return {
      state: null,
      warning: `usage state ${file} unreadable (${(err as Error).message}); kept as ${aside}, starting empty`,
    };
  }
}

export async function writeUsageState(file: string, state: UsageState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, JSON.stringify(state));
}
