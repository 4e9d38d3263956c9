import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CommandRunner } from '../../../../src-main/core/backup/hooks.js';
import { systemdRunning } from '../../../../src-main/core/backup/hooks.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, writeTree } from './fixtures.js';

describe('restore in place: safety backup, hooks, verification, rollback', () => {
  let dir: TempDir;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-restore-');
    src = join(dir.path, 'etc', 'claude-code');
  });
  after(() => dir.cleanup());

  /** A command runner that records the hooks and answers `is-active` as told. */
  function recorder(active: () => boolean): { calls: string[]; run: CommandRunner } {
    const calls: string[] = [];
    return {
      calls,
      run: async (cmd) => {
        calls.push(cmd.join(' '));
        if (cmd.includes('is-active'))
          return { code: active() ? 0 : 3, output: active() ? '' : 'inactive' };
        return { code: 0, output: '' };
      },
    };
  }

  function service(
    name: string,
    run: CommandRunner,
    healthy: () => boolean,
    sources: (string | { path: string; exclude: string[] })[] = [src],
    inProcess = false,
  ) {
    const config = backupConfig({
      directory: join(dir.path, `backups-${name}`),
      sets: [{ name, sources, ccmonState: false }],
      restore: {
        stopCommand: ['systemctl', 'stop', 'claude-code'],
        startCommand: ['systemctl', 'start', 'claude-code'],
        activeCommand: ['systemctl', 'is-active', '--quiet', 'claude-code'],
        settleSeconds: 0,
      },
    });
    return new BackupService({
      config,
      dataDir: join(dir.path, 'data'),
      configFile: null,
      run,
      inProcess,
      healthCheck: async () => ({
        healthy: healthy(),
        summary: healthy() ? 'api healthy' : 'GET /health: HTTP 503',
      }),
    });
  }

  it('dry run lists added, changed and removed files and changes nothing', async () => {
    writeTree(src, [
      { path: 'a.conf', content: 'v1' },
      { path: 'b.conf', content: 'same' },
      { path: 'gone.conf', content: 'will be deleted' },
    ]);
    const rec = recorder(() => true);
    const s = service('dry', rec.run, () => true);
    const { backup } = await s.backup();
    writeFileSync(join(src, 'a.conf'), 'v2 longer');
    writeFileSync(join(src, 'new.conf'), 'added after the backup');
    (await import('node:fs')).rmSync(join(src, 'gone.conf'));
    const r = await s.restore({ ref: backup.id, to: null, dryRun: true });
    assert.deepEqual(r.diff.changed, [join(src, 'a.conf')]);
    assert.deepEqual(r.diff.added, [join(src, 'gone.conf')]);
    assert.deepEqual(r.diff.removed, [join(src, 'new.conf')]);
    assert.equal(readFileSync(join(src, 'a.conf'), 'utf8'), 'v2 longer');
    assert.deepEqual(rec.calls, [], 'no hooks in a dry run');
  });

  it('restores in place: safety backup first, stop → extract → start → is-active + health', async () => {
    const rec = recorder(() => true);
    const s = service('ok', rec.run, () => true);
    writeTree(src, [{ path: 'a.conf', content: 'good' }]);
    const { backup } = await s.backup();
    writeFileSync(join(src, 'a.conf'), 'broken by a bad deploy');
    writeFileSync(join(src, 'stray.conf'), 'not in the backup');
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.ok, true, r.message);
    assert.equal(readFileSync(join(src, 'a.conf'), 'utf8'), 'good');
    assert.equal(
      existsSync(join(src, 'stray.conf')),
      false,
      'files the backup did not have are removed',
    );
    assert.deepEqual(rec.calls, [
      'systemctl stop claude-code',
      'systemctl start claude-code',
      'systemctl is-active --quiet claude-code',
    ]);
    assert.ok(r.safetyBackup);
    const safety = s.list().find((b) => b.id === r.safetyBackup)!;
    assert.equal(safety.kind, 'safety');
    assert.deepEqual(
      r.steps.map((x) => `${x.name}:${x.status}`),
      ['stop:ok', 'start:ok', 'active:ok', 'health:ok'],
    );
  });

  it('removes folders the backup did not have, but not one holding what its globs leave out', async () => {
    const root = join(dir.path, 'folders');
    writeTree(root, [{ path: 'keep/a.conf', content: 'a' }]);
    const s = service('folders', recorder(() => true).run, () => true, [
      { path: root, exclude: ['*.tmp'] },
    ]);
    const { backup } = await s.backup();
    writeTree(root, [
      { path: 'new/deeper/x.conf', content: 'x' },
      { path: 'mixed/y.conf', content: 'y' },
      { path: 'mixed/scratch.tmp', content: 'left out by the globs' },
    ]);
    const plan = await s.restore({ ref: backup.id, to: null, dryRun: true });
    assert.deepEqual(
      plan.diff.removed,
      ['mixed', 'mixed/y.conf', 'new', 'new/deeper', 'new/deeper/x.conf'].map((p) => join(root, p)),
    );
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.ok, true, r.message);
    assert.equal(existsSync(join(root, 'new')), false, 'the new folders are gone, deepest first');
    assert.deepEqual(readdirSync(join(root, 'mixed')), ['scratch.tmp'], 'the excluded file stays');
    assert.equal(readFileSync(join(root, 'keep', 'a.conf'), 'utf8'), 'a');
  });

  // On workers as in the agent, and on this thread as in the CLI (BackupServiceOptions.inProcess).
  for (const inProcess of [false, true])
    it(`rolls back to the safety backup when the health check fails after the restore${inProcess ? ' (on this thread)' : ''}`, async () => {
      let restored = false;
      const rec = recorder(() => true);
      const s = service(`rollback-${inProcess}`, rec.run, () => !restored, [src], inProcess);
      writeTree(src, [{ path: 'a.conf', content: 'old config' }]);
      const { backup } = await s.backup();
      writeFileSync(join(src, 'a.conf'), 'current working config');
      writeFileSync(join(src, 'added-since.conf'), 'kept by the rollback');
      // The health check fails only while the restored (old) config is live.
      const unhealthy = s.restore({ ref: backup.id, to: null, dryRun: false });
      restored = true;
      const r = await unhealthy;
      assert.equal(r.ok, false);
      assert.equal(r.rolledBack, true);
      assert.match(r.message, /rolled back to the safety backup/);
      assert.equal(readFileSync(join(src, 'a.conf'), 'utf8'), 'current working config');
      assert.equal(readFileSync(join(src, 'added-since.conf'), 'utf8'), 'kept by the rollback');
      assert.deepEqual(rec.calls, [
        'systemctl stop claude-code',
        'systemctl start claude-code',
        'systemctl is-active --quiet claude-code',
        'systemctl stop claude-code',
        'systemctl start claude-code',
        'systemctl is-active --quiet claude-code',
      ]);
    });

  it('rolls back when the service does not come back active', async () => {
    let calls = 0;
    const rec = recorder(() => ++calls > 1); // inactive after the restore, active after the rollback
    const s = service('inactive', rec.run, () => true);
    writeTree(src, [{ path: 'a.conf', content: 'v-old' }]);
    const { backup } = await s.backup();
    writeFileSync(join(src, 'a.conf'), 'v-now');
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.rolledBack, true);
    assert.equal(readFileSync(join(src, 'a.conf'), 'utf8'), 'v-now');
    assert.ok(r.steps.some((x) => x.name === 'active' && x.status === 'failed'));
  });

  it(
    'without systemd the default systemctl hooks are skipped with a clear message',
    { skip: systemdRunning() ? 'systemd runs here' : false },
    async () => {
      const config = backupConfig({
        directory: join(dir.path, 'backups-nosd'),
        sets: [{ name: 'nosd', sources: [src], ccmonState: false }],
      });
      config.restore = {
        ...config.restore,
        stopCommand: ['systemctl', 'stop', 'claude-code'],
        startCommand: ['systemctl', 'start', 'claude-code'],
        activeCommand: ['systemctl', 'is-active', '--quiet', 'claude-code'],
        settleSeconds: 5,
      };
      const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
      const { backup } = await s.backup();
      const t0 = Date.now();
      const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
      assert.equal(r.ok, true, r.message);
      const stop = r.steps.find((x) => x.name === 'stop')!;
      assert.equal(stop.status, 'skipped');
      assert.match(
        stop.message,
        /systemd is not running on this machine .*backup\.restore\.stopCommand/,
      );
      assert.ok(Date.now() - t0 < 4000, 'no settle wait when the start hook was skipped');
    },
  );
});
