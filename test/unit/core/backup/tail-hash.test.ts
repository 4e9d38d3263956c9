/**
 * TailHash (tail-hash.ts): the sha256 of a file hashed while another writer still appends to it
 * must equal the hash of the finished file, however the appends and the catch-ups interleave.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TailHash } from '../../../../src-main/core/backup/tail-hash.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('TailHash', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-tailhash-');
  });
  after(() => dir.cleanup());

  it('hashes appends as they land, in pieces of any size, and the rest at finish', () => {
    const file = join(dir.path, 'growing.bin');
    writeFileSync(file, '');
    const tail = new TailHash(file);
    tail.catchUp(); // nothing written yet
    for (const n of [1, 511, 300_000, 0, 7, 1 << 20]) {
      appendFileSync(file, randomBytes(n));
      if (n % 2 === 1) tail.catchUp(); // some appends are caught up at once, some later
    }
    appendFileSync(file, randomBytes(12345));
    const whole = readFileSync(file);
    assert.deepEqual(tail.finish(), { sizeBytes: whole.length, sha256: sha256(whole) });
  });

  it('matches the file a real zstd process wrote while being caught up', async () => {
    const file = join(dir.path, 'out.zst');
    const fd = openSync(file, 'wx', 0o600);
    const tail = new TailHash(file);
    const child = spawn('zstd', ['-q', '-T0', '-1', '--no-sparse', '-c'], {
      stdio: ['pipe', fd, 'inherit'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    for (let i = 0; i < 16; i++) {
      await new Promise<void>((r) => child.stdin!.write(randomBytes(256 * 1024), () => r()));
      tail.catchUp();
    }
    child.stdin!.end();
    assert.equal(await exited, 0);
    const whole = readFileSync(file);
    assert.ok(whole.length > 4 << 20, 'random data stays about its size');
    assert.deepEqual(tail.finish(), { sizeBytes: whole.length, sha256: sha256(whole) });
  });

  it('close() without finish() releases the descriptor and later calls are no-ops', () => {
    const file = join(dir.path, 'closed.bin');
    writeFileSync(file, 'abc');
    const tail = new TailHash(file);
    tail.close();
    tail.close();
    tail.catchUp();
  });
});
