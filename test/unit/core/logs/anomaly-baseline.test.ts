/**
 * The anomaly check's baseline (local files): a log that starts inside the two windows (a new
 * install, a new source) has an empty previous window because there were no logs, not because the
 * service was idle, so nothing is called an anomaly; once the logs reach back before the windows
 * (in the same file, or in an older rotated one that is not even read) the seed's rule applies.
 */
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logsConfigSchema } from '../../../../src-main/core/logs/config.js';
import { createLocalLogStore } from '../../../../src-main/core/logs/local-store.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

// Now: the files' own times (when they are written) must fall in the windows.
const NOW = Date.now();
const MIN = 60_000;

/** `n` request lines (with a latency) from `from` on, a minute apart. */
const requests = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      JSON.stringify({
        '@timestamp': new Date(from + i * MIN).toISOString(),
        level: 'INFO',
        message: 'POST /v1/messages 200',
        latency: 0.5,
        user_id: 'alice',
      }) + '\n',
  ).join('');

describe('anomaly baseline', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-logs-baseline-');
  });
  after(() => dir.cleanup());

  const store = (service: string) =>
    createLocalLogStore(
      logsConfigSchema.parse({
        sources: [{ service, paths: [join(dir.path, service, '*.log')] }],
        anomalyMinRequests: 5,
      }),
    );
  const folder = (service: string) => {
    const d = join(dir.path, service);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const anomalies = (service: string) =>
    store(service).anomalies({ hours: 1, now: new Date(NOW).toISOString() });

  it('a log that starts in the current hour: no baseline, no anomaly', async () => {
    writeFileSync(join(folder('fresh'), 'api.log'), requests(NOW - 50 * MIN, 40));
    const r = await anomalies('fresh');
    assert.equal(r.current.requests, 40);
    assert.equal(r.previous.requests, 0);
    assert.deepEqual([r.anomaly, r.baseline], [false, false]);
    assert.deepEqual(
      r.services.map((s) => [s.service, s.anomaly, s.baseline]),
      [['fresh', false, false]],
    );
  });

  it('requests logged before the previous hour, in the same file: the rate jump is an anomaly', async () => {
    writeFileSync(
      join(folder('reaching'), 'api.log'),
      requests(NOW - 3 * 60 * MIN, 2) + requests(NOW - 50 * MIN, 40),
    );
    const r = await anomalies('reaching');
    assert.deepEqual([r.previous.requests, r.current.requests], [0, 40]);
    assert.deepEqual([r.anomaly, r.baseline], [true, true]);
  });

  it('an older rotated file (not read: it ends before the windows) is a baseline too', async () => {
    const d = folder('rotated');
    writeFileSync(join(d, 'api.log'), requests(NOW - 50 * MIN, 40));
    const old = join(d, 'api.log.1');
    writeFileSync(old, requests(NOW - 30 * 60 * MIN, 3));
    const at = (NOW - 29 * 60 * MIN) / 1000;
    utimesSync(old, at, at);
    const r = await anomalies('rotated');
    assert.deepEqual([r.anomaly, r.baseline], [true, true]);
    // A steady rate against its baseline stays normal.
    writeFileSync(join(d, 'api.log'), requests(NOW - 110 * MIN, 100));
    assert.deepEqual(
      [(await anomalies('rotated')).anomaly, (await anomalies('rotated')).baseline],
      [false, true],
    );
  });
});
