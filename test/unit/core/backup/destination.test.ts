/**
 * destinationMapper (destination.ts) appends a path in normal form to the --to folder without
 * path.join; whatever the path, the answer is exactly join's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  destinationMapper,
  livePath,
  selects,
} from '../../../../src-main/core/backup/destination.js';

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

  it('with only: a chosen entry, all it holds, and the folders above it; nothing else', () => {
    const map = destinationMapper('/r', null, ['fs/etc/cc/agents', 'fs/etc/cc/settings.json']);
    const restored = [
      'fs/etc',
      'fs/etc/cc',
      'fs/etc/cc/agents',
      'fs/etc/cc/agents/a.md',
      'fs/etc/cc/agents/sub/b.md',
      'fs/etc/cc/settings.json',
    ];
    const left = [
      'fs/etc/cc/agents-old/a.md', // a sibling whose name starts the same
      'fs/etc/cc/settings.json.bak',
      'fs/etc/cc/other.json',
      'fs/var/log/x.log',
      'dumps/db.sql',
    ];
    for (const p of restored) assert.equal(map(p), join('/r', p.slice('fs/'.length)), p);
    for (const p of left) assert.equal(map(p), null, p);
    assert.equal(selects('fs/etc/cc', 'fs/etc/cc'), true);
    assert.equal(selects('fs/etc/cc', 'fs/etc/c'), false);
  });

  it('names an archive path by where it was backed up from; a dump by its archive path', () => {
    if (process.platform !== 'win32') assert.equal(livePath('fs/etc/cc/x.json'), '/etc/cc/x.json');
    assert.equal(livePath('dumps/db.sql'), 'dumps/db.sql');
  });
});
