/**
 * Compression streams for archives.
 * - gzip: the stream is cut into 512 KiB blocks, each compressed as its own gzip member on libuv's
 *   thread pool (a long-lived zlib stream per slot, reset between members) with two blocks in
 *   flight, and written in order. A concatenation of gzip members is one valid gzip file (RFC 1952
 *   §2.2), read by gunzip, GNU tar and Node alike; it is pigz's idea without a binary, and it uses
 *   every core where plain `tar -czf` uses one. Memory: at most `inFlight` blocks in and out.
 * - zstd: Node 20's zlib has no zstd, so the `zstd` binary runs as a streaming child process
 *   (-T0: all cores), fed through a pipe; its memory is bounded by zstd's own window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Duplex, Transform, Writable, type TransformCallback } from 'node:stream';
import { constants, createGunzip, createGzip, type Gzip } from 'node:zlib';
import { BLOCK_SIZE, releaseBlock } from './blocks.js';
import { GarbageHint } from './gc-hint.js';

export type Compression = 'gzip' | 'zstd';

/** The file suffix of an archive compressed this way. */
export function archiveSuffix(c: Compression, encrypted: boolean): string {
  return `.tar.${c === 'gzip' ? 'gz' : 'zst'}${encrypted ? '.enc' : ''}`;
}

export function compressor(c: Compression, level: number | null): Duplex {
  if (c === 'gzip') return new ParallelGzip(level ?? 6);
  return childFilter('zstd', ['-q', '-T0', `-${level ?? 3}`, '-c'], 'compressing with zstd');
}

export function decompressor(c: Compression): Duplex {
  // 128 KiB pieces. With the archive reader parsing each piece while the next one is inflated
  // (archive-reader.ts), 256 KiB pieces made glibc move its mmap threshold up and serve them from
  // the heap, where they fragmented it: a restore of 300,000 small files peaked at 105 MB instead of
  // 95 MB. 64 KiB pieces cost a thread-pool round trip each: the 630 MB bench restore 3.8-5.0 s
  // instead of 3.0-3.5 s with 128 KiB (measured on 2 cores).
  if (c === 'gzip') return createGunzip({ chunkSize: 128 * 1024 });
  return childFilter(
    'zstd',
    ['-q', '-d', '-c'],
    'decompressing with zstd',
    'install the zstd package to read this archive',
  );
}

/**
 * One gzip member per block from a long-lived zlib stream: Z_FINISH ends the member, reset()
 * starts the next. The one-shot zlib.gzip() built and freed a deflate state (~270 KiB) and
 * concatenated its output per MiB block; that churn left the worker's malloc arena 10-25 MB larger
 * from run to run (measured VmHWM 115-129 MB for the same backup), where a few reused states stay
 * put.
 */
class GzipMember {
  private readonly z: Gzip;
  private chunks: Buffer[] = [];
  private busy: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(level: number) {
    this.z = createGzip({ level, memLevel: 8, chunkSize: 64 * 1024 });
    this.z.on('data', (c: Buffer) => this.chunks.push(c));
  }

  /** The block as one complete gzip member (its output chunks, in order). */
  compress(block: Buffer): Promise<Buffer[]> {
    const run = this.busy.then(
      () =>
        new Promise<Buffer[]>((resolve, reject) => {
          if (this.closed) return reject(new GzipClosedError());
          const onError = (err: Error) => reject(err);
          this.z.once('error', onError);
          this.z.write(block);
          this.z.flush(constants.Z_FINISH, () => {
            this.z.off('error', onError);
            // Closed while this block was on the thread pool (the pipeline failed: full disk,
            // cancel): zlib still calls back, and reset() on a closed binding threw an uncaught
            // "zlib binding closed" that killed the backup worker, under load before it had
            // reported the full disk and removed the partial archive.
            if (this.closed) return reject(new GzipClosedError());
            const out = this.chunks;
            this.chunks = [];
            (this.z as Gzip & { reset(): void }).reset(); // documented; missing from @types/node
            resolve(out);
          });
        }),
    );
    this.busy = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    this.z.close();
  }
}

/** A block handed to a gzip member after its stream was destroyed; never reaches the user. */
class GzipClosedError extends Error {
  constructor() {
    super('gzip stream closed');
    this.name = 'GzipClosedError';
  }
}

/** Block-parallel gzip (see the file comment). */
export class ParallelGzip extends Transform {
  private block: Buffer[] = [];
  private blockLength = 0;
  private readonly queue: Promise<Buffer[]>[] = [];
  private readonly members: GzipMember[];
  private nextMember = 0;
  private produced = false;
  /** zlib hands out a new Buffer per output chunk: gc-hint.ts frees them as they go. */
  private readonly garbage = new GarbageHint();

