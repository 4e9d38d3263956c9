/**
 * File names with a newline in `ccmon restore`'s human lists: shown quoted with escapes, one line
 * each, so the list cannot grow lines that are not paths; --json keeps the exact names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { ccmon } from './cli.js';

describe('odd file names in restore listings', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-cli-names-');
  });
  after(() => dir.cleanup());

  it('a name with a newline is one quoted line', async () => {
    const src = join(dir.path, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'plain.txt'), 'p');
    writeFileSync(join(src, 'two\nlines.txt'), 'x');
    const cfg = join(dir.path, 'ccmon.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        version: 1,
        backup: {
          directory: join(dir.path, 'backups'),
          sets: [{ name: 'n', sources: [src], ccmonState: false }],
          restore: { stopCommand: null, startCommand: null, activeCommand: null },
        },
      }),
    );
    const env = { CCMON_DATA_DIR: join(dir.path, 'data') };
    const b = await ccmon(['--config', cfg, '--json', 'backup'], env);
    assert.equal(b.code, 0, b.stderr);
    const id = JSON.parse(b.stdout).id as string;
    rmSync(join(src, 'two\nlines.txt'));
    rmSync(join(src, 'plain.txt'));

    const human = await ccmon(['--config', cfg, 'restore', id, '--dry-run'], env);
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stderr.split('\n');
    const at = lines.indexOf('added (2):');
    assert.deepEqual(lines.slice(at + 1, at + 3).sort(), [
      `  ${JSON.stringify(join(src, 'two\nlines.txt'))}`,
      `  ${join(src, 'plain.txt')}`,
    ]);

    const json = await ccmon(['--config', cfg, '--json', 'restore', id, '--dry-run'], env);
    assert.ok(JSON.parse(json.stdout).diff.added.includes(join(src, 'two\nlines.txt')));
  });
});
