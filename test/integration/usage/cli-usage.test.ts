/**
 * End to end: `ccmon agent` receives Claude Code telemetry on its OTLP port, saves it when
 * stopped; `ccmon usage` then reports it (table, --json, --csv) together with this machine's
 * transcripts, and refuses bad flags with exit 2.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCcmonSync, spawnCcmon } from '../../helpers/cli.js';
import { earlierToday, utcDay } from '../../helpers/clock.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

const ccmon = runCcmonSync;

describe('ccmon usage', () => {
  let dir: TempDir;
  let env: NodeJS.ProcessEnv;
  let configFile: string;
  // When the fixture's points are stamped (below): 2-4 minutes ago, but today.
  const stamped = earlierToday(120_000);
  const today = utcDay(stamped);

  before(async () => {
    dir = await tempDir('ccmon-usage-cli-');
    const otlpPort = await freePort();
    const projects = join(dir.path, 'projects', '-home-me-repo');
    await mkdir(projects, { recursive: true });
    await writeFile(
      join(projects, 's.jsonl'),
      JSON.stringify({
        type: 'assistant',
        sessionId: 's',
        timestamp: new Date().toISOString(),
        requestId: 'r1',
        message: {
          id: 'm1',
          model: 'claude-haiku-4-5',
          usage: { input_tokens: 1000, output_tokens: 100 },
        },
      }) + '\n',
    );
    configFile = join(dir.path, 'ccmon.yaml');
    await writeFile(
      configFile,
      [
        'dashboard: { port: 0 }',
        'usage:',
        `  otlp: { port: ${otlpPort} }`,
        `  transcripts: { dir: ${JSON.stringify(join(dir.path, 'projects'))}, user: "local:me" }`,
        '  budgets:',
        '    - { name: org-daily, scope: organization, subject: org-1, period: day, unit: usd, limit: 0.03 }',
        '',
      ].join('\n'),
    );
    env = { ...process.env, CCMON_DATA_DIR: join(dir.path, 'data'), CCMON_CONFIG: configFile };

    const agent = spawnCcmon(['agent'], env);
    let out = '';
    agent.stdout!.on('data', (d) => (out += d));
    agent.stderr!.on('data', (d) => (out += d));
    try {
      await waitFor(
        'agent OTLP receiver',
        async () =>
          (
            await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, {
              method: 'POST',
              body: '{}',
              headers: { 'Content-Type': 'application/json' },
            }).catch(() => null)
          )?.status === 200,
        60_000,
      );
      // The fixture, moved to now (the receiver books points more than a day off at receive time anyway).
      const body = (
        await readFile(
          new URL('../../fixtures/usage/claude-code-metrics.json', import.meta.url),
          'utf8',
        )
      ).replaceAll('17638000', String(BigInt(stamped) * 1_000_000n).slice(0, 8));
      const res = await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 200, out);
    } finally {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }
  });
  after(() => dir.cleanup());

  it('--json: telemetry by user, with the budget evaluated', () => {
    const r = ccmon(['usage', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.source, 'telemetry');
    assert.deepEqual(
      s.rows.map((x: { key: string; tokens: number }) => [x.key, x.tokens]),
      [['alice@example.com', 51_545]],
    );
    assert.equal(s.budgets[0].state, 'warning', '0.0246 of 0.03 USD');
  });

  it('--source all --by model --csv includes the transcripts, priced', () => {
    const r = ccmon(['usage', '--source', 'all', '--by', 'model', '--csv', '--since', '1d'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\r\n');
    assert.equal(lines[0]!.split(',')[0], 'model');
    const haiku = lines.find((l) => l.startsWith('claude-haiku-4-5,'))!;
    assert.equal(haiku, 'claude-haiku-4-5,1100,1000,100,0,0,0.001500,0,0');
    assert.ok(lines.some((l) => l.startsWith('claude-sonnet-4-5-20250929,51545,')));
  });

  it('a readable table by day; bad flags exit 2 with a message naming the flag', () => {
    const r = ccmon(['usage', '--by', 'day'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${today}\\s+51545\\s+1200\\s+345\\s+50000`, 'm'));
    assert.match(r.stdout, /budget org-daily: \$0\.02 of \$0\.03/);
    const bad = ccmon(['usage', '--since', 'yesterday'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since 'yesterday' is not a date/);
    assert.equal(ccmon(['usage', '--by', 'week'], env).code, 2);
  });
});
