/**
 * Which files a source covers: its globs (filebeat's `paths`) plus each matched file's rotated
 * siblings (logrotate's app.log.1, app.log.2.gz, app.log-20261122.gz). Problems (relative or
 * empty globs, missing or unreadable folders, globs matching nothing) are reported by name,
 * never thrown.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import type { LogSource } from './config.js';
import { describeIoError } from './scan-task.js';

export interface LogFile {
  path: string;
  service: string;
  /** Index of its source in logs.sources. */
  sourceIndex: number;
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
  gzip: boolean;
  /** A rotated sibling rather than a file the glob matched (the live file). */
  rotated: boolean;
}

const MAX_DEPTH = 8;
const MAX_ENTRIES = 100_000;

export async function resolveLogFiles(
  sources: LogSource[],
  problems: string[],
  opts: { rotated?: boolean } = {},
): Promise<LogFile[]> {
  const out = new Map<string, LogFile>();
  const seen = new Set<string>();
  for (const [sourceIndex, source] of sources.entries()) {
    for (const glob of source.paths) {
      const where = `logs source ${source.service}: glob '${glob}'`;
      if (!isAbsolute(glob)) {
        problems.push(`${where} is not an absolute path`);
        continue;
      }
      let matched: string[];
      try {
        matched = await expandGlob(glob);
      } catch (err) {
        problems.push(`${where}: ${describeIoError(err)}`);
        continue;
      }
      if (matched.length === 0) {
        problems.push(`${where} matches no files`);
        continue;
      }
      const add = async (path: string, rotated: boolean) => {
        if (out.has(path)) return;
        let st;
        try {
          st = await stat(path);
        } catch (err) {
          problems.push(`${path}: ${describeIoError(err)}`);
          return;
        }
        if (!st.isFile()) return;
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) return; // a hard link or a second glob reaching the same file
        seen.add(id);
        const gzip = path.endsWith('.gz');
        out.set(path, {
          path,
          service: source.service,
          sourceIndex,
          size: st.size,
          mtimeMs: st.mtimeMs,
          ino: st.ino,
          dev: st.dev,
          gzip,
          rotated,
        });
      };
      for (const path of matched) await add(path, false);
      if (opts.rotated === false) continue;
      for (const path of matched) {
        for (const sibling of await rotatedSiblings(path)) await add(sibling, true);
      }
    }
  }
  return [...out.values()];
}

/** logrotate's names for a rotated `name`: name.1, name.2.gz, name-20261122, name-20261122.gz. */
export function isRotationOf(candidate: string, name: string): boolean {
  if (!candidate.startsWith(name) || candidate === name) return false;
  return /^(?:[.-]\d[\w.-]*?)?(?:\.gz)?$/.test(candidate.slice(name.length));
}

export async function rotatedSiblings(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => isRotationOf(n, name)).map((n) => join(dir, n));
}

interface CompiledGlob {
  mm: Minimatch;
  /** The static folder the walk starts from. */
  base: string;
  /** The parts from the first one with magic. */
  rest: string[];
}

/**
 * Compiled once per glob: the agent expands the same few globs every scan, and building a
 * Minimatch (its regular expression) was most of an idle scan's CPU.
 */
const compiled = new Map<string, CompiledGlob>();
const MAX_COMPILED = 256;

function compiledGlob(glob: string): CompiledGlob {
  let c = compiled.get(glob);
  if (c) return c;
  const mm = new Minimatch(glob, { dot: false, nonegate: true, nocomment: true });
  const parts = glob.split(sep);
  let i = 0;
  while (i < parts.length - 1 && !new Minimatch(parts[i]!).hasMagic()) i++;
  c = { mm, base: parts.slice(0, i).join(sep) || sep, rest: parts.slice(i) };
  if (compiled.size >= MAX_COMPILED) compiled.clear(); // globs come from config: a handful
  compiled.set(glob, c);
  return c;
}

/** Expand an absolute glob by walking from its static prefix (minimatch semantics, no dotfiles). */
export async function expandGlob(glob: string): Promise<string[]> {
  const { mm, base, rest } = compiledGlob(glob);
  if (!mm.hasMagic()) {
    try {
      return (await stat(glob)).isFile() ? [glob] : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
  const depth = rest.includes('**') ? MAX_DEPTH : rest.length;
  const found: string[] = [];
  let entries = 0;
  const walk = async (dir: string, level: number): Promise<void> => {
    let list;
    try {
      list = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      // The folder the glob starts from must be readable; deeper ones are skipped like find(1).
      if (level === 1 && (err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`folder ${dir} does not exist`, { cause: err });
      if (level === 1) throw new Error(`folder ${dir}: ${describeIoError(err)}`, { cause: err });
      return;
    }
    for (const d of list) {
      if (++entries > MAX_ENTRIES) return;
      const p = join(dir, d.name);
      if (d.isDirectory() && level < depth) await walk(p, level + 1);
      else if ((d.isFile() || d.isSymbolicLink()) && mm.match(p)) found.push(p);
    }
  };
  await walk(base, 1);
  return found.sort();
}
