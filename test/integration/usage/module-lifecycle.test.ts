/**
 * The usage module across restarts and bad days: state saved in the data dir resumes cumulative
 * streams without counting twice; a corrupt state file is kept aside; a taken OTLP port does not
 * stop the module; budgets announce their 80 % / 100 % crossings on the bus.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBus } from '../../../src-main/core/bus.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { defaultUsageConfig, type UsageConfig } from '../../../src-main/core/usage/config.js';
import type { BudgetStatus } from '../../../src-main/core/usage/contract.js';
import { createUsageModule } from '../../../src-main/core/usage/module.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

function cumulative(v: number, time: string) {
  return JSON.stringify({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.token.usage',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: '1',
                      timeUnixNano: time,
                      asInt: String(v),
                      attributes: [
                        { key: 'user.email', value: { stringValue: 'gus@example.com' } },
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
  });
}

const nanos = (ms: number) => `${ms}000000`;

describe('usage module lifecycle', () => {
  let dir: TempDir;
  let config: UsageConfig;
  beforeEach(async () => {
    dir = await tempDir('ccmon-usage-life-');
    config = defaultUsageConfig();
    config.otlp.port = 0;
    config.transcripts.enabled = false;
  });
  afterEach(() => dir.cleanup());

  const post = (url: string, body: string) =>
    fetch(`${url}/v1/metrics`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
  const gus = (m: ReturnType<typeof createUsageModule>) =>
    m.ledger
      .allRows()
      .filter((r) => r.user === 'gus@example.com')
      .reduce((n, r) => n + r.tokens.input, 0);

  it('a restart resumes cumulative streams: re-sent points are not booked again', async () => {
    const now = Date.now();
    const a = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    await a.start();
    assert.equal((await post(a.otlpUrl()!, cumulative(100, nanos(now - 60_000)))).status, 200);
    assert.equal(gus(a), 100);
    await a.stop();

    const b = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    await b.start();
    try {
      assert.equal(gus(b), 100, 'the ledger came back');
      await post(b.otlpUrl()!, cumulative(100, nanos(now - 60_000))); // Claude Code retried its last export
      await post(b.otlpUrl()!, cumulative(130, nanos(now)));
      assert.equal(gus(b), 130);
    } finally {
      await b.stop();
    }
  });

  it('saves written one at a time: a flush while another is writing neither fails nor loses the newer state', async () => {
    const now = Date.now();
    const a = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    await a.start();
    try {
      await post(a.otlpUrl()!, cumulative(100, nanos(now - 60_000)));
      const first = a.flushState(); // as a tick's save, still writing when the next one starts
      await post(a.otlpUrl()!, cumulative(170, nanos(now)));
      await Promise.all([first, a.flushState(), a.flushState()]);
      assert.deepEqual(
        (await readdir(join(dir.path, 'usage'))).filter((f) => f.includes('.tmp')),
        [],
        'no temp file left behind',
      );
    } finally {
      await a.stop();
    }
    const b = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    await b.start();
    try {
      assert.equal(gus(b), 170, 'the newer ledger was saved');
    } finally {
      await b.stop();
    }
  });

  it('a corrupt state file is kept aside and the module starts empty', async () => {
    await mkdir(join(dir.path, 'usage'), { recursive: true });
    await writeFile(join(dir.path, 'usage', 'state.json'), '{"version":1,"ledger":');
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    const m = createUsageModule({ config, dataDir: dir.path, logger });
    await m.start();
    await m.stop();
    assert.match(warnings.join('\n'), /unreadable .*kept as .*corrupt/);
    assert.ok(
      (await readdir(join(dir.path, 'usage'))).some((f) => f.startsWith('state.json.corrupt-')),
    );
  });

  it('a taken OTLP port is reported in the status, not thrown', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    config.otlp.port = (blocker.address() as { port: number }).port;
    const m = createUsageModule({ config, dataDir: dir.path, logger: silentLogger });
    try {
      await m.start();
      const s = await m.handlers['usage.status']({});
      assert.equal(s.receiver.listening, false);
      assert.match(s.receiver.error ?? '', /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await m.stop();
      blocker.close();
    }
  });

  it('budgets publish their state changes on the bus', async () => {
    config.budgets = [
      {
        name: 'gus-day',
        scope: 'user',
        subject: 'gus@example.com',
        period: 'day',
        unit: 'tokens',
        limit: 200,
      },
    ];
    const bus = new EventBus();
    const seen: BudgetStatus[] = [];
    bus.on('usage.budget', (b) => seen.push(b));
    const m = createUsageModule({ config, dataDir: dir.path, logger: silentLogger, bus });
    await m.start();
    try {
      const now = Date.now();
      await post(m.otlpUrl()!, cumulative(170, nanos(now - 1000)));
      await m.tick();
      await post(m.otlpUrl()!, cumulative(260, nanos(now)));
      await m.tick();
      await m.tick();
      assert.deepEqual(
        seen.map((b) => b.state),
        ['warning', 'exceeded'],
      );
      assert.equal(seen[1]!.used, 260);
    } finally {
      await m.stop();
    }
  });
});
