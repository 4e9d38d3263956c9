/**
 * A disk that fills between the two sidecars (manifest.json written, manifest.txt refused): the
 * backup fails, and nothing of it stays, the written sidecar included (it was left, listing an
 * archive that does not exist, until the next run removed it with a warning).
 */
import assert from 'node:assert/strict';
import type * as nodeFs from 'node:fs';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backupSetSchema } from '../../../../src-main/core/backup/config.js';
import { createBackup } from '../../../../src-main/core/backup/create.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

/** node:fs as CommonJS: what t.mock.method replaces, and syncBuiltinESMExports hands on. */
const fs = createRequire(import.meta.url)('node:fs') as typeof nodeFs;

describe('a full disk between the two sidecars', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-enospc-');
  });
  after(() => dir.cleanup());

  it('fails the backup and leaves nothing of it', async (t) => {
    const src = join(dir.path, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.conf'), 'a');
    const backups = join(dir.path, 'backups');
    const set = backupSetSchema.parse({ name: 'a', sources: [src], ccmonState: false });
    const open = fs.openSync;
    t.mock.method(fs, 'openSync', (path: nodeFs.PathLike, ...rest: unknown[]) => {
      if (String(path).endsWith('.manifest.txt.partial'))
        throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(path)}'`), {
          code: 'ENOSPC',
        });
      return (open as (...a: unknown[]) => number)(path, ...rest);
    });
    syncBuiltinESMExports();
    t.after(() => {
      t.mock.restoreAll();
      syncBuiltinESMExports();
    });
    await assert.rejects(
      createBackup({ set, config: backupConfig(), backupDir: backups }),
      /no space left on the device/,
    );
    t.mock.restoreAll();
    syncBuiltinESMExports();
    assert.deepEqual(readdirSync(backups), []);
  });
});
