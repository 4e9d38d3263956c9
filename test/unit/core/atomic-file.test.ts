import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  readJsonOr,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
} from '../../../src-main/core/atomic-file.js';
import { createLogger } from '../../../src-main/core/log.js';
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

  describe('JSON state files', () => {
    it('writes a value into a folder it makes, owner-only, and reads it back', () => {
      const file = join(dir.path, 'made', 'for', 'state.json');
      writeJsonAtomic(file, { silences: [{ id: 'a' }] });
      assert.equal(statSync(join(dir.path, 'made')).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readJsonOr(file, {}, createLogger('t', { write: () => {} })), {
        silences: [{ id: 'a' }],
      });
    });

    it('returns the empty state for a missing file, without a warning', () => {
      const lines: string[] = [];
      const empty = { entries: [] };
      const got = readJsonOr(
        join(dir.path, 'none.json'),
        empty,
        createLogger('t', { write: (l) => lines.push(l) }),
      );
      assert.equal(got, empty);
      assert.deepEqual(lines, []);
    });

    it('keeps a corrupt file aside, says where, and starts empty', () => {
      const file = join(dir.path, 'nflog.json');
      writeFileSync(file, '{"half": ');
      const lines: string[] = [];
      const got = readJsonOr(file, [], createLogger('t', { write: (l) => lines.push(l) }));
      assert.deepEqual(got, []);
      const aside = readdirSync(dir.path).filter((n) => n.startsWith('nflog.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(dir.path, aside[0]!), 'utf8'), '{"half": ');
      assert.equal(lines.length, 1);
      assert.match(
        lines[0]!,
        /warn .*nflog\.json was corrupt \(.+\); kept it as .*nflog\.json\.corrupt-\d+ and started empty/,
      );
    });

    it('throws what is not a missing file (a folder in its place), touching nothing', () => {
      const file = join(dir.path, 'a-folder.json');
      mkdirSync(file);
      assert.throws(() => readJsonOr(file, {}, createLogger('t', { write: () => {} })), {
        code: 'EISDIR',
      });
      assert.ok(statSync(file).isDirectory());
    });
  });
});
