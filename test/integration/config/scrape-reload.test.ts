/**
 * Scrape targets reloaded through config.update on a real agent scraping the simulator: a removed
 * job's series are marked stale at once (Prometheus's behaviour on target removal), so a rule on
 * its `up` resolves instead of lingering for the 5 m lookback; an added job is scraped at once.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Agent } from '../../../src-main/core/agent.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startAgentOnFile } from '../../helpers/agent.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

let sim: Simulation;
let dir: TempDir;
let agent: Agent;

before(async () => {
  sim = await startQuietSimulation();
  dir = await tempDir('ccmon-scrape-reload-');
  const rules = join(dir.path, 'up.yml');
  await writeFile(
    rules,
    'groups:\n  - name: up\n    interval: 200ms\n    rules:\n      - alert: ApiScraped\n        expr: up{job="api"} == 1\n',
  );
  const text = `exporter: { enabled: false }
usage: { otlp: { enabled: false }, transcripts: { enabled: false } }
checks: { probes: [] }
rules: { defaults: false, files: ["${rules}"] }
scrape:
  interval: 300ms
  jobs:
    - { name: api, staticConfigs: [{ targets: ["${new URL(sim.urls.api).host}"] }] }
`;
  ({ agent } = await startAgentOnFile(dir.path, text));
});
after(async () => {
  await agent?.stop();
  await sim?.stop();
  await dir?.cleanup();
});

const ruleState = async () => (await agent.handlers['rules.list']({})).groups[0]?.rules[0]?.state;

describe('scrape targets through config.update', () => {
  it('a removed job goes stale at once; an added one is scraped', async () => {
    await waitFor('the api job to be scraped', async () => (await ruleState()) === 'firing');
    const r = await agent.handlers['config.update']({
      section: 'scrape',
      value: {
        interval: '300ms',
        jobs: [{ name: 'gateway', staticConfigs: [{ targets: [new URL(sim.urls.gateway).host] }] }],
      },
    });
    assert.deepEqual(r.applied, ['scrape']);
    await waitFor(
      'the rule on the removed job to resolve',
      async () => (await ruleState()) === 'inactive',
      5000,
    );
    const targets = await agent.handlers['targets.list']({});
    // The configured job, then ccmon itself (always there, read in-process).
    assert.deepEqual(
      targets.map((t) => t.job),
      ['gateway', 'ccmon'],
    );
    await waitFor(
      'the new job to be scraped',
      async () => (await agent.handlers['targets.list']({}))[0]?.health === 'up',
    );
  });
});
