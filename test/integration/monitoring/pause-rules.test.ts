/**
 * Rules and the pause switch on a real agent: while paused no rule evaluates, so a rule that fires
 * on missing data (absent_over_time) stays quiet across the gap, and after a resume the first
 * evaluation already sees fresh data. Rules also reload live through config.update, and a rule file
 * that does not parse is refused with the old rules and the old file kept.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AlertView } from '../../../src-main/core/alerts/contract.js';
import type { RulesListResult } from '../../../src-main/core/rules/contract.js';
import type { HeadlessAgent } from '../../../src-main/http/headless.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { requestAgent, startHeadlessOnFile } from '../../helpers/agent.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

let sim: Simulation;
let dir: TempDir;
let file: string;
let agent: HeadlessAgent;

const call = <T>(name: string, params: unknown = {}, expect = 200) =>
  requestAgent<T>(agent, name, params, expect);

const missingRule = async () => {
  const list = await call<RulesListResult>('rules.list');
  const g = list.groups.find((x) => x.name === 'gap')!;
  return { group: g, rule: g.rules[0]! };
};

const MISSING = `groups:
  - name: gap
    interval: 300ms
    rules:
      - alert: CheckDataMissing
        expr: absent_over_time(ccmon_check_up{check="API Health"}[1s])
`;

before(async () => {
  sim = await startQuietSimulation();
  dir = await tempDir('ccmon-pause-rules-');
  await writeFile(join(dir.path, 'gap.yml'), MISSING);
  await writeFile(
    join(dir.path, 'extra.yml'),
    'groups:\n  - name: extra\n    rules:\n      - record: api:up\n        expr: ccmon_check_up\n',
  );
  await writeFile(
    join(dir.path, 'broken.yml'),
    'groups:\n  - name: broken\n    rules:\n      - alert: X\n        expr: rate(\n',
  );
  ({ agent, file } = await startHeadlessOnFile(
    dir.path,
    `exporter: { enabled: false }
usage: { otlp: { enabled: false }, transcripts: { enabled: false } }
scrape: { jobs: [] }
rules:
  defaults: false
  files: [${join(dir.path, 'gap.yml')}]
checks:
  probes:
    - { name: API Health, type: http, url: "${sim.urls.api}/health", interval: 300ms }
`,
  ));
});
after(async () => {
  await agent?.stop();
  await sim?.stop();
  await dir?.cleanup();
});

describe('rules while paused', () => {
  it('do not evaluate on the gap, and see fresh data first after a resume', async () => {
    await waitFor(
      'the rule to evaluate on live data',
      async () => (await missingRule()).group.lastEvaluation,
    );
    assert.equal((await missingRule()).rule.state, 'inactive');

    await call('monitoring.pause', { by: 'test' });
    const at = (await missingRule()).group.lastEvaluation;
    // Longer than the rule's 1 s window: had it evaluated, the data would be absent and it would fire.
    await new Promise((r) => setTimeout(r, 1800));
    const during = await missingRule();
    assert.equal(during.group.lastEvaluation, at, 'no evaluation while paused');
    assert.equal(during.rule.state, 'inactive');

    await call('monitoring.resume');
    await waitFor('evaluations after the resume', async () => {
      const r = await missingRule();
      return r.group.lastEvaluation !== at && r.group.lastEvaluation! > at! ? r : null;
    });
    // A few evaluations later it has never been pending or firing, and no alert reached the notifier.
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await missingRule()).rule.state, 'inactive');
    const alerts = await call<AlertView[]>('alerts.list');
    assert.ok(
      !alerts.some((a) => a.labels.alertname === 'CheckDataMissing'),
      JSON.stringify(alerts),
    );
  });
});

describe('rules through config.update', () => {
  it('reload at once; a rule file that does not parse is refused and changes nothing', async () => {
    const files = [join(dir.path, 'gap.yml'), join(dir.path, 'extra.yml')];
    const r = await call<{ applied: string[] }>('config.update', {
      section: 'rules',
      value: { defaults: false, files },
    });
    assert.deepEqual(r.applied, ['rules']);
    const groups = (await call<RulesListResult>('rules.list')).groups.map((g) => g.name);
    assert.deepEqual(groups.sort(), ['extra', 'gap']);

    const before = await readFile(file, 'utf8');
    const body = await call<{ error: { message: string } }>(
      'config.update',
      { section: 'rules', value: { defaults: false, files: [join(dir.path, 'broken.yml')] } },
      400,
    );
    assert.match(
      body.error.message,
      /not applied, the engine keeps running as before: rules: .*broken\.yml/,
    );
    assert.equal(await readFile(file, 'utf8'), before);
    const still = await call<RulesListResult>('rules.list');
    assert.deepEqual(still.groups.map((g) => g.name).sort(), ['extra', 'gap']);
    // …and the engine's rules config went back too: a plain reload keeps the two groups.
    await call('rules.reload');
    assert.equal((await call<RulesListResult>('rules.list')).groups.length, 2);
  });
});
