/** The CLI contract of DESIGN.md for backups: --json on stdout only, exit 0/1/2. */
import assert from 'node:assert/strict';
import {
  chmodSync,
  closeSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { writeTree } from '../../unit/core/backup/fixtures.js';
import { ccmon } from './cli.js';

describe('ccmon backup | backups | verify | restore | prune', () => {
  let dir: TempDir;
  let cfg: string;
  let env: Record<string, string>;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-cli-');
    src = join(dir.path, 'etc', 'claude-code');
    writeTree(src, [
      { path: 'config.yaml', content: 'port: 8080\n' },
      { path: 'users/alice.json', content: '{"quota": 5}' },
    ]);
    cfg = join(dir.path, 'ccmon.yaml');
    writeFileSync(
      cfg,
      [
        'version: 1',
        'backup:',
        '  retention: { keepLast: 1, keepWithin: null }',
        '  restore: { stopCommand: null, startCommand: null, activeCommand: null }',
        '  sets:',
        '    - name: main',
        `      sources: [${src}, ${join(dir.path, 'absent')}]`,
        '',
      ].join('\n'),
    );
    env = { CCMON_DATA_DIR: join(dir.path, 'data') };
  });
  after(() => dir.cleanup());

  const run = (...args: string[]) => ccmon(['--config', cfg, ...args], env);
  /**
   * `ccmon` with a config of its own: one set `name` of folder `source`, backed up apart;
   * `encrypted`: with the passphrase from CCMON_BACKUP_PASSPHRASE (`passphrase` unless a call's
   * `withEnv` says otherwise).
   */
  const setOfItsOwn = (name: string, source: string, passphrase?: string) => {
    const file = join(dir.path, `${name}.yaml`);
    const encryption = passphrase === undefined ? '' : '  encryption: { enabled: true }\n';
    writeFileSync(
      file,
      `version: 1\nbackup:\n  directory: ${join(dir.path, `${name}-backups`)}\n${encryption}  sets:\n    - name: ${name}\n      sources: [${source}]\n      ccmonState: false\n`,
    );
    const own = {
      ...env,
      ...(passphrase === undefined ? {} : { CCMON_BACKUP_PASSPHRASE: passphrase }),
    };
    const runIt = (...args: string[]) => ccmon(['--config', file, ...args], own);
    runIt.withEnv = (extra: Record<string, string>, ...args: string[]) =>
      ccmon(['--config', file, ...args], { ...own, ...extra });
    return runIt;
  };
  let first: { id: string; archivePath: string };

  it('backup prints id and archive; --json is the whole result on stdout', async () => {
    const human = await run('backup');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^main-\d{8}T\d{6}Z(-\d+)?\t\/.*\.tar\.gz\n$/);
    assert.match(human.stderr, /absent.*does not exist/);
    const json = await run('--json', 'backup');
    assert.equal(json.code, 0);
    first = JSON.parse(json.stdout);
    assert.equal(first.archivePath.endsWith('.tar.gz'), true);
    assert.equal(JSON.parse(json.stdout).files >= 2, true);
  });

  it('backups lists newest first, in a table or as JSON', async () => {
    const table = await run('backups');
    assert.match(table.stdout, /^ID\s+SET\s+KIND\s+CREATED\s+SIZE\s+FILES\s+FORMAT\n/);
    const json = JSON.parse((await run('--json', 'backups')).stdout);
    assert.equal(json.backups.length, 2);
    assert.equal(json.backups[0].id, first.id);
  });

  it('an unknown set is bad usage (exit 2) and names the configured ones', async () => {
    const r = await run('backup', '--set', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no backup set 'nope' \(configured: main\)/);
    assert.equal(r.stdout, '');
  });

  it('restore --dry-run --json shows the diff; restore without --yes and no terminal is refused (exit 2)', async () => {
    writeFileSync(join(src, 'config.yaml'), 'port: 9999\n');
    const dry = await run('--json', 'restore', first.id, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    const report = JSON.parse(dry.stdout);
    assert.deepEqual(report.diff.changed, [join(src, 'config.yaml')]);
    const refused = await run('restore', first.id);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--yes/);
    const done = await run('--json', 'restore', first.id, '--yes');
    assert.equal(done.code, 0, done.stderr);
    assert.equal(JSON.parse(done.stdout).ok, true);
  });

  it('latest names the newest backup taken (not the safety backup the restore just made)', async () => {
    const listed = JSON.parse((await run('--json', 'backups')).stdout).backups;
    assert.equal(listed[0].kind, 'safety', 'the restore above left a safety backup, newest');
    const dry = await run('restore', 'latest', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, new RegExp(`dry run of ${first.id} \\(\\S+\\) in place: 0 added`));
    assert.equal(JSON.parse((await run('--json', 'verify', 'latest:main')).stdout).id, first.id);
    const unknown = await run('verify', 'latest:web');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no backup of set 'web' in .*; sets with backups: main/);
  });

  it('ls lists a backup as tar -tv does, below a path when given; --json streams every entry', async () => {
    const text = await run('ls', first.id, join(src, 'users'));
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(
        `^drwx\\S+ +\\d+/\\d+ +0 \\S+ \\S+Z ${src}/users/\\n-rw-r--r-- +\\d+/\\d+ +12 \\S+ \\S+Z ${src}/users/alice\\.json\\n$`,
      ),
    );
    const json = JSON.parse((await run('--json', 'ls', 'latest:main')).stdout);
    assert.equal(json.id, first.id);
    assert.equal(json.count, json.files.length);
    assert.ok(json.files.some((f: { path: string }) => f.path === join(src, 'config.yaml')));
    const missing = await run('ls', first.id, join(src, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not in backup/);
  });

  it('a hard link: ls ends its line `link to` the first, --json names it as backed up, the dry run says it is kept', async () => {
    const linked = join(dir.path, 'linked');
    writeTree(linked, [{ path: 'a.log', content: 'shared bytes' }]);
    linkSync(join(linked, 'a.log'), join(linked, 'b.log'));
    const runLinked = setOfItsOwn('linked', linked);
    const made = await runLinked('--json', 'backup');
    assert.equal(made.code, 0, made.stderr);
    const { id } = JSON.parse(made.stdout) as { id: string };

    const text = await runLinked('ls', id, linked);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^-rw\\S+ +\\d+/\\d+ +12 \\S+ \\S+Z ${linked}/a\\.log$`, 'm'),
    );
    assert.match(
      text.stdout,
      new RegExp(
        `^-rw\\S+ +\\d+/\\d+ +12 \\S+ \\S+Z ${linked}/b\\.log link to ${linked}/a\\.log$`,
        'm',
      ),
    );
    const json = JSON.parse((await runLinked('--json', 'ls', id)).stdout);
    const b = json.files.find((f: { path: string }) => f.path === join(linked, 'b.log'));
    assert.equal(b.hardlinkTo, join(linked, 'a.log'));

    const to = join(dir.path, 'linked-out');
    const dry = await runLinked('--json', 'restore', id, '--to', to, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    const report = JSON.parse(dry.stdout);
    assert.equal(report.diff.hardlinks, 1);
    assert.match(report.message, /3 added, .*; 1 hard link kept$/); // the folder and its two files
    // Restored in part without the first, the link stays a file: none is said to be kept.
    const part = JSON.parse(
      (
        await runLinked(
          '--json',
          'restore',
          id,
          '--to',
          to,
          '--dry-run',
          '--include',
          join(linked, 'b.log'),
        )
      ).stdout,
    );
    assert.equal(part.diff.hardlinks, undefined);
    assert.doesNotMatch(part.message, /hard link/);
  });

  it('diff lists what changed between two backups, below a path when given; --json streams each change', async () => {
    const tree = join(dir.path, 'changing');
    writeTree(tree, [
      { path: 'kept.json', content: '{}' },
      { path: 'edited.yaml', content: 'port: 1\n' },
      { path: 'gone.log', content: 'old\n' },
      { path: 'sub/mode.sh', content: 'echo\n' },
    ]);
    const runTree = setOfItsOwn('changing', tree);
    const before = JSON.parse((await runTree('--json', 'backup')).stdout) as { id: string };
    writeFileSync(join(tree, 'edited.yaml'), 'port: 2\n');
    rmSync(join(tree, 'gone.log'));
    writeFileSync(join(tree, 'sub', 'new.txt'), 'twelve bytes');
    chmodSync(join(tree, 'sub', 'mode.sh'), 0o755);
    const after = JSON.parse((await runTree('--json', 'backup')).stdout) as { id: string };

    const text = await runTree('diff', before.id, after.id);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trimEnd().split('\n'), [
      `M  ${tree}/edited.yaml`,
      `-  ${tree}/gone.log`,
      `U  ${tree}/sub/mode.sh`,
      `+  ${tree}/sub/new.txt`,
    ]);
    // Unchanged: the folder, kept.json and sub/ (a folder's time moves with what it holds: left out).
    assert.match(
      text.stderr,
      new RegExp(
        `^from ${before.id} to ${after.id}: 1 added \\(12 B\\), 1 removed \\(4 B\\), 1 changed, 1 in mode/owner/time only, 3 unchanged\n$`,
      ),
    );
    const below = await runTree('diff', before.id, after.id, join(tree, 'sub'));
    assert.deepEqual(below.stdout.trimEnd().split('\n').sort(), [
      `+  ${tree}/sub/new.txt`,
      `U  ${tree}/sub/mode.sh`,
    ]);
    const json = JSON.parse((await runTree('--json', 'diff', before.id, 'latest')).stdout);
    assert.equal(json.to, after.id);
    assert.deepEqual(json.counts, { added: 1, removed: 1, changed: 1, metadata: 1, unchanged: 3 });
    const added = json.changes.find((c: { change: string }) => c.change === '+');
    assert.equal(added.path, join(tree, 'sub', 'new.txt'));
    assert.equal(added.size, 12);
    const same = await runTree('diff', after.id, after.id);
    assert.equal(same.stdout, '', 'a backup against itself: no change');

    const missing = await runTree('diff', before.id, after.id, join(tree, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not in backup .*nope/);
    const unknown = await runTree('diff', before.id, 'no-such-backup');
    assert.equal(unknown.code, 2);
  });

  it('diff of encrypted backups: each list decrypted apart and nothing left; a wrong passphrase exits 1', async () => {
    const tree = join(dir.path, 'secret');
    writeTree(tree, [
      { path: 'token.txt', content: 'abc' },
      { path: 'old.txt', content: 'x' },
    ]);
    const runTree = setOfItsOwn('secret', tree, 'correct horse');
    const backupsDir = join(dir.path, 'secret-backups');
    const before = JSON.parse((await runTree('--json', 'backup')).stdout) as { id: string };
    writeFileSync(join(tree, 'token.txt'), 'abcd');
    rmSync(join(tree, 'old.txt'));
    const after = JSON.parse((await runTree('--json', 'backup')).stdout) as { id: string };
    const inFolder = () => readdirSync(backupsDir).sort();
    const kept = inFolder();
    for (const name of kept.filter((n) => !n.endsWith('.enc')))
      assert.doesNotMatch(
        readFileSync(join(backupsDir, name), 'utf8'),
        /token\.txt/,
        `${name} beside an encrypted backup names no file`,
      );

    const text = await runTree('diff', before.id, after.id);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trimEnd().split('\n').sort(), [
      `-  ${tree}/old.txt`,
      `M  ${tree}/token.txt`,
    ]);
    assert.deepEqual(inFolder(), kept, 'the decrypted lists are gone once the diff is done');

    const wrong = await runTree.withEnv(
      { CCMON_BACKUP_PASSPHRASE: 'battery staple' },
      'diff',
      before.id,
      after.id,
    );
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.equal(wrong.stdout, '');
    assert.match(
      wrong.stderr,
      new RegExp(`^ccmon: backup ${before.id}: cannot decrypt .*wrong passphrase`),
    );
    assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(inFolder(), kept, 'a failed diff leaves nothing behind either');

    // The passphrase changed between two backups: the one it does not open is named.
    const changed = JSON.parse(
      (await runTree.withEnv({ CCMON_BACKUP_PASSPHRASE: 'battery staple' }, '--json', 'backup'))
        .stdout,
    ) as { id: string };
    const across = await runTree('diff', before.id, changed.id);
    assert.equal(across.code, 1, across.stderr);
    assert.match(across.stderr, new RegExp(`^ccmon: backup ${changed.id}: cannot decrypt`));
  });

  it('verify exits 0 when intact and 1 on a mismatch, listing the problem', async () => {
    assert.equal((await run('verify', first.id)).code, 0);
    const fd = openSync(first.archivePath, 'r+');
    writeSync(fd, Buffer.from('garbage!'), 0, 8, Math.floor(statSync(first.archivePath).size / 2));
    closeSync(fd);
    const bad = await run('--json', 'verify', first.archivePath);
    assert.equal(bad.code, 1);
    const result = JSON.parse(bad.stdout);
    assert.equal(result.ok, false);
    assert.ok(result.problems.length > 0);
    const missing = await run('verify', 'no-such-backup');
    assert.equal(missing.code, 2);
  });

  it('prune --dry-run lists what would go on stdout and removes nothing; prune applies keepLast', async () => {
    const dry = JSON.parse((await run('--json', 'prune', '--dry-run')).stdout);
    const doomed = dry.decisions
      .filter((d: { keep: boolean }) => !d.keep)
      .map((d: { id: string }) => d.id);
    assert.ok(doomed.length >= 1);
    assert.equal(
      JSON.parse((await run('--json', 'backups')).stdout).backups.length,
      dry.decisions.length,
    );
    // The listing is the output (stdout, `> file` keeps it), in columns; the summary is a message.
    const listing = await run('prune', '--dry-run');
    assert.equal(listing.code, 0, listing.stderr);
    const rows = listing.stdout.trimEnd().split('\n');
    assert.deepEqual(
      rows.map((r) => r.match(/^(keep|would remove) +(\S+)/)?.slice(1)),
      dry.decisions.map((d: { keep: boolean; id: string }) => [
        d.keep ? 'keep' : 'would remove',
        d.id,
      ]),
    );
    assert.equal(new Set(rows.map((r) => r.search(/\S+-\d{8}T/))).size, 1, listing.stdout);
    assert.match(listing.stderr, new RegExp(`^would remove ${doomed.length} backup\\(s\\)`));
    const applied = await run('prune');
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(
      applied.stdout
        .split('\n')
        .filter((r) => r.startsWith('removed '))
        .map((r) => r.split(/ +/)[1]),
      doomed,
    );
    const left = JSON.parse((await run('--json', 'backups')).stdout).backups;
    assert.equal(left.filter((b: { kind: string }) => b.kind !== 'safety').length, 1);
  });
});