  /**
   * `inFlight` blocks are compressed at once on libuv's thread pool: two keep both threads of a
   * 2-core machine busy beside the file reads; each costs a deflate state and a block of memory.
   */
  constructor(level: number, inFlight = 2) {
    super();
    this.members = Array.from({ length: inFlight }, () => new GzipMember(level));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.blockLength === 0 && chunk.length >= BLOCK_SIZE) {
      // A whole block already (the archive writer's unit): compress it as it is, no copy.
      this.enqueue(chunk);
      this.drain(this.members.length - 1).then(() => cb(), cb);
      return;
    }
    this.block.push(chunk);
    this.blockLength += chunk.length;
    if (this.blockLength < BLOCK_SIZE) return cb();
    this.dispatch();
    this.drain(this.members.length - 1).then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback): void {
    if (this.blockLength > 0 || !this.produced) this.dispatch();
    this.drain(0).then(() => {
      this.closeMembers();
      cb();
    }, cb);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.closeMembers();
    cb(err);
  }

  private closeMembers(): void {
    for (const m of this.members) m.close();
  }

  private dispatch(): void {
    const data =
      this.block.length === 1 ? this.block[0]! : Buffer.concat(this.block, this.blockLength);
    this.block = [];
    this.blockLength = 0;
    this.enqueue(data);
  }

  /** Blocks go round the members; drain() keeps fewer in flight than there are members. */
  private enqueue(data: Buffer): void {
    this.produced = true;
    const member = this.members[this.nextMember]!;
    this.nextMember = (this.nextMember + 1) % this.members.length;
    const p = member.compress(data).finally(() => releaseBlock(data));
    p.catch(() => {}); // surfaced by drain, in order
    this.queue.push(p);
  }

  /** Push finished blocks in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.queue.length > keep) {
      const out = await this.queue.shift()!;
      let bytes = 0;
      for (const c of out) {
        this.push(c);
        bytes += c.length;
      }
      this.garbage.add(bytes);
    }
  }
}

/**
 * zstd compressing stdin straight into an open file descriptor (its stdout): the compressed bytes
 * never pass through Node, which saves a pipe read, a write per 64 KiB chunk on the thread pool
 * and a copy of the whole archive. The caller opened `fd` (so it chose the mode, 0600) and hashes
 * the file as it grows: `onWritten` runs after each chunk zstd has taken (tail-hash.ts); the output
 * is written in order, never sparse. The Writable finishes only when zstd exited 0.
 */
export function zstdToFile(fd: number, level: number | null, onWritten?: () => void): Writable {
  const what = 'compressing with zstd';
  const child = spawn('zstd', ['-q', '-T0', `-${level ?? 3}`, '--no-sparse', '-c'], {
    stdio: ['pipe', fd, 'pipe'],
  });
  closeSync(fd); // the child holds its own copy
  const stdin = child.stdin!;
  const exited = childOutcome(child, 'zstd', what);
  stdin.on('error', () => {}); // EPIPE after the child died is reported by its outcome
  const sink = new Writable({
    highWaterMark: BLOCK_SIZE,
    write(chunk: Buffer, _e, cb) {
      stdin.write(chunk, (err) => {
        releaseBlock(chunk);
        if (err) {
          // A broken pipe means zstd died (a full disk): its exit status and stderr say why.
          void exited.then((why) => cb(why ?? err));
          return;
        }
        onWritten?.();
        cb(null);
      });
    },
    final(cb) {
      stdin.end();
      void exited.then((err) => cb(err));
    },
    destroy(err, cb) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      cb(err);
    },
  });
  // A zstd that dies early (full disk) must fail the pipeline now, not at the end.
  void exited.then((err) => {
    if (err && !sink.destroyed) sink.destroy(err);
  });
  return sink;
}

/** Thrown when a compressor binary is missing or fails; says what to install or change. */
export class CompressorError extends Error {
  constructor(
    message: string,
    /** The binary that is not installed, when that is the cause. */
    readonly missing: string | null = null,
  ) {
    super(message);
    this.name = 'CompressorError';
  }
}

/**
 * How a compressor child ended: null when it exited 0, else a CompressorError with its exit status
 * and the end of its stderr. Settles on 'close', not 'exit': by then stderr is read to its end
 * (zstd's "No space left on device"); a child that could not start settles on 'error'.
 */
function childOutcome(
  child: ChildProcess,
  cmd: string,
  what: string,
  hint = `install the ${cmd} package, or set backup.compression: gzip`,
): Promise<CompressorError | null> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  return new Promise((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve(
        err.code === 'ENOENT'
          ? new CompressorError(`${what}: '${cmd}' is not installed (${hint})`, cmd)
          : new CompressorError(`${what}: ${err.message}`),
      ),
    );
    child.once('close', (code, signal) =>
      resolve(
        code === 0
          ? null
          : new CompressorError(
              signal
                ? `${what}: ${cmd} was killed by ${signal}`
                : `${what} failed (exit ${code}): ${stderr.trim()}`,
            ),
      ),
    );
  });
}

/**
 * A child process as a Duplex filter (stdin → stdout); a non-zero exit fails the stream. `hint`
 * says what to do when the binary is missing (reading an archive cannot switch compression).
 */
export function childFilter(cmd: string, args: string[], what: string, hint?: string): Duplex {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const outcome = childOutcome(child, cmd, what, hint);
  // Writes go through a Writable of our own so a block is recycled once the pipe has taken it.
  const input = new Writable({
    write(chunk: Buffer, _e, cb) {
      child.stdin.write(chunk, (err) => {
        releaseBlock(chunk);
        // A broken pipe means the child died (corrupt input, a full disk): its outcome fails the
        // stream first (below), with its exit status and stderr rather than EPIPE.
        if (!err) cb(null);
        else void outcome.then(() => cb(err));
      });
    },
    final(cb) {
      child.stdin.end(cb);
    },
  });
  const duplex = Duplex.from({ writable: input, readable: child.stdout });
  void outcome.then((err) => {
    if (err && !duplex.destroyed) duplex.destroy(err);
  });
  // Ending early (an error downstream) must not leave the child behind.
  duplex.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  child.stdin.on('error', () => {}); // EPIPE after the child died is reported by its outcome
  return duplex;
}
