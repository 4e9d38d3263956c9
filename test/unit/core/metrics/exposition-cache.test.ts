import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { ExpositionCache } from '../../../../src-main/core/metrics/exposition-cache.js';
import { renderTextFormat, renderTextParts } from '../../../../src-main/core/metrics/render.js';

/** A render the test finishes by hand, counting how often it was started. */
function manualRender() {
  const pending: Array<{ resolve: (p: string[]) => void; reject: (e: Error) => void }> = [];
  return {
    pending,
    render: () =>
      new Promise<string[]>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

describe('the exposition cache', () => {
  it('scrapes during a render share it: one render, one Buffer for all', async () => {
    const r = manualRender();
    const cache = new ExpositionCache({ render: r.render, maxAgeMs: 0 });
    const waiting = Array.from({ length: 20 }, () => cache.get());
    assert.equal(r.pending.length, 1, 'one render started for 20 scrapes');
    r.pending[0]!.resolve(['a 1', '\n']);
    const got = await Promise.all(waiting);
    assert.ok(
      got.every((g) => g.body === got[0]!.body),
      'the very same Buffer',
    );
    assert.equal(got[0]!.body.toString(), 'a 1\n');
    // Nothing in flight and no reuse allowed: the next scrape renders again.
    void cache.get();
    assert.equal(r.pending.length, 2);
  });

  it('serves a finished render for maxAgeMs from its start, then renders again', async () => {
    let now = 1000;
    const r = manualRender();
    const cache = new ExpositionCache({ render: r.render, maxAgeMs: 1000, now: () => now });
    const first = cache.get();
    now = 1300; // the render took 300 ms: its values are from 1000
    r.pending[0]!.resolve(['x 1\n']);
    const body = (await first).body;
    now = 2000;
    assert.equal(cache.fresh()?.body, body, 'exactly maxAgeMs old: still served');
    assert.equal((await cache.get()).body, body);
    assert.equal(r.pending.length, 1);
    now = 2001;
    assert.equal(cache.fresh(), null, 'older than maxAgeMs');
    const next = cache.get();
    assert.equal(r.pending.length, 2);
    r.pending[1]!.resolve(['x 2\n']);
    assert.equal((await next).body.toString(), 'x 2\n');
    assert.equal(cache.renders, 2);
  });

  it('a failed render reaches every waiter and is not kept', async () => {
    const r = manualRender();
    const cache = new ExpositionCache({ render: r.render, maxAgeMs: 60_000 });
    const a = cache.get();
    const b = cache.get();
    r.pending[0]!.reject(new Error('collect blew up'));
    await assert.rejects(a, /collect blew up/);
    await assert.rejects(b, /collect blew up/);
    assert.equal(cache.fresh(), null);
    const c = cache.get();
    assert.equal(r.pending.length, 2, 'the next scrape renders again');
    r.pending[1]!.resolve(['ok 1\n']);
    assert.equal((await c).body.toString(), 'ok 1\n');
  });

  it('the body is byte-identical to the text renderer, multi-byte label values included', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'g', help: 'h', labelNames: ['v'], registers: [registry] });
    g.set({ v: 'café ☕' }, 1);
    g.set({ v: 'new\nline "q" \\' }, 2);
    const cache = new ExpositionCache({ render: () => renderTextParts(registry), maxAgeMs: 0 });
    const { body } = await cache.get();
    const text = await renderTextFormat(registry);
    assert.equal(body.toString('utf8'), text);
    assert.equal(body.length, Buffer.byteLength(text), 'length in bytes, not characters');
  });
});
