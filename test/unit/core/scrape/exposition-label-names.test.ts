/**
 * Label names that are also names of Object.prototype members. `__proto__` is a valid label name
 * in both formats ([a-zA-Z_][a-zA-Z0-9_]*); assigned into a plain object it would set the
 * prototype instead and the label would silently vanish (two targets' series then merge).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ExpositionError,
  parseExposition,
  seriesKey,
  type ExpositionFormat,
} from '../../../../src-main/core/scrape/exposition.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('label names shared with Object.prototype', () => {
  for (const format of ['text', 'openmetrics'] as ExpositionFormat[])
    it(`${format}: __proto__, constructor, toString … are kept as ordinary labels`, () => {
      const body =
        'm{__proto__="p",constructor="c",toString="t",hasOwnProperty="h",valueOf="v"} 1\n' +
        (format === 'openmetrics' ? '# EOF\n' : '');
      const [s] = parseExposition(body, format).samples;
      assert.ok(s);
      assert.deepEqual(Object.keys(s.labels).sort(), ['__name__', ...PROTOTYPE_NAMES].sort());
      assert.equal(s.labels['__proto__'], 'p');
      assert.equal(s.labels.constructor, 'c');
      // The prototype itself is untouched (no pollution, and the labels still behave as an object).
      assert.equal(Object.getPrototypeOf(s.labels), Object.prototype);
      assert.equal(({} as Record<string, unknown>).p, undefined);
    });

  it('series that differ only in __proto__ stay apart', () => {
    const { samples } = parseExposition('m{__proto__="a"} 1\nm{__proto__="b"} 2\nm 3\n');
    assert.equal(samples.length, 3);
    assert.equal(new Set(samples.map((s) => seriesKey(s.labels))).size, 3);
    assert.deepEqual(
      samples.map((s) => ({ ...s.labels })),
      [
        { __name__: 'm', ['__proto__']: 'a' },
        { __name__: 'm', ['__proto__']: 'b' },
        { __name__: 'm' },
      ],
    );
  });

  it('__proto__ given twice is refused like any repeated label', () => {
    assert.throws(
      () => parseExposition('m{__proto__="a",__proto__="b"} 1\n'),
      (e: unknown) => e instanceof ExpositionError && /label __proto__ given twice/.test(e.reason),
    );
  });

  it('property: every label written is read back, whatever its name', () => {
    const name = fc.oneof(
      fc.constantFrom(...PROTOTYPE_NAMES),
      fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/),
    );
    const value = fc.string({ maxLength: 8 }).filter((v) => !/[\\"\n]/.test(v));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, value), {
          selector: ([k]) => k,
          maxLength: 6,
        }),
        (pairs) => {
          const clean = pairs.filter(([k]) => k !== '__name__');
          const line = `m{${clean.map(([k, v]) => `${k}="${v}"`).join(',')}} 1\n`;
          const [s] = parseExposition(line).samples;
          assert.deepEqual(
            Object.entries(s!.labels).sort(),
            [['__name__', 'm'], ...clean].sort(),
            line,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
