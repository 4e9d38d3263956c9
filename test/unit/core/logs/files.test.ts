import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandGlob, isRotationOf, resolveLogFiles } from '../../../../src-main/core/logs/files.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

describe('log files of a source', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-logs-files-');
    await mkdir(join(dir.path, 'a/b'), { recursive: true });
    for (const f of [
      'app.log',
      'app.log.1',
      'app.log.2.gz',
      'app.log-20261122.gz',
      'app.logger',
      'other.txt',
      'a/x.log',
      'a/b/y.log',
      '.hidden.log',
    ])
      await writeFile(join(dir.path, f), '');
  });
  after(() => dir.cleanup());

  it("recognises logrotate's names for rotated files", () => {
    for (const n of [
      'app.log.1',
      'app.log.2.gz',
      'app.log-20261122',
      'app.log-20261122.gz',
      'app.log.gz',
    ])
      assert.ok(isRotationOf(n, 'app.log'), n);
    for (const n of ['app.log', 'app.logger', 'app.log.bak', 'app.log.old.gz'])
      assert.ok(!isRotationOf(n, 'app.log'), n);
  });

  it('expands a glob again from the disk each time (only its matcher is kept)', async () => {
    const glob = join(dir.path, 'a/*.log');
    assert.deepEqual(await expandGlob(glob), [join(dir.path, 'a/x.log')]);
    await writeFile(join(dir.path, 'a/z.log'), 'z\n');
    try {
      assert.deepEqual(await expandGlob(glob), [
        join(dir.path, 'a/x.log'),
        join(dir.path, 'a/z.log'),
      ]);
    } finally {
      await rm(join(dir.path, 'a/z.log'));
    }
    assert.deepEqual(await expandGlob(glob), [join(dir.path, 'a/x.log')]);
  });

  it('expands globs (*, **) without dotfiles, and includes rotated siblings', async () => {
    assert.deepEqual(await expandGlob(join(dir.path, '*.log')), [join(dir.path, 'app.log')]);
    assert.deepEqual(
      await expandGlob(join(dir.path, '**/*.log')),
      [join(dir.path, 'a/b/y.log'), join(dir.path, 'a/x.log'), join(dir.path, 'app.log')].sort(),
    );
    const problems: string[] = [];
    const files = await resolveLogFiles(
      [
        {
          service: 'claude-code',
          paths: [join(dir.path, '*.log')],
          format: 'auto',
          latencyUnit: 's',
        },
      ],
      problems,
    );
    assert.deepEqual(
      files.map((f) => [f.path.slice(dir.path.length + 1), f.rotated, f.gzip]).sort(),
      [
        ['app.log', false, false],
        ['app.log-20261122.gz', true, true],
        ['app.log.1', true, false],
        ['app.log.2.gz', true, true],
      ],
    );
    assert.deepEqual(problems, []);
  });

  it('reports bad globs by name and keeps going', async () => {
    const problems: string[] = [];
    const files = await resolveLogFiles(
      [
        {
          service: 's1',
          paths: [
            'logs/*.log',
            join(dir.path, 'nope/*.log'),
            join(dir.path, '*.json'),
            join(dir.path, 'app.log'),
          ],
          format: 'auto',
          latencyUnit: 's',
        },
      ],
      problems,
    );
    assert.equal(files.length, 4);
    assert.match(problems[0]!, /logs source s1: glob 'logs\/\*\.log' is not an absolute path/);
    assert.match(problems[1]!, /nope does not exist/);
    assert.match(problems[2]!, /\*\.json' matches no files/);
  });
});
