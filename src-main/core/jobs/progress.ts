/**
 * A run's progress callback: turns the job's file and byte counts into `job.progress` events with a
 * rate and an ETA, at most one every `intervalMs` (the last one, bytes == total, and the first of
 * each phase always go out, so a view never stops at 97 % nor misses a phase).
 */
import type { JobProgress } from './contract.js';

export interface ProgressUpdate {
  phase?: string;
  files: number;
  bytes: number;
  totalFiles?: number | null;
  totalBytes?: number | null;
}

/**
 * A run's rate and ETA, from its updates in order. The rate counts from when bytes started to
 * flow: a backup's dump, or its wait for the backup folder, moves no bytes, and counting it made a
 * 75 s dump show an ETA of an hour. `t0` is the run's performance.now().
 */
export function rateTracker(
  t0: number,
): (u: ProgressUpdate, now: number) => { rate: number; etaSeconds: number | null } {
  let flowing = t0;
  return (u, now) => {
    if (u.bytes === 0) flowing = now;
    const rate = u.bytes / Math.max((now - flowing) / 1000, 1e-3);
    const left = u.totalBytes != null ? Math.max(u.totalBytes - u.bytes, 0) : null;
    return { rate, etaSeconds: left === null ? null : rate > 0 ? Math.round(left / rate) : null };
  };
}

/** Returns the `progress` function of one run's JobContext; `t0` is the run's performance.now(). */
export function throttledProgress(
  ids: { jobId: string; runId: string },
  t0: number,
  intervalMs: number,
  publish: (p: JobProgress) => void,
): (u: ProgressUpdate) => void {
  let lastEmit = 0;
  let lastPhase: string | undefined;
  const track = rateTracker(t0);
  return (u) => {
    const now = performance.now();
    const { rate, etaSeconds } = track(u, now); // every update: the rate's start is in them
    const final = u.totalBytes != null && u.bytes >= u.totalBytes;
    // A new phase always shows (an S3 copy right after 'archived' was dropped by the throttle,
    // so a view said "100 %, 0 s left" through the whole upload).
    const newPhase = u.phase !== lastPhase;
    lastPhase = u.phase;
    if (!final && !newPhase && now - lastEmit < intervalMs) return;
    lastEmit = now;
    publish({
      jobId: ids.jobId,
      runId: ids.runId,
      phase: u.phase ?? '',
      files: u.files,
      totalFiles: u.totalFiles ?? null,
      bytes: u.bytes,
      totalBytes: u.totalBytes ?? null,
      rateBytesPerSecond: Math.round(rate),
      etaSeconds,
      at: new Date().toISOString(),
    });
  };
}
