import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConfigModule } from '../../../../src-main/core/config/module.js';
import { parseConfigText } from '../../../../src-main/core/config/load.js';
import { CONFIG_SECTIONS } from '../../../../src-main/core/config/contract.js';
import {
  configSchema,
  defaultConfig,
  type CcmonConfig,
} from '../../../../src-main/core/config/schema.js';
import { dispatchRequest, RequestError } from '../../../../src-main/core/local-api.js';
import type { RequestHandlers } from '../../../../src-main/core/api.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const FILE_TEXT = `# team settings
checks:
  probes:
    - name: API # pages the on-call
      type: http
      url: http://localhost:8080/health
      interval: 10s
    - name: Gateway
      type: http
      url: http://admin:hunter2@localhost:4000/health/liveliness
`;

function setup(dir: string, file: string | null, applyFails = false) {
  let current: CcmonConfig = file ? defaultConfig() : defaultConfig();
  const applied: CcmonConfig[] = [];
  const mod = createConfigModule({
    file,
    dataDir: dir,
    logger: silentLogger,
    current: () => current,
    apply: async (next) => {
      if (applyFails) throw new Error('rule file broken.yml: parse error');
      applied.push(next);
      current = next;
      return { applied: ['checks'], restartRequired: [] };
    },
  });
  // Through dispatchRequest, as every transport calls it (params validated by the contract);
  // results are read field by field, as JSON over HTTP would be.
  const call = (name: string, params: unknown) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dispatchRequest(mod.handlers as unknown as RequestHandlers, name, params) as Promise<any>;
  return { mod, applied, call };
}

describe('config module', () => {
  let dir: TempDir;
  let file: string;
  before(async () => {
    dir = await tempDir('ccmon-cfgmod-');
    file = join(dir.path, 'ccmon.yaml');
  });
  after(() => dir.cleanup());

  it('names exactly the sections the schema has', () => {
    assert.deepEqual(
      [...CONFIG_SECTIONS].sort(),
      Object.keys(configSchema.shape)
        .filter((k) => k !== 'version')
        .sort(),
    );
  });

  it('config.get: the file as written, the effective config, no URL passwords', async () => {
    await writeFile(file, FILE_TEXT);
    const { call } = setup(dir.path, file);
    const view = await call('config.get', {});
    assert.equal(view.file, file);
    assert.equal(view.writable, true);
    assert.equal(view.document.checks.probes[0].interval, '10s');
    assert.equal(view.document.dashboard, undefined);
    assert.equal(view.effective.dashboard.port, 7323);
    assert.ok(!JSON.stringify(view).includes('hunter2'));
  });

  it('config.validate: every error with its path, unknown keys included; nothing written', async () => {
    await writeFile(file, FILE_TEXT);
    const { call } = setup(dir.path, file);
    const r = await call('config.validate', {
      section: 'checks',
      value: {
        probes: [
          { name: 'API', type: 'http', url: 'not a url', interval: 'soon' },
          { name: 'API', type: 'http', url: 'http://x/', intervall: '5s' },
        ],
      },
    });
    assert.equal(r.ok, false);
    const paths = r.issues.map((i: { path: string }) => i.path);
    assert.ok(paths.includes('checks.probes.0.url'), paths.join());
    assert.ok(paths.includes('checks.probes.0.interval'), paths.join());
    assert.ok(
      paths.some((p: string) => p.startsWith('checks.probes.1')),
      paths.join(),
    );
    assert.ok(r.issues.every((i: { line: number | null }) => typeof i.line === 'number'));
    assert.equal(await readFile(file, 'utf8'), FILE_TEXT);
    const ok = await call('config.validate', { section: 'dashboard', value: { port: 7400 } });
    assert.deepEqual(ok, { ok: true, issues: [] });
  });

  it('config.update: an invalid section is refused with its paths and changes nothing', async () => {
    await writeFile(file, FILE_TEXT);
    const { call, applied } = setup(dir.path, file);
    await assert.rejects(
      call('config.update', { section: 'dashboard', value: { port: 'seven', colour: 'red' } }),
      (err: unknown) =>
        err instanceof RequestError &&
        err.code === 'bad_request' &&
        err.issues.some((i) => i.startsWith('dashboard.port')) &&
        err.issues.some((i) => i.includes('colour')),
    );
    await assert.rejects(call('config.update', { section: 'nonsense', value: {} }), RequestError);
    assert.equal(applied.length, 0);
    assert.equal(await readFile(file, 'utf8'), FILE_TEXT);
  });

  it('config.update: applies, then writes with comments kept and a .bak; a masked password stays', async () => {
    await writeFile(file, FILE_TEXT);
    const { call, applied } = setup(dir.path, file);
    const view = await call('config.get', {});
    const checks = structuredClone(view.document.checks);
    checks.probes[0].interval = '5s';
    assert.equal(checks.probes[1].url, 'http://admin:***@localhost:4000/health/liveliness');
    const r = await call('config.update', { section: 'checks', value: checks });
    assert.equal(r.created, false);
    assert.equal(r.backup, `${file}.bak`);
    assert.equal(applied[0]!.checks.probes[0]!.interval, 5000);
    const text = await readFile(file, 'utf8');
    assert.match(text, /- name: API # pages the on-call/);
    assert.match(text, /interval: 5s/);
    assert.match(text, /admin:hunter2@localhost:4000\/health/);
    assert.equal(parseConfigText(text, file).config.checks.probes[0]!.interval, 5000);
  });

  it('config.update: an apply that fails leaves the file as it was', async () => {
    await writeFile(file, FILE_TEXT);
    const { call } = setup(dir.path, file, true);
    await assert.rejects(
      call('config.update', { section: 'rules', value: { files: ['broken.yml'] } }),
      /not applied, the engine keeps running as before: rule file broken.yml/,
    );
    assert.equal(await readFile(file, 'utf8'), FILE_TEXT);
  });

  it('without a config file, the first update creates one in the data dir and says where', async () => {
    const { call, mod } = setup(dir.path, null);
    const created = join(dir.path, 'ccmon.yaml');
    await rm(created, { force: true }); // earlier tests used the same path
    const r = await call('config.update', { section: 'dashboard', value: { port: 7400 } });
    assert.equal(r.created, true);
    assert.equal(r.file, created);
    assert.equal(r.backup, null);
    assert.match(r.message, /--config/);
    assert.equal(mod.file(), created);
    assert.equal((await stat(created)).mode & 0o777, 0o600);
    assert.equal((await call('config.get', {})).file, created);
    assert.equal((await call('config.get', {})).unusedFile, false);
    // A later agent started without --config: it says the saved file exists but is not in use.
    const later = setup(dir.path, null);
    const view = await later.call('config.get', {});
    assert.equal(view.file, null);
    assert.equal(view.unusedFile, true);
    assert.equal(view.document.dashboard.port, 7400);
  });

  it('concurrent updates are serialized: both land', async () => {
    await writeFile(file, FILE_TEXT);
    const { call } = setup(dir.path, file);
    await Promise.all([
      call('config.update', { section: 'dashboard', value: { port: 7401 } }),
      call('config.update', { section: 'rules', value: { evaluationInterval: '15s' } }),
    ]);
    const loaded = parseConfigText(await readFile(file, 'utf8'), file).config;
    assert.equal(loaded.dashboard.port, 7401);
    assert.equal(loaded.rules.evaluationInterval, '15s');
  });

  it('a file that is not YAML is a clear bad request, not a crash', async () => {
    await writeFile(file, 'checks: [\n');
    const { call } = setup(dir.path, file);
    await assert.rejects(
      call('config.get', {}),
      (e: unknown) => e instanceof RequestError && e.code === 'bad_request',
    );
  });
});
