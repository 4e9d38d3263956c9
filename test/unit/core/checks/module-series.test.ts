import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checksSectionSchema } from '../../../../src-main/core/checks/config.js';
import { createChecksModule } from '../../../../src-main/core/checks/module.js';
import type { ProbeTable } from '../../../../src-main/core/checks/probe-context.js';
import { PROBES } from '../../../../src-main/core/checks/probes.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import {
  createSeriesStore,
  type Labels,
  type SeriesStore,
} from '../../../../src-main/core/tsdb/index.js';

let server: Server;
let base = '';
before(async () => {
  server = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

/** A memory "probe" reporting two mounts and a value that is not a number. */
const probes: ProbeTable = {
  ...PROBES,
  memory: async () => ({
    status: 'healthy',
    message: 'ok',
    values: { 'used_percent|mount=/': 41, 'used_percent|mount=/home': 7, broken: NaN },
  }),
};

function checksModule(store: SeriesStore, checks: unknown[], seen?: Labels[]) {
  return createChecksModule({
    config: checksSectionSchema.parse({ probes: checks }),
    appender: {
      append: (labels, t, v) => {
        seen?.push(labels);
        store.append(labels, t, v);
      },
      markStale: (labels, t) => store.markStale(labels, t),
    },
    logger: silentLogger,
    probes,
  });
}

const samplesOf = (store: SeriesStore, matchers: Record<string, string>) =>
  store.select(
    Object.entries(matchers).map(([name, value]) => ({ name, op: '=' as const, value })),
    0,
    Date.now() + 1000,
  );

describe('checks module series', () => {
  it('writes every result of a check to the same series, with one labels object each', async () => {
    const store = createSeriesStore();
    const seen: Labels[] = [];
    const mod = checksModule(
      store,
      [
        { name: 'api', type: 'http', url: `${base}/health`, labels: { team: 'platform' } },
        { name: 'mem', type: 'memory' },
      ],
      seen,
    );
    for (let i = 0; i < 3; i++) {
      await mod.runNow();
      await new Promise((r) => setTimeout(r, 5)); // distinct timestamps
    }
    // api: up, duration, status_code, response_time_seconds; mem: up, duration, two mounts.
    assert.equal(store.stats().series, 8);
    const up = samplesOf(store, { __name__: 'ccmon_check_up', check: 'api' });
    assert.equal(up.length, 1);
    assert.deepEqual(up[0]!.labels, { __name__: 'ccmon_check_up', check: 'api', team: 'platform' });
    assert.equal(up[0]!.samples.length, 3);
    const home = samplesOf(store, { __name__: 'ccmon_check_used_percent', mount: '/home' });
    assert.deepEqual(home[0]!.labels, {
      __name__: 'ccmon_check_used_percent',
      check: 'mem',
      mount: '/home',
    });
    assert.deepEqual(
      home[0]!.samples.map((s) => s.v),
      [7, 7, 7],
    );
    assert.equal(samplesOf(store, { __name__: 'ccmon_check_broken' }).length, 0);
    // The store is handed the same frozen object for a series each time (found by identity).
    const distinct = new Set(seen);
    assert.equal(distinct.size, 8, 'one labels object per series');
    for (const labels of distinct) assert.ok(Object.isFrozen(labels));
    await mod.stop();
  });

  it('after a reload renames a check and changes its labels, its samples go to the new series', async () => {
    const store = createSeriesStore();
    const before = checksModule(store, [
      { name: 'api', type: 'http', url: `${base}/health`, labels: { team: 'platform' } },
    ]);
    await before.runNow();
    await before.stop();
    await new Promise((r) => setTimeout(r, 5));
    // A reload rebuilds the module from the new config (config/slots.ts).
    const afterReload = checksModule(store, [
      { name: 'public api', type: 'http', url: `${base}/health`, labels: { team: 'core' } },
    ]);
    await afterReload.runNow();
    await new Promise((r) => setTimeout(r, 5)); // distinct timestamps: the same one is one sample
    await afterReload.runNow();
    await afterReload.stop();
    const old = samplesOf(store, { __name__: 'ccmon_check_up', check: 'api' });
    assert.equal(old[0]!.samples.length, 1, 'nothing more written under the old name');
    assert.equal(old[0]!.labels.team, 'platform');
    const renamed = samplesOf(store, { __name__: 'ccmon_check_up', check: 'public api' });
    assert.deepEqual(renamed[0]!.labels, {
      __name__: 'ccmon_check_up',
      check: 'public api',
      team: 'core',
    });
    assert.equal(renamed[0]!.samples.length, 2);
    assert.equal(
      samplesOf(store, { __name__: 'ccmon_check_up', check: 'public api', team: 'platform' })
        .length,
      0,
    );
  });

  it('a configured label may override the check label, as the label order always allowed', async () => {
    const store = createSeriesStore();
    const mod = checksModule(store, [
      { name: 'mem', type: 'memory', labels: { check: 'memory', __proto__x: 'y' } },
    ]);
    await mod.runNow();
    await mod.stop();
    const up = samplesOf(store, { __name__: 'ccmon_check_up' });
    assert.deepEqual(up[0]!.labels, {
      __name__: 'ccmon_check_up',
      check: 'memory',
      __proto__x: 'y',
    });
  });
});
