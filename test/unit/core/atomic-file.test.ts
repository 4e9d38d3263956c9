import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src-main/core/atomic-file.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const variants = [
  [
    'writeFileAtomicSync',
    async (...a: Parameters<typeof writeFileAtomicSync>) => writeFileAtomicSync(...a),
  ],
  ['writeFileAtomic', writeFileAtomic],
] as const;

describe('atomic files', () => {
  let dir: TempDir;
  before(async () => (dir = await tempDir()));
  after(() => dir.cleanup());

  for (const [name, write] of variants) {
    describe(name, () => {
      it('replaces the file whole, 0600 by default, with nothing left beside it', async () => {
        const file = join(dir.path, `${name}-state.json`);
        writeFileSync(file, 'old', { mode: 0o644 });
        await write(file, '{"new":true}');
        assert.equal(readFileSync(file, 'utf8'), '{"new":true}');
        assert.equal(statSync(file).mode & 0o777, 0o600);
        await write(file, Buffer.from('bytes'), { mode: 0o640, flush: false });
        assert.equal(readFileSync(file, 'utf8'), 'bytes');
        assert.equal(statSync(file).mode & 0o777, 0o640);
        assert.deepEqual(
          readdirSync(dir.path).filter((n) => n.startsWith(`${name}-state.json`)),
          [`${name}-state.json`],
        );
      });

      it("gives a crash's leftover temporary file the mode asked for, not the one it had", async () => {
        const file = join(dir.path, `${name}-secret.json`);
        writeFileSync(`${file}.tmp-${process.pid}`, 'a crash left this', { mode: 0o666 });
        await write(file, 'secret');
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.equal(readFileSync(file, 'utf8'), 'secret');
      });

      it('keeps the old file and removes its temporary one when the rename fails', async () => {
        // A folder in the way (with something in it) refuses the rename: as a full disk would
        // refuse the write, the error reaches the caller and nothing is left half done.
        const file = join(dir.path, `${name}-blocked`);
        mkdirSync(join(file, 'inside'), { recursive: true });
        await assert.rejects(
          Promise.resolve().then(() => write(file, 'new')),
          (err: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code!),
        );
        assert.deepEqual(readdirSync(file), ['inside']);
        assert.deepEqual(
          readdirSync(dir.path).filter((n) => n.startsWith(`${name}-blocked.tmp`)),
          [],
        );
      });
    });
  }
});
