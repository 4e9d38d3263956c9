/**
 * The seed's per-user daily counters `tokens:{user}:{date}` against a real redis-server,
 * including Redis going away mid-ingest: ingestion goes on, and the counters catch up when it
 * returns, without counting anything twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { silentLogger } from '../../../src-main/core/log.js';
import { defaultUsageConfig } from '../../../src-main/core/usage/config.js';
import { createUsageModule } from '../../../src-main/core/usage/module.js';
import { ingestMetrics } from '../../../src-main/core/usage/otlp/metrics-ingest.js';
import { RedisTokenCounters } from '../../../src-main/core/usage/redis-counters.js';
import { UsageLedger } from '../../../src-main/core/usage/ledger.js';
import { createRecorder } from '../../../src-main/core/usage/recorder.js';
import { UsageSeries } from '../../../src-main/core/usage/series.js';
import { SilenceTracker } from '../../../src-main/core/usage/silence.js';
import { SumAccumulator } from '../../../src-main/core/usage/temporality.js';
import { startRedis, type RunningServer } from '../../helpers/servers.js';
import { earlierToday, utcDay } from '../../helpers/clock.js';
import { tempDir, waitFor } from '../../helpers/ports.js';

const BASE_MS = earlierToday(60_000);
const day = utcDay(BASE_MS);

function tokenBatch(user: string, window: number, n: number) {
  // A fixed base: windows must differ by their number only, never by when they were built.
  const start = BigInt(BASE_MS + window * 10) * 1_000_000n;
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.token.usage',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: String(start),
                      timeUnixNano: String(start + 10_000_000n),
                      asInt: String(n),
                      attributes: [
                        { key: 'user.email', value: { stringValue: user } },
                        { key: 'model', value: { stringValue: 'claude-sonnet-4-5' } },
                        { key: 'type', value: { stringValue: 'input' } },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** redis-server on a fixed port we can restart on (startRedis picks a new port each time). */
function spawnRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
}

describe('Redis per-user daily token counters', () => {
  let redis: RunningServer;
  let counters: RedisTokenCounters;
  let client: Redis;
  const ledger = new UsageLedger();
  let opts: Parameters<typeof ingestMetrics>[1];

  before(async () => {
    redis = await startRedis();
    counters = new RedisTokenCounters({
      url: redis.url,
      keyPrefix: 'tokens',
      ttlSeconds: 86_400,
      maxBacklogKeys: 100,
      logger: silentLogger,
      flushEveryMs: 100,
    });
    counters.start();
    client = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 200,
    });
    client.on('error', () => {});
    await client.connect();
    const recorder = createRecorder({
      ledger,
      series: new UsageSeries(null, null),
      silence: new SilenceTracker([], 60_000, Date.now()),
      redis: counters,
    });
    opts = {
      recorder,
      accumulator: new SumAccumulator(),
      bookCost: true,
      teamAttribute: 'team',
      teams: {},
    };
    await waitFor('counters connected', async () => counters.up);
  });

  after(async () => {
    await counters.stop();
    client.disconnect();
    await redis.stop();
  });

  it('writes tokens:{user}:{date} with INCRBY and a one-day expiry', async () => {
    ingestMetrics(tokenBatch('ann@example.com', 1, 700), opts);
    const second = tokenBatch('ann@example.com', 2, 300);
    ingestMetrics(second, opts);
    ingestMetrics(second, opts); // re-sent: not counted again
    await waitFor(
      'counter written',
      async () => (await client.get(`tokens:ann@example.com:${day}`)) === '1000',
    );
    const ttl = await client.ttl(`tokens:ann@example.com:${day}`);
    assert.ok(ttl > 86_000 && ttl <= 86_400, `ttl ${ttl}`);
    assert.equal(await counters.read('ann@example.com', day), 1000);
  });

  it('keeps ingesting while Redis is down and catches up when it returns', async () => {
    const port = redis.port;
    const dir = await tempDir('ccmon-redis-restart-');
    redis.process.kill('SIGKILL');
    await waitFor('counters notice the outage', async () => !counters.up);
    for (let w = 10; w < 20; w++) ingestMetrics(tokenBatch('ben@example.com', w, 50), opts);
    ingestMetrics(tokenBatch('ann@example.com', 30, 5), opts);
    // Ingestion went on: the ledger has it all; Redis owes two keys.
    const ben = ledger.allRows().find((r) => r.user === 'ben@example.com')!;
    assert.equal(ben.tokens.input, 500);
    await new Promise((r) => setTimeout(r, 300)); // several failed flushes
    assert.equal(counters.backlogKeys, 2);
    assert.equal(await counters.read('ben@example.com', day), null, 'unreachable, not zero');

    const again = spawnRedis(port, dir.path);
    try {
      await waitFor(
        'counters reconnect and flush',
        async () => counters.up && counters.backlogKeys === 0,
        15_000,
      );
      const c2 = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1 });
      try {
        // The restarted server is empty (no persistence): it holds exactly what was owed.
        assert.equal(await c2.get(`tokens:ben@example.com:${day}`), '500');
        assert.equal(await c2.get(`tokens:ann@example.com:${day}`), '5');
      } finally {
        c2.disconnect();
      }
    } finally {
      again.kill('SIGTERM');
      await new Promise((r) => again.once('exit', r));
      await dir.cleanup();
    }
  });

  it('bounds the backlog: past maxBacklogKeys the oldest key is dropped and counted', () => {
    const small = new RedisTokenCounters({
      url: 'redis://127.0.0.1:1',
      keyPrefix: 'tokens',
      ttlSeconds: 60,
      maxBacklogKeys: 3,
      logger: silentLogger,
    });
    for (const u of ['a', 'b', 'c', 'd']) small.add(u, day, 10);
    assert.equal(small.backlogKeys, 3);
    assert.equal(small.droppedTokens, 10);
  });
});

describe('usage.redisCounters: the counters read back for the views', () => {
  it('shows each user’s tokens:{user}:{date} next to what the ledger booked', async () => {
    const redis = await startRedis();
    const dir = await tempDir('ccmon-usage-redis-view-');
    const config = defaultUsageConfig();
    config.otlp.port = 0;
    config.transcripts.enabled = false;
    config.redis.url = redis.url;
    const usage = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    await usage.start();
    try {
      const res = await fetch(`${usage.otlpUrl()}/v1/metrics`, {
        method: 'POST',
        body: JSON.stringify(tokenBatch('ivy@example.com', 1, 4321)),
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 200);
      await waitFor('flushed', async () => usage.redis!.up && usage.redis!.backlogKeys === 0);
      const rows = await usage.handlers['usage.redisCounters']({ limit: 10 });
      assert.deepEqual(rows, [
        {
          user: 'ivy@example.com',
          day,
          key: `tokens:ivy@example.com:${day}`,
          tokens: 4321,
          ledgerTokens: 4321,
        },
      ]);
    } finally {
      await usage.stop();
      await redis.stop();
      await dir.cleanup();
    }
  });
});
