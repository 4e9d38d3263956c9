import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { scrapeSectionSchema } from '../../../../src-main/core/scrape/config.js';
import {
  createScrapeModule,
  expandTargets,
  isSelf,
  stampFor,
} from '../../../../src-main/core/scrape/module.js';
import { ScrapeTarget, type TargetSpec } from '../../../../src-main/core/scrape/target.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { gridOffset } from '../../../../src-main/core/system/cadence.js';
import { createSeriesStore } from '../../../../src-main/core/tsdb/store.js';
import {
  SeriesLimitError,
  type Labels,
  type SeriesAppender,
} from '../../../../src-main/core/tsdb/types.js';

/** Records what a collector appends, as the tsdb would receive it. */
class RecordingAppender implements SeriesAppender {
  samples: { labels: Labels; t: number; v: number }[] = [];
  stale: { labels: Labels; t: number }[] = [];
  append(labels: Labels, t: number, v: number) {
    this.samples.push({ labels, t, v });
  }
  markStale(labels: Labels, t: number) {
    this.stale.push({ labels, t });
  }
  last(name: string) {
    return this.samples.filter((s) => s.labels.__name__ === name).at(-1);
  }
}

/** Accepts at most `max` distinct series, refusing others as the store's series cap does. */
class CappedAppender extends RecordingAppender {
  private readonly keys = new Set<string>();
  constructor(private readonly max: number) {
    super();
  }
  override append(labels: Labels, t: number, v: number) {
    const key = JSON.stringify(Object.entries(labels).sort());
    if (!this.keys.has(key) && this.keys.size >= this.max)
      throw new SeriesLimitError(this.max, labels);
    this.keys.add(key);
    super.append(labels, t, v);
  }
}

let body = '';
let status = 200;
let contentType = 'text/plain; version=0.0.4';
let delayMs = 0;
/** When the server received the last request. */
let arrivedAt = 0;
let server: Server;
let port = 0;

