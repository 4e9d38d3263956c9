/**
 * Loads the `ccmon` command's CommonJS bundle through a V8 code cache kept in the user's cache
 * folder: the bytecode of every function the last run compiled, so the next run starts without
 * parsing and compiling them again. `ccmon backup` of an empty folder took 0.19 s, most of the
 * difference compiling the ~1.9 MB bundle (zod, yaml, commander, the config schemas, the engine)
 * before its first step; with the cache 0.12-0.14 s.
 *
 * Node 22's `module.enableCompileCache()` does this for every module; Node 20, which ccmon runs on,
 * has no such thing, so the bundle is compiled here with `vm.Script` and `cachedData`. The cache is
 * written when the process exits (`createCachedData()` then holds what ran, lazily compiled
 * functions included): v8-compile-cache and its forks produce theirs right after compiling, which
 * holds only the top-level code: measured here, that saved 0.045 s where this saves 0.07 s.
 *
 * The cache is code this process will run, so it is read only from a folder and a file that belong
 * to the user running ccmon and that nobody else can write (never from a shared temporary folder:
 * a root `ccmon restore` must not run bytecode another user left there). Its name holds a hash of
 * the bundle's text, Node's version, architecture and command-line flags, and the command with its
 * V8 profile. V8 itself checks only the source's length and its version and flags, and rejects a
 * mismatch, but a cache of an edited bundle of the same length would be accepted. Anything that
 * goes wrong (no home folder, a read-only disk, a rejected or damaged cache) means compiling as
 * without a cache.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** Cache files kept per folder: one per command (the last 16 used), ~0.5-1.2 MB each. */
const KEEP = 16;
const SUFFIX = '.v8cache';

export type CacheStatus =
  /** Compiled from the cache. */
  | 'loaded'
  /** No cache yet: one is written at exit. */
  | 'missing'
  /** V8 refused the cache (another V8, other flags): a new one is written at exit. */
  | 'rejected'
  /** The folder or file is not the user's alone: not read, not written. */
  | 'untrusted'
  /** No cache folder, or source maps on. */
  | 'off';

export interface LoadedBundle {
  exports: unknown;
  status: CacheStatus;
  /** The cache file this run read or would write, or null when off. */
  cacheFile: string | null;
  /**
   * Writes the cache when the run did not load one and V8's flags are as they were at start (call
   * at exit); never throws.
   */
  save(): void;
}

/**
 * Runs the CommonJS file `file` as `require` would, compiled with the code cache in `cacheDir`
 * (null: no cache). `profile` names the V8 flags the caller set and the command (`archive-backup`):
 * a cache holds what one run compiled, so each command keeps its own.
 */
export function loadWithCompileCache(
  file: string,
  cacheDir: string | null,
  profile: string,
): LoadedBundle {
  // Node 20 maps stack traces through source maps (--enable-source-maps) for require() only.
  if (!cacheDir || process.sourceMapsEnabled) return plainRequire(file);
  const bytes = readFileSync(file);
  const cacheFile = join(cacheDir, `${profile}-${cacheKey(bytes)}${SUFFIX}`);
  let status: CacheStatus = 'missing';
  let cachedData: Buffer | undefined;
  const read = untrustedFolder(cacheDir) ? 'untrusted' : readTrusted(cacheFile);
  if (read === 'untrusted') status = 'untrusted';
  else if (read) {
    cachedData = read;
    status = 'loaded';
  }
  // No importModuleDynamically: a script compiled from a cache loses it (the host-defined options
  // are not in the cache: nodejs/node#43663), so import() would work on the first run only. Without
  // it import() fails every time; the bundle has none (scripts/bundle-cli.mjs has esbuild rewrite
  // them as require()).
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  if (status === 'loaded' && script.cachedDataRejected) status = 'rejected';
  // Taken now, before the command runs, to tell at exit whether V8's flags changed (flagsKept).
  const probe = status === 'missing' || status === 'rejected' ? flagProbe() : null;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    status,
    cacheFile,
    save: () => {
      if (probe && flagsKept(probe)) writeCache(cacheDir, cacheFile, script);
    },
  };
}

/**
 * V8 rejects a cache written under other flags than it is read with, and a running process's
 * flags can change: in Node 20, starting a worker thread after `--semi-space-growth-factor` was set
 * (v8-tuning.ts) does, so an agent that ran a backup would write a cache every later run rejects,
 * and write it again. A tiny script's cache, made at start, is checked at exit: rejected means the
 * flags changed, and nothing is written. (A different text of the same length: V8 compares only
 * the length, and the same text would come from V8's in-memory cache without a check.)
 */
function flagProbe(): Buffer {
  return new vm.Script('/*0*/0').createCachedData();
}

function flagsKept(probe: Buffer): boolean {
  return !new vm.Script('/*1*/0', { cachedData: probe }).cachedDataRejected;
}

/**
 * The command word (`backup`, `alerts`…): the first argument that is not an option or the value
 * of the one global option that takes one (index.ts: -c/--config). Anything else is `other`.
 */
export function commandOf(argv: readonly string[]): string {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--config') i++;
    else if (!a.startsWith('-')) return /^[a-z][a-z-]{0,31}$/.test(a) ? a : 'other';
  }
  return 'none';
}

function plainRequire(file: string): LoadedBundle {
  return { exports: createRequire(file)(file), status: 'off', cacheFile: null, save: () => {} };
}

/** The profile is in the file's name already. */
function cacheKey(source: Buffer): string {
  return createHash('sha256')
    .update(source)
    .update('\0')
    .update([process.version, process.arch, ...process.execArgv].join('\0'))
    .update('\0')
    .update(process.env.NODE_OPTIONS ?? '')
    .digest('hex')
    .slice(0, 32);
}

/**
 * Whether a folder that exists is not the user's alone: not owned by them, writable by someone
 * else, or a symlink (POSIX; on Windows the user's profile folder is private already). A folder not
 * made yet is made private when the cache is written.
 */
function untrustedFolder(path: string): boolean {
  if (process.platform === 'win32') return false;
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return true; // a folder on the way that the user may not enter
  }
  return !!st && !(st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0);
}

/** The file's bytes; null when there is none; 'untrusted' when it is not the user's alone. */
function readTrusted(file: string): Buffer | null | 'untrusted' {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'untrusted';
    if (process.platform !== 'win32' && (st.uid !== process.getuid?.() || st.mode & 0o022))
      return 'untrusted';
    return readFileSync(fd);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Atomically (a private temporary file, then a rename), and prunes the oldest caches. */
function writeCache(dir: string, file: string, script: vm.Script): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (untrustedFolder(dir)) return; // made by someone else meanwhile
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
    pruneCaches(dir, basename(file));
  } catch {
    rmSync(tmp, { force: true });
  }
}

function pruneCaches(dir: string, keep: string): void {
  const caches = readdirSync(dir)
    .filter((n) => n.endsWith(SUFFIX) && n !== keep)
    .map((n) => ({ n, t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.t - a.t);
  for (const { n } of caches.slice(KEEP - 1)) rmSync(join(dir, n), { force: true });
}
