/** FileSha256 (sha256.ts) gives createHash's digest however a file's bytes arrive, file after file. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { FileSha256 } from '../../../../src-main/core/backup/sha256.js';

const reference = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('FileSha256', () => {
  it('one piece, several pieces, no bytes: the same digest as a Hash object, reused', () => {
    const sha = new FileSha256();
    const data = randomBytes(100_000);
    for (const pieces of [[data], [data.subarray(0, 1), data.subarray(1)], [], [data]]) {
      const whole = Buffer.concat(pieces);
      sha.start(whole.length);
      for (const p of pieces) sha.update(p);
      assert.equal(sha.hex(), reference(whole), `${pieces.length} piece(s)`);
    }
  });

  it('a first piece shorter than the file is not taken for the whole file', () => {
    const sha = new FileSha256();
    sha.start(6);
    sha.update(Buffer.from('abc'));
    sha.update(Buffer.from('def'));
    assert.equal(sha.hex(), reference(Buffer.from('abcdef')));
  });
});
