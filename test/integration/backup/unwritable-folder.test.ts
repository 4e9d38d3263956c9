/**
 * Backups in a folder this process cannot write now (a read-only mount, a snapshot, a full disk):
 * listing, verifying, a dry run and a restore --to work from it, as restic's --no-lock does; a
 * restore in place, which must write its safety backup there first, is refused saying why; a prune
 * frees a full one. The folder is a tmpfs the test mounts, then remounts read-only or fills up
 * (root only).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { ccmon, type CliResult } from './cli.js';

const isRoot = process.getuid?.() === 0;

for (const c of [
  {
    name: 'read-only',
    spoil: (mnt: string) => execFileSync('mount', ['-o', 'remount,ro', mnt]),
    why: /cannot be written \(read-only file system\): make it writable, or restore into another folder with --to DIR/,
    backup:
      /cannot write the backup folder .*: it is on a read-only file system \(EROFS\); make it writable/,
    prune: (r: CliResult) => {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /cannot write the backup folder .*: it is on a read-only file system/);
    },
  },
  {
    name: 'full',
    // dd stops at the tmpfs's size: No space left on device, its exit status 1.
    spoil: (mnt: string) => {
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=1M'], {
          stdio: 'ignore',
        });
      } catch {
        // the disk is full, as wanted
      }
    },
    why: /cannot be written \(no space left on its file system\): free some space there, or restore into another folder with --to DIR/,
    backup:
      /cannot write the backup folder .*: no space left on its file system \(ENOSPC\); free some \(`ccmon prune` removes what the retention policy lets go\)/,
    // When a prune is needed most: its lock file does not fit, and it runs without.
    prune: (r: CliResult) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /note: the backup folder .* is full: pruned without its lock file/);
      assert.match(r.stderr, /removed 1 backup\(s\)/);
    },
  },
])
  describe(
    `a backup folder on a ${c.name} file system`,
    { skip: !isRoot && 'mounting needs root' },
    () => {
      let dir: TempDir;
      let mnt: string | null = null;
      let src: string;
      let cfg: string;
      let env: Record<string, string>;
      const run = (...args: string[]) => ccmon(['--config', cfg, ...args], env);
      /** The CLI's own temporary folder (TMPDIR): restoreWorkDir's work folders go there. */
      let tmp: string;

      before(async () => {
        dir = await tempDir(`ccmon-bk-${c.name}-`);
        src = join(dir.path, 'etc', 'claude-code');
        mkdirSync(src, { recursive: true });
        writeFileSync(join(src, 'settings.json'), '{"model":"opus"}\n');
        cfg = join(dir.path, 'ccmon.yaml');
        const folder = join(dir.path, 'mnt');
        writeFileSync(
          cfg,
          [
            'version: 1',
            'backup:',
            `  directory: ${join(folder, 'backups')}`,
            '  compression: zstd',
            '  encryption: { enabled: true }', // its manifest is spooled into a work folder to be read
            '  restore: { stopCommand: null, startCommand: null, activeCommand: null }',
            '  retention: { keepLast: 1, keepWithin: null }',
            '  sets:',
            `    - { name: cc, sources: [${src}], ccmonState: false }`,
            '',
          ].join('\n'),
        );
        tmp = join(dir.path, 'tmp');
        mkdirSync(tmp);
        env = {
          TMPDIR: tmp,
          CCMON_DATA_DIR: join(dir.path, 'data'),
          CCMON_BACKUP_PASSPHRASE: 'correct horse battery staple',
        };
        mkdirSync(folder);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', folder]);
        mnt = folder;
        for (let i = 0; i < 2; i++) {
          const b = await run('backup');
          assert.equal(b.code, 0, b.stderr);
        }
        c.spoil(folder);
      });
      after(async () => {
        if (mnt) execFileSync('umount', [mnt]);
        await dir?.cleanup();
      });

      it('lists, verifies and shows a dry run without writing there', async () => {
        const ls = await run('ls', 'latest');
        assert.equal(ls.code, 0, ls.stderr);
        assert.match(ls.stdout, /settings\.json/);
        const verify = await run('verify', 'latest');
        assert.equal(verify.code, 0, verify.stderr);
        const dry = await run('restore', 'latest', '--dry-run');
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stderr, /in place: 0 added, 0 changed, 0 removed/);
        assert.deepEqual(
          readdirSync(tmp).filter((n) => n.startsWith('ccmon.restore-')), // not tsx's cache
          [],
          'the work folders in TMPDIR are removed',
        );
      });

      it('restores into another folder, and refuses in place saying why', async () => {
        const to = join(dir.path, 'restored');
        const r = await run('restore', 'latest', '--to', to, '--yes');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(readFileSync(join(to, src, 'settings.json'), 'utf8'), '{"model":"opus"}\n');

        writeFileSync(join(src, 'settings.json'), 'broken');
        const inPlace = await run('restore', 'latest', '--yes');
        assert.equal(inPlace.code, 2, inPlace.stderr);
        assert.match(
          inPlace.stderr,
          /a restore in place first writes a safety backup into the backup folder .*mnt\/backups, which /,
        );
        assert.match(inPlace.stderr, c.why);
        assert.equal(readFileSync(join(src, 'settings.json'), 'utf8'), 'broken', 'nothing written');
      });

      it('a backup fails saying why and what to do, and leaves nothing there', async () => {
        const before = readdirSync(join(mnt!, 'backups')).sort();
        const r = await run('backup');
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, c.backup);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.deepEqual(readdirSync(join(mnt!, 'backups')).sort(), before);
      });

      it('prune: what it can do there', async () => {
        c.prune(await run('prune'));
      });
    },
  );
