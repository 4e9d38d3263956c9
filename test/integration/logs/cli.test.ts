/**
 * `ccmon logs …` as an admin runs it: a real process, a config file pointing at the fixture logs,
 * JSON on stdout, warnings on stderr, and the exit-code contract (0 done, 1 failed or anomaly, 2 bad input).
 */
import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FIXTURE_NOW,
  fixtureLogsConfig,
  materializeLogFixtures,
} from '../../fixtures/logs/fixtures.js';
import { runCcmon } from '../../helpers/cli.js';
import { freePort, tempDir, type TempDir } from '../../helpers/ports.js';

describe('ccmon logs', () => {
  let dir: TempDir;
  let configFile: string;

  const ccmon = (...args: string[]) =>
    runCcmon(['--config', configFile, ...args], {
      ...process.env,
      CCMON_DATA_DIR: join(dir.path, 'data'),
    });

  before(async () => {
    dir = await tempDir('ccmon-logs-cli-');
    await materializeLogFixtures(dir.path);
    configFile = join(dir.path, 'ccmon.json');
    await writeFile(configFile, JSON.stringify({ version: 1, logs: fixtureLogsConfig(dir.path) }));
  });
  after(() => dir.cleanup());

  it('errors --json prints total and hits, newest first, with malformed lines on stderr', async () => {
    const r = await ccmon(
      'logs',
      'errors',
      '--hours',
      '24',
      '--now',
      FIXTURE_NOW,
      '--limit',
      '5',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      total: number;
      hits: { timestamp: string; level: string }[];
    };
    assert.deepEqual(Object.keys(out), ['total', 'hits']);
    assert.equal(out.total, 25);
    assert.equal(out.hits.length, 5);
    assert.deepEqual(
      out.hits.map((h) => h.timestamp),
      out.hits
        .map((h) => h.timestamp)
        .sort()
        .reverse(),
    );
    assert.match(r.stderr, /2 malformed line\(s\) skipped/);
    assert.match(r.stderr, /app\.log at byte \d+: invalid JSON/);
  });

  it('slow --threshold 2s and 500ms', async () => {
    const slow = async (threshold: string) =>
      JSON.parse(
        (
          await ccmon(
            'logs',
            'slow',
            '--threshold',
            threshold,
            '--hours',
            '24',
            '--now',
            FIXTURE_NOW,
            '--json',
          )
        ).stdout,
      );
    const two = await slow('2s');
    const half = await slow('500ms');
    assert.ok(two.total > 0 && half.total > two.total);
    assert.ok(two.hits.every((h: { latencySeconds: number }) => h.latencySeconds >= 2));
  });

  it('user ID --days 7 prints the activity object; text output is a table', async () => {
    const r = await ccmon('logs', 'user', 'alice', '--days', '7', '--now', FIXTURE_NOW, '--json');
    assert.equal(r.code, 0, r.stderr);
    const u = JSON.parse(r.stdout);
    assert.equal(u.userId, 'alice');
    assert.equal(u.daily.length, 7);
    assert.equal(u.daily[0].date, '2026-11-20');
    assert.equal(
      u.totalRequests,
      u.daily.reduce((a: number, d: { requests: number }) => a + d.requests, 0),
    );
    const text = await ccmon('logs', 'user', 'alice', '--now', FIXTURE_NOW);
    assert.match(text.stdout, /^alice: \d+ requests, \d+ tokens over 7 days/);
  });

  it('anomalies exits 1 when the rate doubled and 0 when it did not', async () => {
    const spike = await ccmon('logs', 'anomalies', '--hours', '1', '--now', FIXTURE_NOW, '--json');
    assert.equal(spike.code, 1);
    const a = JSON.parse(spike.stdout);
    assert.equal(a.anomaly, true);
    assert.ok(a.current.ratePerHour > 2 * a.previous.ratePerHour);
    const calm = await ccmon('logs', 'anomalies', '--hours', '1', '--now', '2026-11-20T09:00:00Z');
    assert.equal(calm.code, 0, calm.stdout);
    assert.match(calm.stdout, /^normal:/);
  });

  it('reads fresh lines without --now', async () => {
    const t = new Date().toISOString();
    await appendFile(
      join(dir.path, 'claude-code/app.log'),
      `{"@timestamp":"${t}","level":"CRITICAL","message":"disk full just now"}\n`,
    );
    const r = await ccmon('logs', 'errors', '--hours', '1', '--json');
    const out = JSON.parse(r.stdout);
    assert.equal(out.hits[0].message, 'disk full just now');
  });

  it('bad options exit 2 and say which', async () => {
    for (const [args, why] of [
      [['logs', 'slow', '--threshold', 'fast'], /--threshold: expected a duration/],
      [['logs', 'errors', '--backend', 'splunk'], /--backend: expected local or elasticsearch/],
      [
        ['logs', 'errors', '--offset', '9990', '--limit', '20'],
        /offset \+ limit must be at most 10000/,
      ],
    ] as const) {
      const r = await ccmon(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
  });

  it('an unreachable Elasticsearch exits 1 naming the cluster', async () => {
    const port = await freePort();
    const es = join(dir.path, 'es.json');
    await writeFile(
      es,
      JSON.stringify({
        version: 1,
        logs: {
          backend: 'elasticsearch',
          elasticsearch: { node: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 },
        },
      }),
    );
    const r = await runCcmon(['--config', es, 'logs', 'errors']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`elasticsearch http://127.0.0.1:${port} \\(claude-code-\\*\\): cannot connect`),
    );
  });
});
