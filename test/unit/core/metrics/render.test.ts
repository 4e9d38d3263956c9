import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import {
  registrySource,
  renderTextFormat,
  renderTextParts,
} from '../../../../src-main/core/metrics/render.js';
import { parseExposition } from '../../../../src-main/core/scrape/exposition.js';

/** Every kind of metric and every escape the format has, on a fresh registry. */
function sampleRegistry(): { registry: Registry; counter: Counter<'a' | 'b'> } {
  const registry = new Registry();
  const registers = [registry];
  const counter = new Counter({
    name: 'c_total',
    help: 'a "help" with a \\ and a\nnewline',
    labelNames: ['a', 'b'],
    registers,
  });
  counter.inc({ a: 'x"y', b: 'new\nline\\' }, 2);
  counter.inc({ a: '1', b: '2' });
  counter.inc({ b: 3 }, 1);
  new Gauge({ name: 'g_nan', help: 'not a number', registers }).set(NaN);
  const g = new Gauge({ name: 'g', help: 'gauge', labelNames: ['x'], registers });
  g.set({ x: 'inf' }, Infinity);
  g.set({ x: 'ninf' }, -Infinity);
  g.set({ x: 'small' }, 1e-7);
  g.set({ x: 'big' }, 1e21);
  const h = new Histogram({
    name: 'h_seconds',
    help: 'histogram',
    labelNames: ['endpoint'],
    buckets: [0.1, 1],
    registers,
  });
  h.observe({ endpoint: '/a' }, 0.5);
  h.observe({ endpoint: '/b' }, 5);
  new Histogram({ name: 'h2', help: 'no labels', buckets: [1], registers }).observe(0.2);
  new Summary({
    name: 's',
    help: 'summary',
    percentiles: [0.5],
    labelNames: ['q'],
    registers,
  }).observe({ q: 'z' }, 3);
  new Gauge({ name: 'empty', help: 'no series yet', labelNames: ['l'], registers });
  return { registry, counter };
}

describe("the exporter's text-format renderer", () => {
  it("writes exactly prom-client's text, NaN spelled as the format specifies", async () => {
    const { registry } = sampleRegistry();
    const ours = await renderTextFormat(registry);
    const theirs = await registry.metrics();
    assert.equal(ours, theirs.replace(/ Nan$/m, ' NaN'));
    assert.match(ours, /^g_nan NaN$/m);
    assert.match(ours, /^c_total\{a="x\\"y",b="new\\nline\\\\"\} 2$/m);
    assert.match(ours, /^h_seconds_bucket\{le="0.1",endpoint="\/a"\} 0$/m);
    // Our own parser reads it back with every value.
    const parsed = parseExposition(ours);
    assert.equal(parsed.warnings.length, 0);
    assert.equal(parsed.samples.length, theirs.split('\n').filter((l) => /^[a-z]/.test(l)).length);
  });

  it('renders changed values and new or removed series on the next scrape (nothing stale cached)', async () => {
    const { registry, counter } = sampleRegistry();
    await renderTextFormat(registry);
    counter.inc({ a: '1', b: '2' }, 5);
    counter.inc({ a: 'new', b: 'series' });
    let text = await renderTextFormat(registry);
    assert.match(text, /^c_total\{a="1",b="2"\} 6$/m);
    assert.match(text, /^c_total\{a="new",b="series"\} 1$/m);
    counter.remove({ a: 'new', b: 'series' });
    text = await renderTextFormat(registry);
    assert.doesNotMatch(text, /a="new"/);
    assert.equal(text, (await registry.metrics()).replace(/ Nan$/m, ' NaN'));
  });

  it('passes promtool check metrics', async (t) => {
    const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (probe.error) return t.skip('promtool not installed');
    const { registry } = sampleRegistry();
    const lint = spawnSync('promtool', ['check', 'metrics'], {
      input: await renderTextFormat(registry),
      encoding: 'utf8',
    });
    // promtool's linter only complains about names here (a counter without _total, units), never syntax.
    assert.doesNotMatch(lint.stdout + lint.stderr, /error|unexpected|invalid/i);
  });

  it('renders only the families asked for, without collecting the others', async () => {
    const { registry } = sampleRegistry();
    let collected = 0;
    new Gauge({
      name: 'skipped',
      help: 'computed at collect',
      registers: [registry],
      collect() {
        collected++;
        this.set(1);
      },
    });
    const keep = (name: string) => name.startsWith('h');
    const text = (await renderTextParts(registry, { keepFamily: keep })).join('');
    const full = await registry.metrics();
    assert.equal(collected, 1, 'collected once, by the full render only');
    const families = (t: string) =>
      [...new Set(parseExposition(t).samples.map((s) => s.labels.__name__!))].sort();
    assert.deepEqual(
      families(text),
      families(full).filter((n) => n.startsWith('h')),
    );
    assert.ok(full.includes(text.split('\n\n')[0]!), 'each family as the full render writes it');
  });

  it("renders the sample lines alone for ccmon's own store, the same samples as the exposition", async () => {
    const { registry, counter } = sampleRegistry();
    const source = registrySource(registry);
    const exposition = async () => (await renderTextParts(registry)).join('');
    const samplesOf = (text: string) =>
      parseExposition(text).samples.map((s) => [s.series, s.value]);
    for (let round = 0; round < 3; round++) {
      // Alternating with the exporter's renders: both share what is cached per family.
      const own = (await source(() => true)).body;
      const full = await exposition();
      assert.ok(own.endsWith('\n'));
      const lines = own.slice(0, -1).split('\n');
      assert.ok(
        lines.every((l) => l !== '' && !l.startsWith('#')),
        'no HELP, TYPE or blank line',
      );
      assert.deepEqual(samplesOf(own), samplesOf(full));
      assert.equal(
        own,
        `${full
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('#'))
          .join('\n')}\n`,
      );
      counter.inc({ a: '1', b: '2' }, round + 1);
    }
    const only = (await source((n) => n === 'empty')).body;
    assert.equal(only, '\n', 'a family without samples leaves nothing');
  });

  it("leaves registries with default labels to prom-client's own rendering", async () => {
    const { registry } = sampleRegistry();
    registry.setDefaultLabels({ host: 'h1' });
    assert.equal(await renderTextFormat(registry), await registry.metrics());
  });
});
