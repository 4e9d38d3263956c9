/**
 * The built `ccmon` run from a copy of what a package holds (electron-builder.yml's `files`:
 * dist/, package.json; no sources), with the dependencies beside it. The other tests run the CLI
 * from its sources, where anything read from beside a source file is there; here it is not.
 * Needs the build (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../helpers/cli.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const built = join(REPO_ROOT, 'dist', 'main', 'cli', 'bin.js');

describe('the built CLI from a package layout (dist/ only)', () => {
  let dir: TempDir;
  let app: string;
  const ccmon = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(app, 'dist', 'main', 'cli', 'bin.js'), ...args], {
      cwd: dir.path, // not the repository: nothing may be found from the working folder
      env: { ...process.env, CCMON_DATA_DIR: join(dir.path, 'data'), CCMON_CONFIG: '' },
    });

  before(async () => {
    assert.ok(existsSync(built), `${built} is missing: run \`npm run build\` first`);
    dir = await tempDir('ccmon-packaged-');
    app = join(dir.path, 'app');
    cpSync(join(REPO_ROOT, 'dist', 'main'), join(app, 'dist', 'main'), { recursive: true });
    cpSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
  });
  after(() => dir?.cleanup());

  it('knows its version', async () => {
    const { stdout } = await ccmon('--version');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(stdout.trim(), pkg.version);
  });

  it('exports the default rule files (they were read from beside the sources)', async () => {
    const out = join(dir.path, 'export');
    await ccmon('rules', 'export', '--out', out);
    assert.deepEqual(
      readdirSync(out).filter((f) => f.endsWith('.rules.yml')),
      ['ccmon-ccmon.rules.yml', 'ccmon-claude-code.rules.yml'],
    );
    assert.match(readFileSync(join(out, 'ccmon-claude-code.rules.yml'), 'utf8'), /ServiceDown/);
    assert.match(readFileSync(join(out, 'ccmon-ccmon.rules.yml'), 'utf8'), /alert: BackupStale/);
  });
});
