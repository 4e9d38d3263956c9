import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  combinePanel,
  histogramQuantile,
  sumSeries,
} from '../../../src-renderer/charts/combine.js';
import { PANELS, formatAxis, legendFor, stepFor } from '../../../src-renderer/charts/panels';

const panel = (id: string) => PANELS.find((p) => p.id === id)!;
const s = (labels: Record<string, string>, points: Array<[number, number | null]>) => ({
  labels,
  points,
});

describe('chart panels (the seed eight, over series.query)', () => {
  it('are the seed eight with its titles', () => {
    assert.equal(PANELS.length, 8);
    assert.deepEqual(
      PANELS.map((p) => p.id),
      [
        'request-rate',
        'latency-p95',
        'active-sessions',
        'token-usage',
        'cost',
        'error-rate',
        'sandbox-violations',
        'resources',
      ],
    );
  });

  it('draws 24 h at the 15 s scrape interval, and 7 d within the same point budget', () => {
    assert.equal(stepFor(15 * 60), 15);
    assert.equal(stepFor(86_400), 15);
    assert.equal(86_400 / stepFor(86_400), 5760);
    assert.equal(stepFor(7 * 86_400), 105);
  });

  it("formats legends as Grafana's legendFormat does", () => {
    assert.equal(
      legendFor('{{ model }} - {{ type }}', { model: 'opus', type: 'input' }),
      'opus - input',
    );
    assert.equal(legendFor('{{endpoint}}', {}), '{}');
  });

  it('sums by labels, carrying a gauge forward between samples', () => {
    const q = { metric: 'm', agg: 'last' as const, sumBy: [], legend: 'total' };
    const out = sumSeries(
      q,
      [
        s({ u: 'a' }, [
          [1, 1],
          [3, 3],
        ]),
        s({ u: 'b' }, [[2, 10]]),
      ],
      [1, 2, 3],
    );
    // a: 1, 1 (carried), 3; b: -, 10, 10 (carried)
    assert.deepEqual(out, [{ label: 'total', values: [1, 11, 13] }]);
  });

  it('computes the error ratio from the 5xx and total rates', () => {
    const data = combinePanel(panel('error-rate'), [
      [
        s({ status: '200', endpoint: '/a' }, [
          [1000, 9],
          [2000, 10],
        ]),
        s({ status: '503', endpoint: '/a' }, [
          [1000, 1],
          [2000, 0],
        ]),
      ],
    ]);
    assert.deepEqual(data.xs, [1, 2]);
    assert.deepEqual(data.series, [{ label: 'Error rate', values: [0.1, 0] }]);
  });

  it('computes histogram_quantile as Prometheus does (interpolated within the bucket)', () => {
    // 100 observations: 50 ≤ 0.5 s, 90 ≤ 1 s, 100 ≤ 2.5 s. P95 rank 95 lies in (1, 2.5]: 1 + 1.5 × 5/10.
    const buckets = [
      { le: 0.5, count: 50 },
      { le: 1, count: 90 },
      { le: 2.5, count: 100 },
      { le: Infinity, count: 100 },
    ];
    assert.equal(histogramQuantile(0.95, buckets), 1.75);
    assert.equal(histogramQuantile(0.5, buckets), 0.5);
    // Rank in +Inf: the largest finite bound.
    assert.equal(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
      1,
    );
    assert.equal(
      histogramQuantile(0.95, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
      null,
    );
    assert.equal(histogramQuantile(0.95, [{ le: 1, count: 3 }]), null, 'no +Inf bucket');
  });

  it('builds the P95 panel from bucket rates summed over endpoints', () => {
    const bucket = (endpoint: string, le: string, v: number) => s({ endpoint, le }, [[5000, v]]);
    const data = combinePanel(panel('latency-p95'), [
      [
        bucket('/a', '0.5', 30),
        bucket('/b', '0.5', 20),
        bucket('/a', '1', 50),
        bucket('/b', '1', 40),
        bucket('/a', '+Inf', 50),
        bucket('/b', '+Inf', 50),
      ],
    ]);
    // Summed: 50 ≤ 0.5, 90 ≤ 1, 100 total → P95 in +Inf → 1.
    assert.deepEqual(data.series, [{ label: 'P95', values: [1] }]);
  });

  it('drops series without a single value (a rate needs two samples)', () => {
    const data = combinePanel(panel('sandbox-violations'), [[s({}, [[1000, null]])]]);
    assert.deepEqual(data.series, []);
  });

  it('scales to per hour and per minute as the legends say', () => {
    const tokens = combinePanel(panel('token-usage'), [
      [s({ model: 'opus', type: 'input', user: 'a' }, [[0, 2]])],
    ]);
    assert.deepEqual(tokens.series, [{ label: 'opus - input', values: [7200] }]);
    const sandbox = combinePanel(panel('sandbox-violations'), [[s({}, [[0, 0.5]])]]);
    assert.deepEqual(sandbox.series[0]!.values, [30]);
    assert.equal(formatAxis('tokensph', 12_345), '12.3k');
    assert.equal(formatAxis('ratio', 0.05), '5%');
  });
});

describe('incremental chart refresh', () => {
  it('refreshes once a step, and every 5 s while a chart has nothing to draw yet', async () => {
    const { refreshMs } = await import('../../../src-renderer/charts/useChartData');
    assert.equal(refreshMs(15 * 60), 15_000);
    assert.equal(refreshMs(7 * 24 * 3600), 105_000);
    assert.equal(refreshMs(15 * 60, true), 5_000);
    assert.equal(refreshMs(7 * 24 * 3600, true), 5_000);
  });
  it('replaces the re-read buckets, appends new ones and drops what left the window', async () => {
    const { mergeSeries } = await import('../../../src-renderer/charts/useChartData');
    const a = { job: 'x' };
    const merged = mergeSeries(
      [
        s(a, [
          [0, 1],
          [15, 2],
          [30, 3],
        ]),
        s({ job: 'gone' }, [[0, 9]]),
      ],
      [
        s(a, [
          [30, 4],
          [45, 5],
        ]),
        s({ job: 'new' }, [[45, 1]]),
      ],
      30,
      15,
    );
    assert.deepEqual(merged, [
      s(a, [
        [15, 2],
        [30, 4],
        [45, 5],
      ]),
      s({ job: 'new' }, [[45, 1]]),
    ]);
  });
});
