/**
 * The two ways a backup dies: kill -9 in the middle (nothing looks complete; the next run cleans
 * up and succeeds) and a full disk (a small tmpfs mounted by the test: a clear message, the
 * partial file removed, and nothing thrown after the failure: the gzip blocks still in flight when
 * the disk filled up once killed the backup worker before it could report and clean up).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Compression } from '../../../src-main/core/backup/compress.js';
import { backupConfigSchema } from '../../../src-main/core/backup/config.js';
import { createBackup } from '../../../src-main/core/backup/create.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { ccmon, startCcmon } from './cli.js';

const isRoot = process.getuid?.() === 0;

describe('interrupted and failing backups', () => {
  let dir: TempDir;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-crash-');
    src = join(dir.path, 'src');
    mkdirSync(src);
    // Incompressible data so the backup takes long enough to be killed in the middle.
    for (let i = 0; i < 12; i++)
      writeFileSync(join(src, `blob-${i}.bin`), randomBytes(8 * 1024 * 1024));
  });
  after(() => dir.cleanup());

  const config = (name: string, backupDir: string, compression: Compression = 'gzip') => {
    const file = join(dir.path, `${name}.yaml`);
    writeFileSync(
      file,
      `version: 1\nbackup:\n  directory: ${backupDir}\n  compression: ${compression}\n  sets:\n    - name: ${name}\n      sources: [${src}]\n      ccmonState: false\n`,
    );
    return file;
  };

  it('kill -9 mid-backup leaves nothing marked complete; the next run removes the leftover and succeeds', async () => {
    const backups = join(dir.path, 'backups-kill');
    const cfg = config('kill', backups);
    const env = { CCMON_DATA_DIR: join(dir.path, 'data') };
    const child = startCcmon(['--config', cfg, 'backup'], env);
    const partial = await waitFor(
      'a partial archive with data in it',
      async () => {
        const p = readdirSync(backups, { withFileTypes: true }).find((e) =>
          e.name.endsWith('.partial'),
        );
        return p && statSync(join(backups, p.name)).size > 1024 * 1024 ? p.name : null;
      },
      30_000,
      20,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    assert.ok(readdirSync(backups).includes(partial), 'the killed run left its partial file');
    const listed = await ccmon(['--config', cfg, '--json', 'backups'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).backups, [], 'nothing is listed as a backup');
    const verify = await ccmon(['--config', cfg, 'verify', join(backups, partial)], env);
    assert.notEqual(verify.code, 0, 'the partial archive does not verify');

    const again = await ccmon(['--config', cfg, '--json', 'backup'], env);
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout);
    assert.ok(
      result.warnings.some((w: string) => w.includes(partial) && /leftover/.test(w)),
      result.warnings.join('\n'),
    );
    const names = readdirSync(backups);
    assert.equal(
      names.filter((n) => n.endsWith('.partial') || n.startsWith('.staging')).length,
      0,
      names.join(', '),
    );
    const ok = await ccmon(['--config', cfg, 'verify', result.id], env);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('killed after the sidecar was written but before the commit rename: not listed, cleaned, next run succeeds', async () => {
    const backups = join(dir.path, 'backups-commit');
    const cfg = config('commit', backups);
    const env = { CCMON_DATA_DIR: join(dir.path, 'data') };
    const killed = await ccmon(['--config', cfg, 'backup'], {
      ...env,
      CCMON_CRASH_AT: 'backup-before-commit',
    });
    assert.equal(killed.code, null, `killed (exit ${killed.code}: ${killed.stderr})`);
    const left = readdirSync(backups);
    assert.ok(
      left.some((n) => n.endsWith('.manifest.json')),
      'the sidecar was written',
    );
    assert.ok(
      left.some((n) => n.endsWith('.partial')),
      'the archive was still partial',
    );
    const listed = await ccmon(['--config', cfg, '--json', 'backups'], env);
    assert.deepEqual(JSON.parse(listed.stdout).backups, [], 'a sidecar alone is no backup');
    const again = await ccmon(['--config', cfg, '--json', 'backup'], env);
    assert.equal(again.code, 0, again.stderr);
    const names = readdirSync(backups);
    assert.equal(names.filter((n) => n.endsWith('.manifest.json')).length, 1, names.join(', '));
    assert.equal(names.filter((n) => n.endsWith('.partial')).length, 0, names.join(', '));
  });

  // gzip compresses in this process; zstd is a child writing the archive itself, which dies on the
  // full disk (its stdin then fails with EPIPE, which must not hide why).
  for (const compression of ['gzip', 'zstd'] as const)
    it(
      `a full disk fails cleanly with a clear message and removes the partial archive (${compression})`,
      { skip: isRoot ? false : 'mounting a tmpfs needs root' },
      async () => {
        const mnt = join(dir.path, `small-disk-${compression}`);
        mkdirSync(mnt);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
        const clearMessage =
          /no space left on the device holding .*small-disk.* after writing [1-9][\d.]* MiB; the partial archive was removed/;
        try {
          const cfg = config(`full-${compression}`, mnt, compression);
          const r = await ccmon(['--config', cfg, 'backup'], {
            CCMON_DATA_DIR: join(dir.path, 'data'),
          });
          assert.equal(r.code, 1);
          assert.match(r.stderr, clearMessage);
          assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
          const left = readdirSync(mnt);
          assert.deepEqual(
            left.filter((n) => !n.startsWith('.ccmon-backup.lock')),
            [],
            `left behind: ${left.join(', ')}`,
          );
          assert.equal(statSync(mnt).isDirectory(), true);

          // The same on this thread (no worker to die quietly): the full disk is the one error,
          // and nothing is thrown after it while the compressor's last blocks come back.
          const uncaught: string[] = [];
          const onUncaught = (err: Error) => uncaught.push(err.message);
          process.on('uncaughtException', onUncaught);
          try {
            const backup = backupConfigSchema.parse({
              directory: mnt,
              compression,
              sets: [{ name: 'full', sources: [src], ccmonState: false }],
            });
            await assert.rejects(
              createBackup({ set: backup.sets[0]!, config: backup, backupDir: mnt }),
              clearMessage,
            );
            await new Promise((r) => setTimeout(r, 500));
          } finally {
            process.off('uncaughtException', onUncaught);
          }
          assert.deepEqual(uncaught, [], 'nothing thrown after the failure');
          assert.deepEqual(
            readdirSync(mnt).filter((n) => !n.startsWith('.ccmon-backup.lock')),
            [],
          );
        } finally {
          execFileSync('umount', [mnt]);
        }
      },
    );
});
