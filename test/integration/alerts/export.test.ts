/**
 * `ccmon rules export --out DIR` through the real CLI, checked by the real tools: promtool check
 * config (which also loads the rule file), promtool check rules, amtool check-config; the Grafana
 * dashboard's eight queries are checked by promtool as recording rules.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import {
  importAlertmanagerYaml,
  storeImportedSecrets,
} from '../../../src-main/core/alerts/import.js';
import { FileSecretStore } from '../../../src-main/core/secrets/store.js';
import { execCcmon } from '../../helpers/cli.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const run = promisify(execFile);
const seedAm = new URL('../../fixtures/alerts/seed-alertmanager.yml', import.meta.url);

// No session bus: the 0600 file store, never the developer's own keyring.
const ccmon = (args: string[], env: Record<string, string>) =>
  execCcmon(args, { ...process.env, DBUS_SESSION_BUS_ADDRESS: '', ...env });

describe('ccmon rules export', () => {
  let dir: TempDir;
  let out: string;
  let stderr: string;

  before(async () => {
    dir = await tempDir('ccmon-export-');
    out = join(dir.path, 'out');
    const dataDir = join(dir.path, 'data');
    // A config made by importing the seed's alertmanager.yml (secrets in the store).
    const imp = importAlertmanagerYaml(await readFile(seedAm, 'utf8'), 'alertmanager.yml');
    await storeImportedSecrets(imp, new FileSecretStore(dataDir));
    const cfgFile = join(dir.path, 'ccmon.yaml');
    await writeFile(cfgFile, stringify({ version: 1, alerts: imp.section }));
    const r = await ccmon(
      ['--config', cfgFile, 'rules', 'export', '--out', out, '--with-secrets'],
      {
        CCMON_DATA_DIR: dataDir,
      },
    );
    stderr = r.stderr;
  });
  after(() => dir.cleanup());

  it('writes a prometheus.yml that promtool accepts, with ccmon and the seed targets', async () => {
    const r = await run('promtool', ['check', 'config', join(out, 'prometheus.yml')]);
    assert.match(r.stdout + r.stderr, /SUCCESS/);
    const doc = parse(await readFile(join(out, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      rule_files: string[];
    };
    const jobs = doc.scrape_configs.map((j) => j.job_name);
    for (const j of ['claude-code-api', 'llm-gateway', 'dev-containers', 'sandbox'])
      assert.ok(jobs.includes(j), jobs.join());
    // The seed's `sandbox` job on :9100 is ccmon's exporter now: not scraped twice.
    const all = doc.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets));
    assert.equal(all.filter((t) => t.endsWith(':9100')).length, 1);
  });

  it('writes a rule file promtool accepts', async () => {
    const doc = parse(await readFile(join(out, 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
    };
    const r = await run('promtool', ['check', 'rules', ...doc.rule_files.map((f) => join(out, f))]);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
  });

  it("writes the seed's routing as an alertmanager.yml amtool accepts, secrets in 0600 files", async () => {
    const r = await run('amtool', ['check-config', join(out, 'alertmanager.yml')]);
    assert.match(r.stdout, /SUCCESS/);
    assert.match(r.stdout, /3 receivers/);
    assert.match(r.stdout, /1 inhibit rules/);
    const text = await readFile(join(out, 'alertmanager.yml'), 'utf8');
    assert.ok(!text.includes('hooks.slack.com'), 'secrets are not inline');
    assert.match(text, /api_url_file: secrets\/alertmanager\.critical-alerts\.slack\.0\.api_url/);
    const secretFile = join(out, 'secrets', 'alertmanager.critical-alerts.slack.0.api_url');
    assert.equal(
      await readFile(secretFile, 'utf8'),
      'https://hooks.slack.com/services/XXX/YYY/ZZZ',
    );
    assert.equal((await stat(secretFile)).mode & 0o777, 0o600);
    assert.match(stderr, /desktop route .* not exported/);
  });

  it("writes the seed's eight Grafana panels with queries promtool accepts", async () => {
    const dash = JSON.parse(await readFile(join(out, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    assert.equal(dash.panels.length, 8);
    assert.deepEqual(dash.panels.map((p) => p.title).slice(0, 3), [
      'API 请求速率',
      'API 延迟 (P95)',
      '活跃会话数',
    ]);
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
    assert.ok(
      exprs.some((e) => e.includes('increase(claude_code_tokens_used_total[1h])')),
      'tokens per hour',
    );
    const asRules = {
      groups: [
        { name: 'panels', rules: exprs.map((expr, i) => ({ record: `panel:expr${i}`, expr })) },
      ],
    };
    const file = join(dir.path, 'panels.yml');
    await writeFile(file, stringify(asRules));
    const r = await run('promtool', ['check', 'rules', file]);
    assert.match(r.stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });

  it('without --with-secrets it writes no secret and says which files to create', async () => {
    const out2 = join(dir.path, 'out2');
    const r = await ccmon(['rules', 'export', '--out', out2, '--json'], {
      CCMON_DATA_DIR: join(dir.path, 'data2'),
    });
    const result = JSON.parse(r.stdout) as { files: string[]; notes: string[] };
    assert.equal(result.files.length >= 4, true);
    await assert.rejects(stat(join(out2, 'secrets')));
  });
});
