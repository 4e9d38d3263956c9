/**
 * A young-generation GC every few MiB of streamed archive data. Node's zlib and file streams hand
 * out a fresh Buffer per chunk, and V8 frees a dead Buffer's memory (outside its heap) only when a
 * GC runs; a stream allocates almost nothing on the JS heap per MiB (one small object per 64–256
 * KiB chunk), so GCs come rarely and dead buffers pile up: measured 34 MB of them while reading a
 * 30 MB incompressible file back (process.memoryUsage().arrayBuffers), the single largest part of a
 * restore's peak RSS, and the same for gzip's output during a backup. A minor GC (scavenge) frees
 * young dead buffers in about a millisecond; every 4 MiB bounds them whatever the archive's size.
 * `gc` is reached the documented way for a running process (v8.setFlagsFromString('--expose-gc')
 * and a new context, where V8 then installs it); where that fails, nothing is done. The flag goes
 * back off once `gc` is in hand (it matters only as a context is made): V8 rejects a code cache
 * written under other flags than it is read with (cli/compile-cache.ts writes one at exit).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type MinorGc = (opts: { type: 'minor' }) => void;

/** Bytes of streamed data between two hints. */
export const GC_HINT_BYTES = 4 << 20;

let collect: MinorGc | null | undefined;

function minorGc(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
      collect = typeof gc === 'function' ? (gc as MinorGc) : null;
    } catch {
      collect = null;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  collect?.({ type: 'minor' });
}

/** Counts streamed bytes and runs a minor GC each time another GC_HINT_BYTES went by. */
export class GarbageHint {
  private since = 0;

  constructor(private readonly every = GC_HINT_BYTES) {}

  add(bytes: number): void {
    this.since += bytes;
    if (this.since < this.every) return;
    this.since = 0;
    minorGc();
  }
}
