/**
 * A real `ccmon agent` process whose wall clock is set back 30 s while it runs (Date only, from a
 * preload answering SIGUSR2; timers and the monotonic clock stay real, as with an NTP step). It
 * scrapes the simulator every second and evaluates `absent(up{job="young"})` with `for: 3s`
 * every second. The series is younger than the step, so evaluating at the stepped-back time
 * would find no sample and fire. Expected: rules.list reports the hold with its end, the alert is
 * never pending or firing, evaluation resumes once the clock passes the pre-step time, and the
 * store takes the scrapes again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runAgent, type RunningAgent } from '../../../bench/lib/agent-run.js';
import type { RulesListResult } from '../../../src-main/core/rules/contract.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { agentProcessConfig } from '../../helpers/agent-config.js';
import { tempDir, waitFor } from '../../helpers/ports.js';
import { writeRuleGroup } from '../../helpers/rule-manager.js';
import { startQuietSimulation } from '../../helpers/simulation.js';

const STEP_MS = -30_000;
const preload = fileURLToPath(new URL('./clock-step-preload.mjs', import.meta.url));

describe('a real agent with its clock set back 30 s', () => {
  let sim: Simulation;
  let agent: RunningAgent;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    sim = await startQuietSimulation({ tickMs: 1000 });
    dir = await tempDir('ccmon-agent-step-');
    const rules = await writeRuleGroup(dir.path, 'young', '1s', [
      { alert: 'YoungAbsent', expr: 'absent(up{job="young"})', for: '3s' },
    ]);
    const target = new URL(sim.urls.api).host;
    agent = await runAgent(
      await agentProcessConfig({
        scrape: {
          jobs: [{ name: 'young', interval: '1s', staticConfigs: [{ targets: [target] }] }],
        },
        rules: { defaults: false, files: [rules] },
      }),
      {
        fromSource: true,
        env: {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
          CCMON_TEST_CLOCK_STEP_MS: String(STEP_MS),
        },
      },
    );
  });
  after(async () => {
    await agent?.stop();
    await sim?.stop();
    await dir?.cleanup();
  });

  const rulesList = async () => (await agent.request<RulesListResult>('rules.list')).body;

  it(
    'holds the rules until the clock catches up; YoungAbsent never pending',
    { timeout: 120_000 },
    async () => {
      await waitFor(
        'a few evaluations on scraped data',
        async () => {
          const r = await rulesList();
          const targets = await agent.request<Array<{ health: string }>>('targets.list');
          return targets.body[0]?.health === 'up' && r.groups[0]?.lastEvaluation ? r : null;
        },
        30_000,
        250,
      );
      await new Promise((r) => setTimeout(r, 4000)); // the series is ~5 s old, far younger than 30 s
      const beforeStep = Date.now();
      process.kill(agent.pid, 'SIGUSR2');

      const states = new Set<string>();
      let heldUntil: string | null = null;
      let resumedAt = 0;
      const deadline = performance.now() + 50_000;
      while (performance.now() < deadline && !resumedAt) {
        const r = await rulesList();
        if (r.held) heldUntil = r.held.until;
        for (const rule of r.groups[0]!.rules)
          for (const a of rule.alerts ?? []) states.add(`${rule.name}:${a.state}`);
        if (heldUntil && !r.held) resumedAt = performance.now();
        await new Promise((res) => setTimeout(res, 250));
      }
      assert.ok(heldUntil, 'rules.list reported the hold');
      // The agent's clock showed about beforeStep when it was stepped; the hold ends about then.
      assert.ok(
        Math.abs(Date.parse(heldUntil) - beforeStep) < 5000,
        `held until ${heldUntil}, stepped at ${new Date(beforeStep).toISOString()}`,
      );
      assert.ok(resumedAt, 'evaluation resumed within 50 s');
      // A few more evaluations on fresh scrapes after the catch-up.
      await new Promise((r) => setTimeout(r, 5000));
      const r = await rulesList();
      for (const rule of r.groups[0]!.rules)
        for (const a of rule.alerts ?? []) states.add(`${rule.name}:${a.state}`);
      assert.deepEqual([...states], [], 'YoungAbsent never pending or firing');
      const targets = await agent.request<Array<{ health: string }>>('targets.list');
      assert.equal(targets.body[0]?.health, 'up');
      assert.doesNotMatch(agent.stderr(), /uncaught|FATAL/i);
    },
  );
});
