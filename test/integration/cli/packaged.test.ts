/**
 * The built `ccmon` run from a copy of what a package holds (dist/, package.json; no sources),
 * with the dependencies beside it, both ways it is built: tsc's dist/main (what the tray app runs
 * and electron-builder.yml packages) and the bundle in dist/cli (package.json's `bin`,
 * scripts/bundle-cli.mjs). The other tests run the CLI from its sources, where anything read from
 * beside a source file is there; here it is not. Needs the build (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { agentProcessConfig } from '../../helpers/agent-config.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { startAgentProcess } from '../reliability/agent-process.js';

for (const bin of [join('dist', 'main', 'cli', 'bin.js'), join('dist', 'cli', 'ccmon.js')])
  describe(`the built CLI from a package layout (dist/ only): ${bin}`, () => {
    const built = join(REPO_ROOT, bin);
    const bundled = bin.startsWith(join('dist', 'cli'));
    let dir: TempDir;
    let cacheDir: string;
    const cacheBefore = process.env.CCMON_CACHE_DIR;
    let app: string;
    let source: string;
    /** A config backing up `source` into `name` (zstd: the binary). */
    const backupSection = (name: string) => ({
      directory: join(dir.path, name),
      compression: 'zstd',
      sets: [{ name: 'pkg', sources: [source], schedule: null, ccmonState: false }],
      restoreTestSchedule: null,
      restore: { stopCommand: null, startCommand: null, activeCommand: null, settleSeconds: 0 },
    });
    const ccmon = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(app, bin), ...args], {
        cwd: dir.path, // not the repository: nothing may be found from the working folder
        env: { ...process.env, CCMON_DATA_DIR: join(dir.path, 'data'), CCMON_CONFIG: '' },
      });

    before(async () => {
      assert.ok(existsSync(built), `${built} is missing: run \`npm run build\` first`);
      dir = await tempDir('ccmon-packaged-');
      cacheDir = join(dir.path, 'cache');
      process.env.CCMON_CACHE_DIR = cacheDir; // the commands' and the agent's compile cache
      app = join(dir.path, 'app');
      for (const part of ['main', 'cli', 'renderer'])
        cpSync(join(REPO_ROOT, 'dist', part), join(app, 'dist', part), { recursive: true });
      cpSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
      source = join(dir.path, 'etc-claude-code');
      mkdirSync(join(source, 'agents'), { recursive: true });
      writeFileSync(join(source, 'settings.json'), '{"model":"opus"}\n');
      writeFileSync(join(source, 'agents', 'a.md'), 'agent a\n');
    });
    after(async () => {
      if (cacheBefore === undefined) delete process.env.CCMON_CACHE_DIR;
      else process.env.CCMON_CACHE_DIR = cacheBefore;
      await dir?.cleanup();
    });

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

    /** `ccmon backup`, `verify` and `restore --to`, into the folder `name`. */
    async function backupVerifyRestore(name: string): Promise<void> {
      const cfg = writeConfig(name, stringify({ version: 1, backup: backupSection(name) }));
      const backup = JSON.parse((await ccmon('--config', cfg, '--json', 'backup')).stdout);
      const verified = JSON.parse(
        (await ccmon('--config', cfg, '--json', 'verify', backup.id)).stdout,
      );
      assert.equal(verified.ok, true, JSON.stringify(verified));
      const to = join(dir.path, `${name}-restored`);
      await ccmon('--config', cfg, 'restore', backup.id, '--to', to, '--yes');
      assert.equal(readFileSync(join(to, source, 'agents', 'a.md'), 'utf8'), 'agent a\n');
    }

    /** A config file in the test's folder. */
    function writeConfig(name: string, text: string): string {
      const cfg = join(dir.path, `${name}.yaml`);
      writeFileSync(cfg, text);
      return cfg;
    }

    /** The agent: its dashboard, a backup and a verify on their worker threads. */
    async function agentRound(name: string): Promise<void> {
      const cfg = writeConfig(
        name,
        await agentProcessConfig({
          backup: backupSection(name),
          alerts: { desktop: { enabled: false } },
        }),
      );
      const agent = await startAgentProcess(cfg, join(dir.path, `${name}-data`), undefined, {
        bin: join(app, bin),
        cwd: dir.path,
      });
      try {
        const page = await (await fetch(agent.url)).text();
        const script = /<script[^>]+src="([^"]+)"/.exec(page)?.[1];
        assert.ok(script, `the dashboard page names its script: ${page.slice(0, 300)}`);
        assert.equal((await fetch(new URL(script, agent.url))).status, 200);

        await agent.request('backup.run', { set: 'pkg' });
        let list: { backups: { id: string }[] } = { backups: [] };
        for (let i = 0; i < 200 && list.backups.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 50));
          list = await agent.request('backup.list');
        }
        assert.equal(list.backups.length, 1, agent.output());
        const v = await agent.request<{ ok: boolean }>('backup.verify', {
          id: list.backups[0]!.id,
        });
        assert.equal(v.ok, true);
      } finally {
        await agent.stop();
      }
    }

    it('backs up, verifies and restores', () => backupVerifyRestore('cli-backups'));

    it('runs the agent: its dashboard, a backup and a verify on their worker threads', () =>
      agentRound('agent-backups'));

    it(
      'compiles each command once: the next runs load their V8 code cache',
      { skip: !bundled && 'tsc’s dist/main has no compile cache' },
      async () => {
        /** Each cache (named by V8 profile and command) and when it was written. */
        const caches = () =>
          Object.fromEntries(
            readdirSync(cacheDir).map((n) => [
              n.replace(/-[0-9a-f]{32}\.v8cache$/, ''),
              statSync(join(cacheDir, n)).mtimeMs,
            ]),
          );
        // An agent that started a worker thread writes none (compile-cache.ts: its V8 flags
        // changed); one stopped before any work does.
        const idle = await startAgentProcess(
          writeConfig('idle-agent', await agentProcessConfig()),
          join(dir.path, 'idle-agent-data'),
          undefined,
          { bin: join(app, bin), cwd: dir.path },
        );
        await idle.stop();
        const written = caches();
        for (const c of [
          'plain-none',
          'plain-rules',
          'archive-backup',
          'archive-verify',
          'archive-restore',
          'agent-agent',
        ])
          assert.ok(c in written, `no cache for ${c}: ${Object.keys(written).join(', ')}`);
        // The same again, compiled from the caches: it works, and no cache was rejected (and so
        // written again). The agent's worker threads and the packages it loads on demand come
        // from the cached code too.
        await ccmon('--version');
        await backupVerifyRestore('cached-cli-backups');
        await agentRound('cached-agent-backups');
        assert.deepEqual(caches(), written);
      },
    );
  });
