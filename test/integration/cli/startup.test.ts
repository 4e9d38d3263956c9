/**
 * What `ccmon` loads before it does anything: each command registers its name, options and help
 * cheaply and imports its implementation in its action, so `--version` and `--help` load commander
 * and nothing of the engine, and `ccmon backups` loads the backup engine but not the rules,
 * alerts, checks or simulator. A real process records every module it resolves through a loader
 * hook (module.register): a structural check, not a timing or an RSS figure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const root = new URL('../../../', import.meta.url).pathname;
let dir: TempDir;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Every module the process resolved: package names and paths under src-main/. */
  loaded: string[];
}

/** A resolve hook (run on the loader thread) appending each resolved URL to CCMON_TEST_LOADS. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  appendFileSync(process.env.CCMON_TEST_LOADS, r.url + '\\n');
  return r;
}`;

async function ccmon(...args: string[]): Promise<Run> {
  const hooks = join(dir.path, 'hooks.mjs');
  const register = join(dir.path, 'register.mjs');
  const log = join(dir.path, `loads-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(hooks, HOOKS);
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + hooks)});\n`,
  );
  await writeFile(log, '');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', register, join(root, 'src-main/cli/bin.ts'), ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        CCMON_DATA_DIR: join(dir.path, 'data'),
        CCMON_CONFIG: join(dir.path, 'none.yaml'),
        CCMON_TEST_LOADS: log,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const loaded = new Set<string>();
  for (const url of (await readFile(log, 'utf8')).split('\n')) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    const src = /\/src-main\/(.+)$/.exec(url);
    if (pkg) loaded.add(pkg[1]!);
    else if (src) loaded.add(`src-main/${src[1]}`);
  }
  return { code, stdout, stderr, loaded: [...loaded].sort() };
}

before(async () => {
  dir = await tempDir();
  await writeFile(join(dir.path, 'none.yaml'), 'version: 1\n');
});
after(() => dir.cleanup());

/** The engine's packages and folders no help screen needs. */
const HEAVY = [
  'zod',
  'yaml',
  'prom-client',
  'croner',
  'minimatch',
  '@prometheus-io/lezer-promql',
  'src-main/core/config/',
  'src-main/core/backup/',
  'src-main/core/rules/',
  'src-main/core/alerts/',
  'src-main/core/checks/',
  'src-main/simulator/',
];
/** Light on purpose: `ccmon check`'s report helpers use its status order (no imports of its own). */
const LIGHT = new Set(['src-main/core/checks/types.ts']);
const heavyIn = (loaded: string[], names = HEAVY) =>
  loaded.filter(
    (m) => !LIGHT.has(m) && names.some((h) => m === h || (h.endsWith('/') && m.startsWith(h))),
  );

describe('ccmon start-up', () => {
  it('--version loads commander and no part of the engine', async () => {
    const r = await ccmon('--version');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    assert.ok(r.loaded.includes('commander'), `commander loaded: ${r.loaded.join(', ')}`);
    assert.deepEqual(heavyIn(r.loaded), []);
  });

  it('--help lists every command of the CLI contract with its description, loading no engine', async () => {
    const r = await ccmon('--help');
    assert.equal(r.code, 0, r.stderr);
    for (const [command, words] of [
      ['agent', 'headless agent'],
      ['alerts', 'alerts, silences'],
      ['backup', 'one backup now'],
      ['backups', 'list complete backups'],
      ['verify', 'check every'],
      ['restore', 'restore a backup'],
      ['prune', 'retention policy'],
      ['check', 'health checks'],
      ['config', 'validate and import'],
      ['logs', 'log analysis'],
      ['maintenance', 'maintenance tasks'],
      ['report', 'health report'],
      ['rules', 'rule files'],
      ['simulate', "seed's deployment"],
      ['usage', 'token'],
    ])
      assert.match(
        r.stdout.replace(/\s+/g, ' '),
        new RegExp(`\\s${command}( \\[options\\])?( <[^>]+>)? [^\\n]*${words}`, 'i'),
        `${command} is listed with its description`,
      );
    assert.deepEqual(heavyIn(r.loaded), []);
  });

  it('subcommand help (rules, config) still lists their subcommands without loading them', async () => {
    const rules = await ccmon('rules', '--help');
    assert.equal(rules.code, 0, rules.stderr);
    for (const sub of ['check', 'test', 'export'])
      assert.match(rules.stdout, new RegExp(`\\s${sub} `));
    assert.deepEqual(heavyIn(rules.loaded), []);
    const config = await ccmon('config', '--help');
    for (const sub of ['validate', 'import']) assert.match(config.stdout, new RegExp(`\\s${sub} `));
    assert.deepEqual(heavyIn(config.loaded), []);
  });

  it('`ccmon backups` loads the backup engine and the config, not rules, alerts, checks or the simulator', async () => {
    const r = await ccmon('backups');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no backups in/);
    assert.ok(r.loaded.some((m) => m.startsWith('src-main/core/backup/')));
    assert.ok(r.loaded.includes('zod'));
    assert.deepEqual(
      // The config schema composes every section's schema (alerts/config.ts, …): those stay.
      heavyIn(r.loaded, [
        'src-main/core/rules/parse.ts',
        'src-main/core/rules/module.ts',
        'src-main/core/alerts/module.ts',
        'src-main/core/checks/module.ts',
        'src-main/simulator/',
        'src-main/http/',
        '@prometheus-io/lezer-promql',
        'prom-client',
        'nodemailer',
      ]),
      [],
    );
  });

  it('bad usage still exits 2 and a lazily loaded command still fails with its own message', async () => {
    assert.equal((await ccmon('no-such-command')).code, 2);
    const sim = await ccmon('simulate', '--faults', 'api=explode');
    assert.equal(sim.code, 2);
    assert.match(sim.stderr, /explode/);
  });
});
