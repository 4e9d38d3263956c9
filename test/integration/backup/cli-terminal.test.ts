/** `ccmon` on a real pseudo-terminal: the passphrase prompts and the progress line. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { writeTree } from '../../unit/core/backup/fixtures.js';
import { ccmon, ccmonOnTerminal } from './cli.js';

describe('ccmon backup commands on a terminal', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let encrypted: string;
  let plain: string;
  const archives = (folder: string) =>
    existsSync(folder) ? readdirSync(folder).filter((n) => n.includes('.tar.')) : [];

  before(async () => {
    dir = await tempDir('ccmon-bk-tty-');
    const src = join(dir.path, 'src');
    writeTree(src, [{ path: 'config.yaml', content: 'port: 8080\n' }]);
    const config = (name: string, lines: string[]) => {
      const file = join(dir.path, name);
      writeFileSync(
        file,
        [
          'version: 1',
          'backup:',
          `  directory: ${join(dir.path, name.replace('.yaml', '-backups'))}`,
          '  restore: { stopCommand: null, startCommand: null, activeCommand: null }',
          ...lines,
          '',
        ].join('\n'),
      );
      return file;
    };
    encrypted = config('enc.yaml', [
      '  encryption: { enabled: true }',
      '  sets:',
      `    - { name: files, sources: [${src}], ccmonState: false }`,
    ]);
    plain = config('plain.yaml', [
      '  sets:',
      `    - { name: files, sources: [${src}], ccmonState: false }`,
      `    - name: db`,
      `      sources: [${src}]`,
      '      ccmonState: false',
      `      database: { command: [sh, -c, "echo 'SELECT 1;'"] }`,
    ]);
    // No passphrase from the environment: the CLI has to ask.
    env = { CCMON_DATA_DIR: join(dir.path, 'data'), CCMON_BACKUP_PASSPHRASE: '' };
  });
  after(() => dir.cleanup());

  const first = { prompt: 'backup passphrase: ', answer: 'correct horse' };

  it('backup asks for a new passphrase twice and writes nothing when the answers differ', async () => {
    const typo = await ccmonOnTerminal(['--config', encrypted, 'backup'], env, [
      first,
      { prompt: 'backup passphrase again: ', answer: 'correct hrose' },
    ]);
    assert.equal(typo.code, 1, typo.output);
    assert.match(typo.output, /the passphrases differ; nothing was backed up/);
    assert.doesNotMatch(typo.output, /correct h/, 'the passphrase is not echoed');
    assert.deepEqual(archives(join(dir.path, 'enc-backups')), []);

    const same = await ccmonOnTerminal(['--config', encrypted, 'backup'], env, [
      first,
      { prompt: 'backup passphrase again: ', answer: 'correct horse' },
    ]);
    assert.equal(same.code, 0, same.output);
    assert.equal(archives(join(dir.path, 'enc-backups')).length, 1);
    // What was typed is the archive's passphrase.
    const verify = await ccmon(['--config', encrypted, '--json', 'verify', 'files'], {
      ...env,
      CCMON_BACKUP_PASSPHRASE: 'correct horse',
    });
    assert.equal(JSON.parse(verify.stdout).ok, true, verify.stdout);
  });

  it('restore reads an existing archive: it asks for the passphrase once', async () => {
    const r = await ccmonOnTerminal(['--config', encrypted, 'restore', 'files', '--dry-run'], env, [
      first,
    ]);
    assert.equal(r.code, 0, r.output);
    assert.equal(r.output.split('backup passphrase').length - 1, 1, r.output);
    assert.match(
      r.output,
      /dry run of \S+ \(\S+\) in place: 0 added, 0 changed, 0 removed, [1-9]\d* unchanged/,
    );
  });

  it('restore shows its dry run before asking for the id, and changes nothing unless it is typed', async () => {
    const live = join(dir.path, 'src', 'config.yaml');
    const b = await ccmon(['--config', plain, '--json', 'backup', '--set', 'files'], env);
    assert.equal(b.code, 0, b.stderr);
    const id = JSON.parse(b.stdout).id as string;
    writeFileSync(live, 'port: 9090\n');
    const prompt = 'type the backup id to confirm: ';
    const no = await ccmonOnTerminal(['--config', plain, 'restore', id], env, [
      { prompt, answer: 'no' },
    ]);
    assert.equal(no.code, 1, no.output);
    const asked = no.output.indexOf(prompt);
    const listed = no.output.indexOf(`changed (1):\r\n  ${live}`);
    assert.ok(listed >= 0 && listed < asked, `the diff before the question:\n${no.output}`);
    assert.match(
      no.output.slice(0, asked),
      /dry run of .* in place: 0 added, 1 changed, 0 removed/,
    );
    assert.match(no.output, /not confirmed; nothing was changed/);
    assert.equal(readFileSync(live, 'utf8'), 'port: 9090\n');

    const yes = await ccmonOnTerminal(['--config', plain, 'restore', id], env, [
      { prompt, answer: id },
    ]);
    assert.equal(yes.code, 0, yes.output);
    assert.equal(readFileSync(live, 'utf8'), 'port: 8080\n');
    assert.equal(yes.output.split(live).length - 1, 1, `the diff is listed once:\n${yes.output}`);
    assert.match(yes.output, /restored files-\S+ in place; safety backup /);
  });

  it("the progress line shows a 'dumping' phase only for a set that has something to dump", async () => {
    const files = await ccmonOnTerminal(['--config', plain, 'backup', '--set', 'files'], env);
    assert.equal(files.code, 0, files.output);
    assert.match(files.output, /archiving .*: \d+ files/, 'the progress line is shown');
    assert.doesNotMatch(files.output, /dumping/);
    const db = await ccmonOnTerminal(['--config', plain, 'backup', '--set', 'db'], env);
    assert.equal(db.code, 0, db.output);
    assert.match(db.output, /dumping: 0 files/);
  });
});
