/**
 * LineSpool, verify's work file for its entries and the archive's embedded manifest: bytes and
 * lines come back in the order appended, whether they were batched (small pieces, copied) or
 * written straight through (large pieces, after what was batched before them).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LineSpool } from '../../../../src-main/core/backup/line-spool.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

describe('LineSpool', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-line-spool-');
  });
  after(() => dir.cleanup());

  it('keeps the order of small (batched) and large (written through) pieces', () => {
    const spool = new LineSpool(join(dir.path, 'bytes'));
    const sizes = [100, 200 * 1024, 7, 3, 128 * 1024, 16 * 1024, 16 * 1024 - 1, 1];
    const expected: Buffer[] = [];
    for (const n of sizes) {
      const piece = randomBytes(n);
      expected.push(Buffer.from(piece));
      spool.appendBytes(piece);
      piece.fill(0); // the caller may reuse its buffer: what was appended must not change
    }
    spool.finish();
    assert.deepEqual(readFileSync(spool.path), Buffer.concat(expected));
    spool.close();
  });

  it('reads lines back across its 64 KiB reads, multi-byte characters included', () => {
    const spool = new LineSpool(join(dir.path, 'lines'));
    const lines = Array.from({ length: 5000 }, (_, i) => `{"path":"日志/${i}","n":${i}}`);
    for (const l of lines) spool.append(l);
    assert.deepEqual([...spool.lines()], lines);
    spool.close();
  });
});
