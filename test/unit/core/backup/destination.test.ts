/**
 * destinationMapper (destination.ts) appends a path in normal form to the --to folder without
 * path.join; whatever the path, the answer is exactly join's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { destinationMapper } from '../../../../src-main/core/backup/destination.js';

describe('destinationMapper', () => {
  const paths = [
    'fs/etc/claude-code/config.yaml',
    'fs/etc',
    'fs/',
    'fs/a//b',
    'fs/a/./b',
    'fs/./a',
    'fs/a/.',
    'fs/a/..',
    'fs/a/../b',
    'fs//a',
    'fs/a/',
    'fs/a/.hidden/..x/...',
    'fs/配置/ü.txt',
  ];

  for (const to of ['/restore/here', '/restore/here/', '/', 'relative/out'])
    it(`maps into ${to} exactly as path.join does`, () => {
      const map = destinationMapper(to, null);
      for (const p of paths) assert.equal(map(p), join(to, p.slice('fs/'.length)), p);
      assert.equal(map('dumps/db.sql'), join(to, 'dumps/db.sql'));
    });

  it('maps in place, and dumps into their folder', () => {
    const map = destinationMapper(null, '/var/dumps');
    if (process.platform !== 'win32') assert.equal(map('fs/etc/x'), '/etc/x');
    assert.equal(map('dumps/db.sql'), join('/var/dumps', 'db.sql'));
    assert.equal(map('manifest.json'), null);
  });
});
