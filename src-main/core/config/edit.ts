/**
 * Change one section of a YAML config file the way a careful admin would by hand: only the nodes whose
 * value changed are touched, so the user's comments, key order and layout survive (yaml's Document
 * API), and the file is replaced atomically (temp file + fsync + rename) with the previous one kept
 * as `<name>.bak`.
 */
import { constants } from 'node:fs';
import { access, copyFile, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from './load.js';

type Path = (string | number)[];

/** Parse config text for editing; a file that is not valid YAML cannot be edited safely. */
export function parseForEdit(text: string, file: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0)
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: e.linePos?.[0]?.line ?? null,
        message: `${e.message.split('\n')[0]}; fix the file by hand before editing it here`,
      })),
    );
  return doc;
}

/** Replace `section` with `value` (null/undefined removes it), keeping untouched nodes as they were. */
export function setSection(doc: Document, section: string, value: unknown): void {
  if (value === null || value === undefined) {
    doc.deleteIn([section]);
    return;
  }
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  assign(doc, [section], value);
}

function assign(doc: Document, path: Path, value: unknown): void {
  const node = doc.getIn(path, true) as Node | undefined;
  if (isPlainObject(value) && isMap(node)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) doc.deleteIn([...path, k]);
      else assign(doc, [...path, k], v);
    }
    for (const item of [...node.items]) {
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (typeof key === 'string' && !(key in value)) doc.deleteIn([...path, key]);
    }
    return;
  }
  if (Array.isArray(value) && isSeq(node)) {
    value.forEach((v, i) => {
      if (i < node.items.length) assign(doc, [...path, i], v);
      else node.items.push(doc.createNode(v));
    });
    node.items.splice(value.length);
    return;
  }
  if (isScalar(node) && !isPlainObject(value) && !Array.isArray(value)) {
    // Same node, new value: its comment and quoting style stay.
    if (node.value !== value) node.value = value;
    return;
  }
  doc.setIn(path, doc.createNode(value));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The file's text, or null when it does not exist yet. */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether `file` can be replaced: the file itself (if any) and its folder must be writable. */
export async function canWrite(file: string): Promise<boolean> {
  try {
    await access(dirname(file), constants.W_OK);
    await access(file, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Write `text` to `file` atomically: a reader sees the old file or the new one, never half of it,
 * even after a crash (temp + fsync + rename + fsync of the folder). The old file becomes `.bak`.
 * Returns the .bak path, or null when there was no previous file.
 */
export async function writeConfigAtomically(link: string, text: string): Promise<string | null> {
  // A symlinked config (dotfiles repos) is edited where it points, so the link survives.
  const file = await realpath(link).catch(() => link);
  const dir = dirname(file);
  const previous = await stat(file).catch(() => null);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Keep the file's mode (a config may be 0600 on purpose); a new one is private to the user.
  const handle = await open(tmp, 'wx', previous ? previous.mode & 0o777 : 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  let backup: string | null = null;
  try {
    if (previous) {
      backup = `${file}.bak`;
      await copyFile(file, backup);
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return backup;
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable on Linux; Windows cannot open a folder for fsync, and does not need to.
  if (process.platform === 'win32') return;
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
