/**
 * The delivery guarantee across kill -9: a real `ccmon agent` process with three integrations on
 * one route (two webhooks and SMTP) is SIGKILLed at named points of delivery (CCMON_TEST_CRASH_AT)
 * and at random moments, restarted on the same data dir, and fed alerts the way a rule engine
 * keeps sending them. The receivers' logs are then counted per (group, status).
 *
 * What holds: every firing and resolved notification arrives at every sink; a crash before the
 * send (or between the outbox and notification-log writes) costs nothing; a crash after a receiver
 * accepted a request but before the outbox recorded it re-sends that one notification once, with
 * the same idempotency key (Idempotency-Key header, Message-ID), so it can be dropped.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentProcessConfig, oncallEmail, quickRoute } from '../../helpers/agent-config.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { startAgentProcess, type AgentProcess } from './agent-process.js';
import { httpReceipts, mailReceipts, story, type Receipt } from './delivery-log.js';
import { startSwitchableHttp, startSwitchableSmtp, type SwitchableReceiver } from './peers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('delivery guarantee: kill -9 of the agent in the middle of delivery', () => {
  let http: SwitchableReceiver;
  let smtp: SwitchableReceiver;
  let dir: TempDir;
  let cfgFile: string;
  const agents: AgentProcess[] = [];

  const sinks = (): Record<string, Receipt[]> => ({
    'webhook a': httpReceipts(http, '/a'),
    'webhook b': httpReceipts(http, '/b'),
    email: mailReceipts(smtp),
  });

  before(async () => {
    http = await startSwitchableHttp();
    smtp = await startSwitchableSmtp();
    dir = await tempDir('ccmon-crash-');
    cfgFile = join(dir.path, 'ccmon.yaml');
    await writeFile(
      cfgFile,
      await agentProcessConfig({
        alerts: {
          route: quickRoute('team'),
          receivers: [
            {
              name: 'team',
              webhook: [{ url: `${http.url}/a` }, { url: `${http.url}/b` }],
              email: [oncallEmail(smtp.port, { sendResolved: true })],
            },
          ],
          desktop: { enabled: false },
        },
      }),
    );
  });
  after(async () => {
    await killAll();
    await http.close();
    await smtp.close();
    await dir.cleanup();
  });

  async function start(data: string, crashAt?: string): Promise<AgentProcess> {
    const a = await startAgentProcess(cfgFile, data, crashAt);
    agents.push(a);
    return a;
  }
  /** Whatever a failed test left running must not hold the dashboard port for the next. */
  async function killAll() {
    for (const a of agents.splice(0)) await a.kill9();
  }

  /**
   * Send the group's alert as a rule engine does (every 200 ms, firing, then resolved once every
   * sink told firing) until every sink was told both; an agent that died is restarted without a
   * crash point. Returns the number of SIGKILLs seen.
   */
  async function drive(
    group: string,
    data: string,
    first: AgentProcess,
    opts: { crashAtResolve?: string; killer?: () => number | null } = {},
  ): Promise<{ kills: number; agent: AgentProcess }> {
    let agent = first;
    let kills = 0;
    const startsAt = new Date().toISOString();
    let phase: 'firing' | 'resolved' = 'firing';
    let resolvedAt = '';
    const told = (status: string) =>
      Object.values(sinks()).every((l) => l.some((r) => r.what === `${group} ${status}`));
    const deadline = Date.now() + 120_000;
    let killAt = opts.killer?.() ?? null;
    let quietSince = 0;
    for (;;) {
      assert.ok(
        Date.now() < deadline,
        `${group}: not delivered in 2 minutes: ${JSON.stringify(sinks())}`,
      );
      if (phase === 'firing' && told('firing')) {
        phase = 'resolved';
        resolvedAt = new Date().toISOString();
        if (opts.crashAtResolve) {
          await agent.stop();
          agent = await start(data, opts.crashAtResolve);
        }
      }
      if (phase === 'resolved' && told('resolved')) {
        // Keep sending the resolved alert a little longer: nothing more may arrive.
        quietSince ||= Date.now();
        if (Date.now() - quietSince > 1500) return { kills, agent };
      }
      const alert = {
        labels: { alertname: group, severity: 'critical' },
        annotations: { summary: `${group} summary` },
        startsAt,
        ...(phase === 'resolved' ? { endsAt: resolvedAt } : {}),
      };
      await agent.post([alert]);
      if (killAt !== null && Date.now() >= killAt) {
        await agent.kill9();
        killAt = null;
      }
      const how = await Promise.race([agent.ended, sleep(200).then(() => 'running' as const)]);
      if (how !== 'running') {
        assert.equal(how, 'SIGKILL', `the agent ended by ${how}: ${agent.output()}`);
        kills++;
        agent = await start(data);
        killAt = opts.killer?.() ?? null;
      }
    }
  }

  function assertStory(group: string, kills: number, exactlyOnce: boolean) {
    for (const [sink, list] of Object.entries(sinks())) {
      const s = story(list, group);
      const what = `${sink} ${group}: ${JSON.stringify(s)}`;
      assert.deepEqual(s.order, ['firing', 'resolved'], what);
      assert.equal(s.firingKeys, 1, `one firing notification: ${what}`);
      assert.equal(s.resolvedKeys, 1, `one resolved notification: ${what}`);
      if (exactlyOnce) assert.deepEqual([s.firing, s.resolved], [1, 1], what);
      else assert.ok(s.firing + s.resolved <= 2 + kills, `at most one duplicate per kill: ${what}`);
    }
  }

  const points: [string, string, 'firing' | 'resolve', boolean][] = [
    ['OutboxWritten', 'outbox-written', 'firing', true],
    ['BeforeSend', 'before-send', 'firing', true],
    ['BeforeSendResolved', 'before-send', 'resolve', true],
    ['AfterFirstSink', 'after-send:1', 'firing', false],
    ['AfterFirstSinkResolved', 'after-send:1', 'resolve', false],
  ];
  for (const [group, point, when, exactlyOnce] of points) {
    const title =
      `crash at ${point} while sending the ${when === 'firing' ? 'firing' : 'resolved'}: ` +
      (exactlyOnce ? 'exactly once' : 'one duplicate with the same key');
    it(title, async (t) => {
      t.after(killAll);
      const data = join(dir.path, group);
      const first = await start(data, when === 'firing' ? point : undefined);
      const { kills, agent } = await drive(group, data, first, {
        crashAtResolve: when === 'resolve' ? point : undefined,
      });
      await agent.stop();
      assert.equal(kills, 1, 'the crash point was reached');
      assertStory(group, kills, exactlyOnce);
      if (!exactlyOnce) {
        const status = when === 'firing' ? 'firing' : 'resolved';
        const dup = Object.values(sinks()).some(
          (l) => l.filter((r) => r.what === `${group} ${status}`).length === 2,
        );
        assert.ok(dup, 'the sink that had accepted before the kill got it again (same key)');
      }
    });
  }

  it('kill -9 at random moments: every notification arrives, duplicates only with their key', async (t) => {
    let seed = Number(process.env.CCMON_TEST_SEED ?? Date.now() % 100_000);
    t.after(killAll);
    t.diagnostic(`seed ${seed} (CCMON_TEST_SEED to replay)`);
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const data = join(dir.path, 'random');
    let agent = await start(data);
    let total = 0;
    for (const group of ['RandomA', 'RandomB', 'RandomC', 'RandomD']) {
      // Each group sees at most two kills, each 0–1.5 s after the agent answers.
      let budget = 2;
      const killer = () => (budget-- > 0 ? Date.now() + Math.floor(random() * 1500) : null);
      const r = await drive(group, data, agent, { killer });
      agent = r.agent;
      total += r.kills;
      assertStory(group, r.kills, false);
    }
    await agent.stop();
    const dups = Object.values(sinks())
      .flatMap((l) => ['RandomA', 'RandomB', 'RandomC', 'RandomD'].map((g) => story(l, g)))
      .reduce((n, s) => n + s.firing + s.resolved - 2, 0);
    t.diagnostic(`${total} kills, ${dups} duplicate deliveries (same key) over 4 groups × 3 sinks`);
    assert.ok(total >= 4, `${total} kills`);
  });
});
