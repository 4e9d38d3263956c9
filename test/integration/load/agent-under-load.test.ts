/**
 * Load (issue 10, item 4), the functional half: a real `ccmon agent` process with 500 HTTP check
 * targets on the simulator, under 200 concurrent scrapers of its exporter and OTLP at ten times
 * the normal rate of 100 sessions, both for a bounded 12 s, while a prober asks /healthz and the
 * dashboard API. Only facts are asserted: every answer correct, nothing failed or crashed, the
 * checks kept running, RSS growth under a generous bound, no socket or fd left open afterwards.
 * The figures (latencies, RSS over time, anchors) are in bench/load.bench.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fdsOf, rssOf, runAgent } from '../../../bench/lib/agent-run.js';
import { loadConfigYaml, scrapeUntil, startProber } from '../../../bench/lib/load-scenario.js';
import { driveSessions, sessionWork } from '../../../bench/lib/otlp-sessions.js';
import { freePort, waitFor } from '../../helpers/ports.js';
import { startQuietSimulation } from '../../helpers/simulation.js';

const CHECKS = 500;
const SCRAPERS = 200;
const LOAD_MS = 12_000;
/** 100 sessions, one request each every 250 ms: ten times what 100 real sessions send. */
const SESSIONS = 100;
const PACE_MS = 250;

interface CheckSummary {
  name: string;
  last: { at: string } | null;
}

test('500 checks, 200 scrapers and OTLP at 10×: every answer right, memory and fds bounded', async (t) => {
  const sim = await startQuietSimulation({ tickMs: 1000 });
  const ports = { exporter: await freePort(), otlp: await freePort() };
  const agent = await runAgent(loadConfigYaml(sim, ports, CHECKS), { fromSource: true });
  try {
    // Warm: every one of the 500 checks has reported once.
    await waitFor(
      'all 500 checks to report',
      async () => {
        const r = await agent.request<CheckSummary[]>('checks.list');
        return r.body.filter((c) => c.last).length === CHECKS;
      },
      60_000,
      500,
    );
    const before = { rss: rssOf(agent.pid), ...fdsOf(agent.pid) };
    const loadStart = new Date();

    const prober = startProber(agent, 250);
    const until = performance.now() + LOAD_MS;
    const otlpWork = Array.from({ length: SESSIONS }, (_, i) =>
      sessionWork(`load${i}@example.com`, `load-${i}`, LOAD_MS / PACE_MS / 4),
    );
    const [scrapes, otlp] = await Promise.all([
      scrapeUntil(`http://127.0.0.1:${ports.exporter}/metrics`, SCRAPERS, until, (body) =>
        body.includes('ccmon_check_up{') && body.endsWith('\n') ? null : 'truncated or empty body',
      ),
      driveSessions(ports.otlp, otlpWork, PACE_MS),
    ]);
    const probes = await prober.stop();
    t.diagnostic(
      `scrapes ok ${scrapes.ok} failed ${scrapes.failed}; otlp items ${otlp.items} failed ${otlp.failed}; ` +
        `probes ${probes.healthzMs.length}; rss ${(before.rss / 2 ** 20).toFixed(0)} → ` +
        `${(Math.max(...probes.rss) / 2 ** 20).toFixed(0)} MB; fds ${before.fds}`,
    );

    assert.deepEqual(scrapes.errors, [], 'every scrape answered 200 with a whole exposition');
    assert.ok(scrapes.ok >= SCRAPERS, `each scraper answered at least once (${scrapes.ok})`);
    assert.equal(otlp.failed, 0, 'every OTLP export accepted');
    assert.equal(otlp.items, SESSIONS * (LOAD_MS / PACE_MS / 4) * (11 + 3 * 4));
    assert.deepEqual(probes.errors, [], '/healthz and status.get answered right throughout');
    assert.ok(probes.healthzMs.length >= 3, 'the prober got answers during the load');
    assert.equal(agent.child.exitCode, null, 'the agent is still running');

    // The checks kept running under the load: every one reported again after it began.
    await waitFor(
      'every check to report after the load began',
      async () => {
        const r = await agent.request<CheckSummary[]>('checks.list');
        return r.body.every((c) => c.last && new Date(c.last.at) > loadStart);
      },
      30_000,
      500,
    );
    // Memory bounded, generously: the load itself holds buffers for 200 clients (~160 MB seen here).
    const peak = Math.max(...probes.rss);
    assert.ok(peak < before.rss + 320 * 2 ** 20, `RSS peak ${peak} within ${before.rss} + 320 MiB`);
    // Every scraper and OTLP socket is closed again on the agent's side.
    const after = await waitFor(
      'the agent to close the load sockets',
      async () => {
        const f = fdsOf(agent.pid);
        return f.sockets <= before.sockets + 2 ? f : null;
      },
      20_000,
      250,
    );
    assert.ok(after.fds <= before.fds + 4, `fds ${after.fds} vs ${before.fds} before`);
    assert.doesNotMatch(agent.stderr(), /uncaught|FATAL|heap out of memory/i);
  } finally {
    await agent.stop();
    await sim.stop();
  }
});