before(async () => {
  server = createServer((_req, res) => {
    arrivedAt = Date.now();
    const answer = () => {
      res.writeHead(status, { 'Content-Type': contentType });
      res.end(body);
    };
    // No timer unless asked: one test simulates timers, and its server must still answer.
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function spec(over: Partial<TargetSpec> = {}): TargetSpec {
  return {
    job: 'api',
    address: `127.0.0.1:${port}`,
    url: new URL(`http://127.0.0.1:${port}/metrics`),
    labels: { job: 'api', instance: `127.0.0.1:${port}`, env: 'prod' },
    intervalMs: 1000,
    timeoutMs: 1000,
    honorLabels: false,
    bodySizeLimit: 64 * 1024,
    ...over,
  };
}

describe('scraping one target (Prometheus semantics)', () => {
  it('adds job/instance/static labels, renames clashes to exported_*, records up and scrape_* series', async () => {
    body = 'reqs_total{job="inner",code="200"} 5\nreqs_total{code="500",env=""} 1\n';
    status = 200;
    const app = new RecordingAppender();
    const h = await new ScrapeTarget(spec(), app).scrape();
    assert.equal(h.health, 'up');
    assert.equal(h.samples, 2);
    const reqs = app.samples.filter((s) => s.labels.__name__ === 'reqs_total');
    assert.deepEqual(reqs[0]!.labels, {
      __name__: 'reqs_total',
      exported_job: 'inner',
      code: '200',
      job: 'api',
      instance: `127.0.0.1:${port}`,
      env: 'prod',
    });
    // An empty label value is the same as no label, so env comes from the target without a clash.
    assert.equal(reqs[1]!.labels.env, 'prod');
    assert.equal(reqs[1]!.labels.exported_env, undefined);
    assert.equal(app.last('up')!.v, 1);
    assert.deepEqual(Object.keys(app.last('up')!.labels).sort(), [
      '__name__',
      'env',
      'instance',
      'job',
    ]);
    assert.equal(app.last('scrape_samples_scraped')!.v, 2);
    assert.ok(app.last('scrape_duration_seconds')!.v >= 0);
  });

  it('honor_labels keeps the exposed label', async () => {
    body = 'reqs_total{job="inner"} 5\n';
    const app = new RecordingAppender();
    await new ScrapeTarget(spec({ honorLabels: true }), app).scrape();
    assert.equal(app.last('reqs_total')!.labels.job, 'inner');
    assert.equal(app.last('reqs_total')!.labels.exported_job, undefined);
  });

  it('uses exposed timestamps and OpenMetrics when the server says so', async () => {
    contentType = 'application/openmetrics-text; version=1.0.0';
    body = '# TYPE x gauge\nx 1 1700000000.5\n# EOF\n';
    const app = new RecordingAppender();
    await new ScrapeTarget(spec(), app).scrape();
    assert.equal(app.last('x')!.t, 1700000000500);
    contentType = 'text/plain; version=0.0.4';
  });

  it('marks vanished series stale, and every series stale when the scrape fails', async () => {
    const app = new RecordingAppender();
    const target = new ScrapeTarget(spec(), app);
    body = 'a 1\nb 2\n';
    await target.scrape();
    body = 'a 1\n';
    await target.scrape();
    assert.deepEqual(
      app.stale.map((s) => s.labels.__name__),
      ['b'],
    );
    status = 503;
    const h = await target.scrape();
    status = 200;
    assert.equal(h.health, 'down');
    assert.match(h.lastError!, /HTTP status 503/);
    assert.deepEqual(
      app.stale.map((s) => s.labels.__name__),
      ['b', 'a'],
    );
    assert.equal(app.last('up')!.v, 0);
    assert.equal(app.last('scrape_samples_scraped')!.v, 0);
  });

  it('fails the scrape on invalid exposition text with the line, and on an oversize body', async () => {
    const app = new RecordingAppender();
    body = 'good 1\nbad{x="1" 2\n';
    let h = await new ScrapeTarget(spec(), app).scrape();
    assert.equal(h.health, 'down');
    assert.match(h.lastError!, /invalid exposition from .*: line 2: expected ',' or '}'/);
    assert.equal(
      app.samples.filter((s) => s.labels.__name__ === 'good').length,
      0,
      'nothing from a bad scrape is stored',
    );
    body = `big ${'1'.repeat(10)}\n`.repeat(10_000);
    h = await new ScrapeTarget(spec({ bodySizeLimit: 4096 }), app).scrape();
    assert.equal(h.health, 'down');
    assert.match(h.lastError!, /larger than 4096 bytes/);
  });

  it('reports an unreachable target as down with the reason', async () => {
    const app = new RecordingAppender();
    const h = await new ScrapeTarget(
      spec({ url: new URL('http://127.0.0.1:1/metrics') }),
      app,
    ).scrape();
    assert.equal(h.health, 'down');
    assert.match(h.lastError!, /connection refused at 127.0.0.1:1/);
    assert.equal(app.last('up')!.v, 0);
  });
});

describe('scrape timestamps, series cache and store refusals', () => {
  it('stamps every sample of a scrape with its start, not with the time the answer arrived', async () => {
    body = 'a 1\nb{x="1"} 2\n';
    delayMs = 300;
    const app = new RecordingAppender();
    const before = Date.now();
    await new ScrapeTarget(spec(), app).scrape();
    const received = Date.now();
    delayMs = 0;
    const stamps = new Set(app.samples.map((s) => s.t));
    assert.equal(stamps.size, 1, 'one timestamp for the whole scrape, report series included');
    const [t] = [...stamps];
    assert.ok(t! >= before && t! <= arrivedAt, `stamped ${t}, request arrived at ${arrivedAt}`);
    assert.ok(received - t! >= 290, 'not the time of receipt');
  });

  it('uses the scheduled tick time the scrape loop passes, staleness markers included', async () => {
    const app = new RecordingAppender();
    const target = new ScrapeTarget(spec(), app);
    body = 'a 1\nb 2\n';
    await target.scrape(undefined, 1_700_000_000_000);
    body = 'a 1\n';
    await target.scrape(undefined, 1_700_000_010_000);
    assert.deepEqual(
      [...new Set(app.samples.map((s) => s.t))],
      [1_700_000_000_000, 1_700_000_010_000],
    );
    assert.deepEqual(app.stale, [{ labels: app.samples[1]!.labels, t: 1_700_000_010_000 }]);
  });

  it('aligns to the tick within 1 % of the interval (≤ 100 ms), else keeps the actual start', () => {
    assert.equal(stampFor(10_005, 10_000, 1_000), 10_000);
    assert.equal(stampFor(10_011, 10_000, 1_000), 10_011);
    assert.equal(stampFor(10_100, 10_000, 60_000), 10_000);
    assert.equal(stampFor(10_101, 10_000, 60_000), 10_101);
    // A timer that fired "before" its tick by the wall clock (the clock was set back) keeps now.
    assert.equal(stampFor(9_999, 10_000, 1_000), 10_000);
    assert.equal(stampFor(9_000, 10_000, 1_000), 9_000);
  });

  it('hands the store the same label object for a series scraped again (scrape cache)', async () => {
    const app = new RecordingAppender();
    const target = new ScrapeTarget(spec(), app);
    body = 'a{x="1"} 1\nb 2\n';
    await target.scrape();
    body = 'b 3\na{x="1"} 4\nc 5\n';
    await target.scrape();
    const of = (name: string) => app.samples.filter((s) => s.labels.__name__ === name);
    assert.equal(of('a')[0]!.labels, of('a')[1]!.labels);
    assert.equal(of('b')[0]!.labels, of('b')[1]!.labels);
    assert.equal(of('up')[0]!.labels, of('up')[1]!.labels);
    assert.ok(Object.isFrozen(of('a')[0]!.labels));
    assert.deepEqual(
      of('c').map((s) => s.v),
      [5],
    );
    // A series that vanished and came back is relabelled from scratch, with equal labels.
    body = 'c 6\n';
    await target.scrape();
    body = 'a{x="1"} 7\n';
    await target.scrape();
    assert.deepEqual(of('a').at(-1)!.labels, of('a')[0]!.labels);
    assert.deepEqual(app.stale.map((s) => s.labels.__name__).sort(), ['a', 'b', 'c']);
  });

  it('keeps series across scrapes by labelled key: a new spelling is the same series, a collapse keeps the first', async () => {
    const app = new RecordingAppender();
    const target = new ScrapeTarget(spec({ honorLabels: true }), app);
    body = 'a{x="1",y="2"} 1\nb 1\n';
    await target.scrape();
    // The same series written with its labels in another order: no marker, the same object.
    body = 'a{y="2",x="1"} 2\nb 2\n';
    let h = await target.scrape();
    const of = (name: string) => app.samples.filter((s) => s.labels.__name__ === name);
    assert.deepEqual(
      of('a').map((s) => s.v),
      [1, 2],
    );
    assert.equal(of('a')[0]!.labels, of('a')[1]!.labels);
    assert.equal(app.stale.length, 0);
    assert.equal(h.warnings.length, 0);
    // Two texts collapsing into one series after labelling (honor_labels, the target's own
    // instance label): the first of the scrape is stored, in this scrape and the next.
    const inst = `127.0.0.1:${port}`;
    body = `b 3\nb{instance="${inst}"} 30\n`;
    h = await target.scrape();
    assert.match(h.warnings[0]!, /repeated after labelling/);
    body = `b{instance="${inst}"} 40\nb 4\n`;
    h = await target.scrape();
    assert.match(h.warnings[0]!, /repeated after labelling/);
    assert.deepEqual(
      of('b').map((s) => s.v),
      [1, 2, 3, 40],
    );
    assert.deepEqual(
      app.stale.map((s) => s.labels.__name__),
      ['a'],
    );
    // After a failed scrape everything is stale once; the next good scrape stores afresh.
    status = 503;
    await target.scrape();
    await target.scrape();
    status = 200;
    assert.deepEqual(
      app.stale.map((s) => s.labels.__name__),
      ['a', 'b'],
    );
    body = 'b 5\n';
    h = await target.scrape();
    assert.equal(h.samples, 1);
    assert.equal(of('b').at(-1)!.v, 5);
  });

  it('keeps exposition warnings and store refusals apart, neither hiding the other', async () => {
    body = 'a 1\na 2\nb 3\nc 4\n';
    const app = new CappedAppender(2);
    const h = await new ScrapeTarget(spec(), app).scrape();
    assert.equal(h.health, 'up');
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0]!, /line 2: duplicate series a/);
    // a and b fit; c and the three report series are refused: one line for all four.
    assert.equal(h.appendErrors.length, 1);
    assert.match(
      h.appendErrors[0]!,
      /^series limit of 2 reached: 4 new series not stored \(the first: c\{env="prod", .*\}\); raise tsdb\.maxSeries/,
    );
    // The next clean scrape starts from fresh lists.
    body = 'a 1\n';
    const again = await new ScrapeTarget(spec(), new RecordingAppender()).scrape();
    assert.deepEqual([again.warnings, again.appendErrors], [[], []]);
  });
});

describe('label names shared with Object.prototype, scrape to store', () => {
  it('keeps __proto__, toString and constructor through relabelling and the store', async () => {
    body = 'm{__proto__="a"} 1\nm{__proto__="b"} 2\nm{toString="t"} 3\nm 4\n';
    const store = createSeriesStore();
    const target = new ScrapeTarget(
      spec({ labels: { ...spec().labels, constructor: 'c' } }),
      store,
    );
    const h = await target.scrape();
    assert.equal(h.health, 'up');
    assert.deepEqual(h.warnings, []);
    const series = store.select([{ name: '__name__', op: '=', value: 'm' }], 0, Date.now() + 1000);
    assert.equal(series.length, 4, 'four series, none merged');
    const protos = series
      .map((s) => (Object.hasOwn(s.labels, '__proto__') ? s.labels['__proto__'] : null))
      .sort();
    assert.deepEqual(protos, ['a', 'b', null, null]);
    const label = (l: Labels, name: string) => (l as Record<string, unknown>)[name];
    assert.ok(series.every((s) => label(s.labels, 'constructor') === 'c'));
    assert.ok(series.some((s) => label(s.labels, 'toString') === 't'));
    assert.ok(series.every((s) => Object.getPrototypeOf(s.labels) === Object.prototype));
  });
});

describe('scrape jobs', () => {
  it("expands the seed jobs with their intervals and skips ccmon's own exporter", async () => {
    const config = scrapeSectionSchema.parse({});
    const specs = expandTargets(config);
    assert.deepEqual(
      specs.map((s) => [s.job, s.address, s.intervalMs]),
      [
        ['claude-code-api', 'localhost:8080', 10_000],
        ['llm-gateway', 'localhost:4000', 10_000],
        ['dev-containers', 'localhost:9323', 30_000],
        ['sandbox', 'localhost:9100', 15_000],
      ],
    );
    assert.ok(specs.every((s) => s.timeoutMs <= s.intervalMs));
    assert.equal(isSelf(specs[3]!, { host: '127.0.0.1', port: 9100 }), true);
    assert.equal(isSelf(specs[0]!, { host: '127.0.0.1', port: 9100 }), false);
    const mod = createScrapeModule({
      config,
      appender: new RecordingAppender(),
      logger: silentLogger,
      selfAddress: { host: '127.0.0.1', port: 9100 },
    });
    const list = await mod.handlers['targets.list']({});
    assert.equal(list.find((t) => t.job === 'sandbox')!.health, 'skipped');
    assert.match(list.find((t) => t.job === 'sandbox')!.lastError!, /ccmon's own exporter/);
  });

  it("reads ccmon's own exporter in-process under the job that points at it, dropping what is stored elsewhere", async () => {
    const config = scrapeSectionSchema.parse({});
    const scraped = new RecordingAppender();
    const own = new RecordingAppender();
    let reads = 0;
    const mod = createScrapeModule({
      config: { ...config, jobs: config.jobs.filter((j) => j.name === 'sandbox') },
      appender: scraped,
      logger: silentLogger,
      selfAddress: { host: '127.0.0.1', port: 9100 },
      self: {
        appender: own,
        render: async () => {
          reads++;
          return {
            contentType: 'text/plain; version=0.0.4',
            body: [
              'ccmon_backup_last_success_timestamp_seconds{set="app"} 1700000000',
              'node_memory_MemTotal_bytes 8e9',
              'claude_code_cost_usd 3.5',
              'ccmon_check_up{check="API"} 1',
              '',
            ].join('\n'),
          };
        },
      },
    });
    await mod.scrapeAll();
    await mod.scrapeAll();
    assert.equal(reads, 2);
    assert.deepEqual(scraped.samples, [], 'ccmon is not fed through the usage tap');
    const names = [...new Set(own.samples.map((s) => s.labels.__name__))].sort();
    assert.deepEqual(names, [
      'ccmon_backup_last_success_timestamp_seconds',
      'node_memory_MemTotal_bytes',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'up',
    ]);
    assert.deepEqual(own.last('ccmon_backup_last_success_timestamp_seconds')!.labels, {
      __name__: 'ccmon_backup_last_success_timestamp_seconds',
      set: 'app',
      instance: 'localhost:9100',
      job: 'sandbox',
    });
    assert.equal(own.last('scrape_samples_scraped')!.v, 2);
    // scrapeAll stamps with the time of the scrape, not an array index.
    assert.ok(Math.abs(own.last('up')!.t - Date.now()) < 60_000);
    const [target] = await mod.handlers['targets.list']({});
    assert.equal(target!.health, 'up');
    assert.match(target!.url, /localhost:9100\/metrics \(read in-process\)/);
  });

  it('scrapes on its grid and stamps the grid time; late scrapes keep their time, missed ones are skipped', async () => {
    body = 'tick 1\n';
    const app = new RecordingAppender();
    const config = scrapeSectionSchema.parse({
      jobs: [
        { name: 'grid', interval: '10s', staticConfigs: [{ targets: [`127.0.0.1:${port}`] }] },
      ],
    });
    // Timers and the grid's monotonic clock, and the wall clock, are simulated apart, as a
    // stepped wall clock splits them; the HTTP exchange with the test server is real.
    const t0 = 1_700_000_000_000;
    const m0 = 1_000_000.25; // performance.now() has fractions; stamps are whole ms
    let wall = t0;
    let mono = m0;
    mock.method(Date, 'now', () => wall);
    mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout'] });
    const mod = createScrapeModule({ config, appender: app, logger: silentLogger });
    const ups = () => app.samples.filter((s) => s.labels.__name__ === 'up').map((s) => s.t);
    const scraped = async (n: number) => {
      while (ups().length < n) await new Promise((r) => setImmediate(r));
      // Let the loop schedule its next tick after the scrape settled.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    /** Let `elapsed` ms pass, the wall clock stepping by `wallStep` more. */
    const step = async (elapsed: number, wallStep: number, n: number) => {
      mono += elapsed;
      wall += elapsed + wallStep;
      mock.timers.tick(elapsed);
      await scraped(n);
    };
    // The first scrape runs at once; then the target joins its grid time (its offset).
    const d = gridOffset(`grid/127.0.0.1:${port}`, 10_000) || 10_000;
    try {
      await mod.start();
      await step(0, 0, 1);
      await step(d, 0, 2); // on its grid time
      await step(10_060, 0, 3); // 60 ms late: within 1 % of 10 s, stamped on the grid time
      await step(10_340, 0, 4); // 400 ms late: stamped when it ran
      await step(49_600, 0, 5); // slept through the grid times 40 s … 70 s: skipped, not caught up
      await step(10_000, 0, 6); // back on the grid
      await step(10_000, -5_000, 7); // the wall clock stepped back 5 s: stamps follow it
      await step(10_000, 0, 8);
    } finally {
      await mod.stop();
      mock.timers.reset();
      mock.restoreAll();
    }
    assert.deepEqual(
      ups().map((t) => t - t0),
      [0, d, d + 10_000, d + 20_400, d + 70_000, d + 80_000, d + 85_000, d + 95_000],
    );
    assert.ok(ups().every(Number.isInteger), 'stamps in whole ms');
    // Every sample of a scrape carries the same stamp as its up sample.
    const ticks = app.samples.filter((s) => s.labels.__name__ === 'tick').map((s) => s.t);
    assert.deepEqual(ticks, ups());
  });

  it('scrapes on a schedule and stops cleanly', async () => {
    body = 'tick 1\n';
    const app = new RecordingAppender();
    const config = scrapeSectionSchema.parse({
      jobs: [
        { name: 'fast', interval: '100ms', staticConfigs: [{ targets: [`127.0.0.1:${port}`] }] },
      ],
    });
    const mod = createScrapeModule({ config, appender: app, logger: silentLogger });
    await mod.start();
    await new Promise((r) => setTimeout(r, 450));
    await mod.stop();
    const n = app.samples.filter((s) => s.labels.__name__ === 'up').length;
    assert.ok(n >= 2, `expected at least 2 scrapes, got ${n}`);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(
      app.samples.filter((s) => s.labels.__name__ === 'up').length,
      n,
      'no scrape after stop',
    );
  });
});
