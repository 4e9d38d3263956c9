/**
 * A file swapped for something else between the walk's lstat and its read, by whoever can write
 * the source folder: the archive writer never follows a symlink to a file outside the source (a
 * root backup would archive it under the log's name), never blocks opening a FIFO, and archives a
 * regular file with the mode and owner of the bytes it read.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveStream } from '../../../../src-main/core/backup/archive-writer.js';
import { releaseBlock } from '../../../../src-main/core/backup/blocks.js';
import type { ManifestFile } from '../../../../src-main/core/backup/manifest.js';
import { ManifestSpool } from '../../../../src-main/core/backup/manifest-spool.js';
import { planDirectorySource } from '../../../../src-main/core/backup/sources.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const asRoot = process.getuid?.() === 0;

/** Plans `source` (the walk done), lets `swap` change it, then archives what was planned. */
async function archiveAfterSwap(dir: string, source: string, swap: () => void) {
  const planned = planDirectorySource({ path: source, include: [], exclude: [] });
  swap();
  const spool = new ManifestSpool(join(dir, `spool-${Math.random()}.json`));
  const state = { spool, warnings: [] as string[], filesDone: 0, bytesDone: 0 };
  const tarPath = join(dir, `out-${Math.random()}.tar`);
  const fd = openSync(tarPath, 'w');
  try {
    for await (const block of archiveStream({
      entries: planned.entries,
      state,
      finish: () => {
        spool.finish();
        return { json: { size: 2, chunks: () => [Buffer.from('{}')] }, text: '' };
      },
    })) {
      writeSync(fd, block);
      releaseBlock(block);
    }
    // Records are joined by ",\n"; each chunk is a view of one reused buffer, so copy it.
    const text = [...spool.records()].map((c) => c.toString()).join('');
    const records = JSON.parse(`[${text}]`) as ManifestFile[];
    return {
      tar: readFileSync(tarPath),
      records,
      warnings: state.warnings,
      report: planned.report,
    };
  } finally {
    closeSync(fd);
    spool.close();
  }
}

describe('archive writer: a file swapped after the walk looked at it', () => {
  let dir: TempDir;
  let n = 0;
  /** A source folder holding app.log (0644) and keep.log, and a secret outside it. */
  const setup = () => {
    const root = join(dir.path, `case-${n++}`);
    const source = join(root, 'logs');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'app.log'), 'an ordinary log line\n', { mode: 0o644 });
    writeFileSync(join(source, 'keep.log'), 'kept\n');
    const secret = join(root, 'shadow');
    writeFileSync(secret, 'TOP-SECRET-HASH\n', { mode: 0o600 });
    return { source, log: join(source, 'app.log'), secret };
  };
  before(async () => {
    dir = await tempDir('ccmon-bk-swapped-');
  });
  after(() => dir.cleanup());

  it('does not follow a symlink put in its place to a file outside the source', async () => {
    const { source, log, secret } = setup();
    const r = await archiveAfterSwap(dir.path, source, () => {
      rmSync(log);
      symlinkSync(secret, log);
    });
    assert.equal(r.tar.includes('TOP-SECRET-HASH'), false, 'the secret is not in the archive');
    assert.deepEqual(r.warnings, [`${log}: replaced by a symlink before it was read; skipped`]);
    const paths = r.records.map((f) => f.path);
    assert.ok(!paths.some((p) => p.endsWith('/app.log')), paths.join(' '));
    assert.ok(
      paths.some((p) => p.endsWith('/keep.log')),
      'the rest is archived',
    );
    assert.ok(r.tar.includes('kept\n'));
    // The source's count is what was archived, not what the walk listed.
    assert.equal(r.report.files, 1);
    assert.equal(r.report.bytes, 'kept\n'.length);
  });

  it('does not wait on a FIFO put in its place', async () => {
    const { source, log } = setup();
    // A plain open() of a FIFO waits for a writer, with the whole backup. This writer looks after
    // 2 s, without waiting itself: finding a reader there means the archive writer was stuck (it
    // then lets it go on, so the test ends either way).
    const probe = spawn('python3', [
      '-c',
      `import os, sys, time
time.sleep(2)
try:
    os.close(os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK))
    print('a reader was waiting')
except OSError:
    print('nobody was waiting')`,
      log,
    ]);
    let said = '';
    probe.stdout.on('data', (d) => (said += d));
    const probed = once(probe, 'close');
    const r = await archiveAfterSwap(dir.path, source, () => {
      rmSync(log);
      execFileSync('mkfifo', [log]);
    });
    await probed;
    assert.equal(said.trim(), 'nobody was waiting');
    assert.deepEqual(r.warnings, [`${log}: changed type before it was read (now: FIFO); skipped`]);
    assert.ok(r.records.some((f) => f.path.endsWith('/keep.log')));
  });

  it('archives a folder put in its place as nothing, with a warning', async () => {
    const { source, log } = setup();
    const r = await archiveAfterSwap(dir.path, source, () => {
      rmSync(log);
      mkdirSync(log);
    });
    assert.deepEqual(r.warnings, [
      `${log}: changed type before it was read (now: folder); skipped`,
    ]);
  });

  it('records the mode and owner of the file it read, not of the one it planned', async () => {
    const { source, log } = setup();
    const r = await archiveAfterSwap(dir.path, source, () => {
      const next = `${log}.new`;
      writeFileSync(next, 'rotated in\n');
      chmodSync(next, 0o600);
      if (asRoot) chownSync(next, 4321, 4321);
      renameSync(next, log);
    });
    assert.deepEqual(r.warnings, []);
    const rec = r.records.find((f) => f.path.endsWith('/app.log'))!;
    const st = statSync(log);
    assert.equal(rec.mode, 0o600);
    assert.equal(rec.uid, st.uid);
    assert.equal(rec.gid, st.gid);
    assert.equal(rec.size, 'rotated in\n'.length);
    // GNU tar sees the same mode and owner in the entry's header.
    const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], { input: r.tar })
      .toString()
      .split('\n')
      .find((l) => l.endsWith('/app.log'))!;
    assert.match(listing, /^-rw------- /);
    if (asRoot) assert.match(listing, / 4321\/4321 /);
  });
});
