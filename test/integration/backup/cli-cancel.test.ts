/**
 * Ctrl-C (SIGINT) or SIGTERM during `ccmon backup` cancels the run: it exits as a shell reports a
 * command ended by that signal (130, 143), saying so, and leaves no partial archive, staging
 * folder or lock behind (they stayed, with their disk space, until the next backup or prune).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startCcmon } from './cli.js';

describe('ccmon backup cancelled by a signal', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-cli-cancel-');
    const src = join(dir.path, 'src');
    mkdirSync(src);
    // Incompressible, so the run lasts long enough to be interrupted with its archive half written.
    for (let i = 0; i < 8; i++) writeFileSync(join(src, `blob-${i}.bin`), randomBytes(24 << 20));
  });
  after(() => dir.cleanup());

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: exit ${code}, nothing left in the backup folder`, async () => {
      const backups = join(dir.path, `backups-${signal}`);
      const cfg = join(dir.path, `${signal}.json`);
      writeFileSync(
        cfg,
        JSON.stringify({
          version: 1,
          backup: {
            directory: backups,
            sets: [{ name: 'big', sources: [join(dir.path, 'src')], ccmonState: false }],
          },
        }),
      );
      const child = startCcmon(['--config', cfg, 'backup'], {
        CCMON_DATA_DIR: join(dir.path, `data-${signal}`),
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      await waitFor('the partial archive', async () =>
        existsSync(backups) ? readdirSync(backups).some((n) => n.endsWith('.partial')) : false,
      );
      child.kill(signal);
      assert.equal(await closed, code, stderr);
      assert.match(stderr, /ccmon: backup cancelled; the partial archive was removed/);
      assert.deepEqual(readdirSync(backups), [], 'no partial, staging folder or lock');
    });
  }
});
