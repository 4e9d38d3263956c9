/**
 * Where a restore's work folder goes (restoreWorkDir): in the backup folder when it has the room
 * the backup needs, in the system's temporary folder when it has not and that one has more. The
 * backup folder is a small tmpfs the test mounts (root only).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { restoreWorkBytes, restoreWorkDir } from '../../../src-main/core/backup/backup-dir.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const isRoot = process.getuid?.() === 0;

describe('a restore work folder', { skip: !isRoot && 'mounting needs root' }, () => {
  let dir: TempDir;
  let mnt: string | null = null;
  before(async () => {
    dir = await tempDir('ccmon-bk-workdir-');
    const folder = join(dir.path, 'backups');
    mkdirSync(folder);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', folder]);
    mnt = folder;
  });
  after(async () => {
    if (mnt) execFileSync('umount', [mnt]);
    await dir?.cleanup();
  });

  it('stays in the backup folder when it has the room, and moves out when it has not', () => {
    const here = restoreWorkDir(mnt!, 'list', 1024 * 1024);
    assert.equal(dirname(here), mnt);
    assert.match(here, /\/\.restore-\d+-list-/);
    rmSync(here, { recursive: true });

    // 100,000 entries need ~76 MiB: more than the 4 MiB tmpfs has.
    const elsewhere = restoreWorkDir(mnt!, 'list', restoreWorkBytes(100_000));
    assert.equal(dirname(elsewhere), tmpdir());
    assert.match(elsewhere, /\/ccmon\.restore-\d+-list-/);
    assert.equal(statSync(elsewhere).mode & 0o777, 0o700, 'private, as in the backup folder');
    rmSync(elsewhere, { recursive: true });
  });
});
