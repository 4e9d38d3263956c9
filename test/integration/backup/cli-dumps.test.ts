/**
 * `ccmon restore` of sets that hold dumps (a database dump, a Redis snapshot): the output says
 * what happens to each dump, and never lists the restore's own temp files as restored.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { startRedis, type RunningServer } from '../../helpers/servers.js';
import { ccmon } from './cli.js';

describe('ccmon restore of database and Redis dumps', () => {
  let dir: TempDir;
  let redis: RunningServer;
  let cfg: string;
  let env: Record<string, string>;
  let fed: string;
  const run = (...args: string[]) => ccmon(['--config', cfg, ...args], env);
  const backup = async (set: string) => {
    const r = await run('--json', 'backup', '--set', set);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { id: string; archivePath: string };
  };

  before(async () => {
    dir = await tempDir('ccmon-bk-dumps-');
    redis = await startRedis();
    fed = join(dir.path, 'fed.sql');
    cfg = join(dir.path, 'ccmon.yaml');
    writeFileSync(
      cfg,
      [
        'version: 1',
        'backup:',
        `  directory: ${join(dir.path, 'backups')}`,
        '  restore: { stopCommand: null, startCommand: null, activeCommand: null }',
        '  sets:',
        '    - name: cache',
        '      sources: []',
        '      ccmonState: false',
        `      redis: { url: "${redis.url}" }`,
        '    - name: db',
        '      sources: []',
        '      ccmonState: false',
        '      database:',
        `        command: [sh, -c, "echo 'INSERT INTO t VALUES (1);'"]`,
        `        restoreCommand: [sh, -c, "cat > ${fed}"]`,
        '    - name: db-manual',
        '      sources: []',
        '      ccmonState: false',
        `      database: { command: [sh, -c, "echo 'SELECT 2;'"] }`,
        '    - name: mixed',
        `      sources: [${join(dir.path, 'etc')}]`,
        '      ccmonState: false',
        `      database: { command: [sh, -c, "echo 'SELECT 3;'"] }`,
        '',
      ].join('\n'),
    );
    env = { CCMON_DATA_DIR: join(dir.path, 'data') };
    mkdirSync(join(dir.path, 'etc'));
    writeFileSync(join(dir.path, 'etc', 'a.txt'), 'a\n');
  });
  after(async () => {
    await redis?.stop();
    await dir?.cleanup();
  });

  it('a Redis snapshot is said not to be restored, with the command that extracts it', async () => {
    const b = await backup('cache');
    const extract = `tar -xf ${b.archivePath} dumps/redis.rdb`;
    const note = `redis snapshot dumps/redis.rdb: not restored automatically; to put it back, extract it with \`${extract}\``;
    const dry = await run('restore', b.id, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(dry.stderr.includes(note), dry.stderr);
    const real = await run('restore', b.id, '--yes');
    assert.equal(real.code, 0, real.stderr);
    assert.ok(real.stderr.includes(note), real.stderr);
    // The command given works: it extracts Redis's own RDB file.
    const out = join(dir.path, 'extracted');
    mkdirSync(out);
    execFileSync('sh', ['-c', extract], { cwd: out });
    assert.equal(
      readFileSync(join(out, 'dumps', 'redis.rdb'))
        .subarray(0, 5)
        .toString(),
      'REDIS',
    );
  });

  it('a database dump: the dry run names the restore command; the restore lists no temp file', async () => {
    const b = await backup('db');
    const dry = await run('restore', b.id, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stderr,
      /database dump dumps\/database\.sql: would be fed to `sh -c cat > .*fed\.sql` on its stdin/,
    );
    const real = await run('restore', b.id, '--yes');
    assert.equal(real.code, 0, real.stderr);
    assert.doesNotMatch(real.stderr, /added|\.restore-/);
    assert.match(real.stderr, /ok +database \(sh -c cat > /);
    assert.equal(readFileSync(fed, 'utf8'), 'INSERT INTO t VALUES (1);\n');
    const json = await run('--json', 'restore', b.id, '--yes');
    assert.equal(json.code, 0, json.stderr);
    const diff = JSON.parse(json.stdout).diff;
    assert.deepEqual([diff.added, diff.counts.added], [[], 0]);
  });

  it('a database dump without a restore command, and dumps restored --to a folder', async () => {
    const b = await backup('db-manual');
    const dry = await run('restore', b.id, '--dry-run');
    assert.match(
      dry.stderr,
      /database dump dumps\/database\.sql: would not be restored: backup\.sets\[\]\.database\.restoreCommand is not set/,
    );
    const to = join(dir.path, 'elsewhere');
    const copy = await run('restore', b.id, '--to', to, '--yes');
    assert.equal(copy.code, 0, copy.stderr);
    const dest = join(to, 'dumps', 'database.sql');
    assert.ok(copy.stderr.includes(`database dump dumps/database.sql: written to ${dest}`));
    assert.equal(readFileSync(dest, 'utf8'), 'SELECT 2;\n');
  });

  it('a part restored with --include, elsewhere or in place, leaves the dumps out, and says nothing of them', async () => {
    await backup('mixed');
    const to = join(dir.path, 'part');
    const file = join(dir.path, 'etc', 'a.txt');
    const r = await run('restore', 'latest:mixed', '--to', to, '--include', file, '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(to, file), 'utf8'), 'a\n');
    assert.equal(existsSync(join(to, 'dumps')), false);
    assert.doesNotMatch(r.stderr, /database dump/);
    const whole = await run('restore', 'latest:mixed', '--to', join(dir.path, 'whole'), '--yes');
    assert.match(whole.stderr, /database dump dumps\/database\.sql: written to/);
    // In place too: the file is put back, the database is not touched nor spoken of.
    writeFileSync(file, 'edited\n');
    const inPlace = await run('restore', 'latest:mixed', '--include', file, '--yes');
    assert.equal(inPlace.code, 0, inPlace.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'a\n');
    assert.match(inPlace.stderr, /in place \(only .*a\.txt\); safety backup /);
    assert.doesNotMatch(inPlace.stderr, /database/);
  });
});
