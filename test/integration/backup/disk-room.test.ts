/**
 * Room on disk for a restore: where its work folder goes (restoreWorkDir: in the backup folder
 * when it has the room the backup needs, in the system's temporary folder when it has not and that
 * one has more), and a restore that cannot fit, refused before the safety backup and the stop
 * hook. The small file systems are tmpfs mounts of the test (root only).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { restoreWorkBytes, restoreWorkDir } from '../../../src-main/core/backup/backup-dir.js';
import { hookedService } from '../../unit/core/backup/fixtures.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const isRoot = process.getuid?.() === 0;

describe('room on disk for a restore', { skip: !isRoot && 'mounting needs root' }, () => {
  let dir: TempDir;
  const mounts: string[] = [];
  /** A new tmpfs of `size` (and at most `inodes` files and folders) at `name` in the test's folder. */
  const small = (name: string, size: string, inodes?: number) => {
    const folder = join(dir.path, name);
    mkdirSync(folder);
    const opts = inodes ? `size=${size},nr_inodes=${inodes}` : `size=${size}`;
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', folder]);
    mounts.push(folder);
    return folder;
  };
  before(async () => {
    dir = await tempDir('ccmon-bk-room-');
  });
  after(async () => {
    for (const m of mounts) execFileSync('umount', [m]);
    await dir?.cleanup();
  });

  it('the work folder stays in the backup folder when it has the room, and moves out when not', () => {
    const mnt = small('backups-room', '4m');
    const here = restoreWorkDir(mnt, 'list', 1024 * 1024);
    assert.equal(dirname(here), mnt);
    assert.match(here, /\/\.restore-\d+-list-/);
    rmSync(here, { recursive: true });

    // 100,000 entries need ~76 MiB: more than the 4 MiB tmpfs has.
    const elsewhere = restoreWorkDir(mnt, 'list', restoreWorkBytes(100_000));
    assert.equal(dirname(elsewhere), tmpdir());
    assert.match(elsewhere, /\/ccmon\.restore-\d+-list-/);
    assert.equal(statSync(elsewhere).mode & 0o777, 0o700, 'private, as in the backup folder');
    rmSync(elsewhere, { recursive: true });
  });

  it('a restore that cannot fit is refused before the safety backup and the stop hook', async () => {
    const live = small('live', '4m');
    const data = join(live, 'data.bin');
    writeFileSync(data, randomBytes(1536 * 1024));
    const { s, calls } = hookedService({ dir: dir.path, name: 'room', sources: [live] });
    const { backup } = await s.backup();
    // Changed since, and the disk filled up: the restore's new copy of data.bin has no room.
    const now = randomBytes(1536 * 1024);
    writeFileSync(data, now);
    writeFileSync(join(live, 'filler'), Buffer.alloc(2 * 1024 * 1024 + 256 * 1024));

    const dry = await s.restore({ ref: backup.id, to: null, dryRun: true });
    assert.equal(dry.ok, true);
    assert.match(
      dry.message,
      /1 changed.*; it would not fit: it writes 1\.5 MiB into .*live, whose file system has [\d.]+ KiB free$/,
    );
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.ok, false);
    assert.match(
      r.message,
      /^not enough space: this restore writes 1\.5 MiB into .*; nothing was changed$/,
    );
    assert.deepEqual(calls, [], 'the service was not stopped');
    assert.equal(r.safetyBackup, null);
    assert.deepEqual(
      s.list().map((b) => b.kind),
      ['manual'],
      'no safety backup was taken',
    );
    assert.deepEqual(readFileSync(data), now);

    rmSync(join(live, 'filler'));
    const roomy = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(roomy.ok, true, roomy.message);
  });

  it('a restore of more files than the file system has inodes for is refused the same way', async () => {
    const src = join(dir.path, 'many');
    for (let i = 0; i < 30; i++) {
      mkdirSync(join(src, `d${i % 3}`), { recursive: true });
      writeFileSync(join(src, `d${i % 3}`, `f${i}.log`), `line ${i}\n`);
    }
    const { s } = hookedService({ dir: dir.path, name: 'inodes', sources: [src] });
    const { backup } = await s.backup();
    // Plenty of bytes, room for 19 more entries (the root takes one of the 20): it needs 34.
    const to = small('few-inodes', '4m', 20);

    const dry = await s.restore({ ref: backup.id, to, dryRun: true });
    assert.equal(dry.ok, true);
    assert.deepEqual(
      dry.diff.space?.map((r) => [r.short, r.needInodes, r.freeInodes]),
      [[['inodes'], 34, 19]],
    );
    assert.match(
      dry.message,
      /; it would not fit: it writes 34 files and folders into .*few-inodes\/.*many, whose file system has room for 19 more$/,
    );
    const r = await s.restore({ ref: backup.id, to, dryRun: false });
    assert.equal(r.ok, false);
    assert.match(r.message, /^not enough space: this restore writes 34 files and folders into /);
    assert.deepEqual(readdirSync(to), [], 'nothing was written');

    const roomy = small('enough-inodes', '4m', 64);
    const fits = await s.restore({ ref: backup.id, to: roomy, dryRun: false });
    assert.equal(fits.ok, true, fits.message);
    assert.deepEqual(fits.diff.space?.[0]?.short, []);
  });
});
