import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExpositionError,
  formatOf,
  parseExposition,
  parseScrape,
} from '../../../../src-main/core/scrape/exposition.js';

const byName = (text: string, format: 'text' | 'openmetrics' = 'text') => {
  const p = parseExposition(text, format);
  return { ...p, get: (name: string) => p.samples.filter((s) => s.labels.__name__ === name) };
};

describe('text format 0.0.4', () => {
  it('reads HELP/TYPE, labels, values and integer-millisecond timestamps', () => {
    const p = byName(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# A normal comment',
        'metric_without_timestamp_and_labels 12.47',
      ].join('\n'),
    );
    assert.equal(p.types.get('http_requests_total'), 'counter');
    assert.equal(p.help.get('http_requests_total'), 'The total number of HTTP requests.');
    const [a, b] = p.get('http_requests_total');
    assert.deepEqual(a!.labels, { __name__: 'http_requests_total', method: 'post', code: '200' });
    assert.equal(a!.value, 1027);
    assert.equal(a!.timestampMs, 1395066363000);
    assert.equal(b!.value, 3);
    assert.equal(p.get('metric_without_timestamp_and_labels')[0]!.timestampMs, undefined);
  });

  it('unescapes label values (\\\\, \\", \\n) and HELP text (\\\\, \\n only)', () => {
    const p = byName(
      [
        '# HELP weird A help with \\\\ backslash and \\n newline and \\"kept quotes\\"',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      ].join('\n'),
    );
    assert.equal(
      p.help.get('weird'),
      'A help with \\ backslash and \n newline and \\"kept quotes\\"',
    );
    const s = p.get('msdos_file_access_time_seconds')[0]!;
    assert.equal(s.labels.path, 'C:\\DIR\\FILE.TXT');
    assert.equal(s.labels.error, 'Cannot find file:\n"FILE.TXT"');
    assert.equal(s.value, 1.458255915e9);
  });

  it('reads NaN, +Inf, -Inf and Go float spellings', () => {
    const p = byName('a NaN\nb +Inf\nc -Inf\nd Inf\ne 1e-3\nf -0.5\ng .5\nh 0x1A');
    assert.ok(Number.isNaN(p.get('a')[0]!.value));
    assert.equal(p.get('b')[0]!.value, Infinity);
    assert.equal(p.get('c')[0]!.value, -Infinity);
    assert.equal(p.get('d')[0]!.value, Infinity);
    assert.equal(p.get('e')[0]!.value, 0.001);
    assert.equal(p.get('f')[0]!.value, -0.5);
    assert.equal(p.get('g')[0]!.value, 0.5);
    assert.equal(p.get('h')[0]!.value, 26);
  });

  it('keeps histogram and summary series as separate samples', () => {
    const p = byName(
      [
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{le="0.05"} 24054',
        'http_request_duration_seconds_bucket{le="0.1"} 33444',
        'http_request_duration_seconds_bucket{le="+Inf"} 144320',
        'http_request_duration_seconds_sum 53423',
        'http_request_duration_seconds_count 144320',
        '# TYPE rpc_duration_seconds summary',
        'rpc_duration_seconds{quantile="0.01"} 3102',
        'rpc_duration_seconds{quantile="0.99"} 76656',
        'rpc_duration_seconds_sum 1.7560473e+07',
        'rpc_duration_seconds_count 2693',
      ].join('\n'),
    );
    assert.equal(p.types.get('http_request_duration_seconds'), 'histogram');
    assert.deepEqual(
      p.get('http_request_duration_seconds_bucket').map((s) => s.labels.le),
      ['0.05', '0.1', '+Inf'],
    );
    assert.equal(p.get('rpc_duration_seconds').length, 2);
    assert.equal(p.get('rpc_duration_seconds_sum')[0]!.value, 1.7560473e7);
    assert.equal(p.samples.length, 9);
  });

  it('accepts a trailing comma, spaces in label sets, empty label sets and CRLF', () => {
    const p = byName('x{a="1", b = "2",} 1\r\ny{} 2\r\n');
    assert.deepEqual(p.get('x')[0]!.labels, { __name__: 'x', a: '1', b: '2' });
    assert.equal(p.get('y')[0]!.value, 2);
  });

  it('keeps the first of duplicate series and says so', () => {
    const p = byName('x{a="1"} 1\nx{a="1"} 2\nx{a="2"} 3');
    assert.deepEqual(
      p.get('x').map((s) => s.value),
      [1, 3],
    );
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /line 2: duplicate series x\{a="1"\}/);
  });

  it('knows a duplicate however its labels are ordered, spaced or escaped', () => {
    const p = byName(
      [
        'x{a="1",b="2"} 1',
        'x{b="2",a="1"} 2',
        'x{ a="1", b="2", } 3',
        'x{Z="1",a="1"} 4',
        'x{a="1",Z="1"} 5',
        'x{a="q\\"",b="2"} 6',
        'x{b="2",a="q\\""} 7',
        'x{a="1",b="3"} 8',
      ].join('\n'),
    );
    assert.deepEqual(
      p.get('x').map((s) => s.value),
      [1, 4, 6, 8],
    );
    assert.deepEqual(
      p.warnings.map((w) => /^line (\d+)/.exec(w)![1]),
      ['2', '3', '5', '7'],
    );
    assert.equal(p.get('x')[2]!.labels.a, 'q"');
    assert.deepEqual(
      p.samples.map((s) => s.series),
      ['x{a="1",b="2"}', 'x{Z="1",a="1"}', 'x{a="q\\"",b="2"}', 'x{a="1",b="3"}'],
    );
  });

  it('reads UTF-8 quoted metric names (Prometheus 3)', () => {
    const p = byName('{"my.dotted.metric", code="200"} 4');
    assert.deepEqual(p.samples[0]!.labels, { __name__: 'my.dotted.metric', code: '200' });
  });

  for (const [text, why] of [
    ['x{a="1" 12', /expected ',' or '}'/],
    ['x{a=1} 12', /must be in double quotes/],
    ['x{a="unterminated} 1', /unterminated/],
    ['x 12 oops', /invalid timestamp/],
    ['x 1.5.5', /invalid value/],
    ['x', /expected a space and a value/],
    ['9x 1', /expected a metric name/],
    ['x{a="1",a="2"} 1', /label a given twice/],
    ['# TYPE x countr', /unknown metric type/],
    ['# TYPE x gauge\n# TYPE x gauge', /second # TYPE/],
    ['x 1 1.5', /integer milliseconds/],
  ] as const) {
    it(`rejects ${JSON.stringify(text)} with its line`, () => {
      assert.throws(
        () => parseExposition(`ok 1\n${text}`),
        (err: unknown) => err instanceof ExpositionError && err.line >= 2 && why.test(err.message),
      );
    });
  }

  it('reports the simulator garbage as a parse error, not a crash', () => {
    assert.throws(
      () =>
        parseExposition(
          '# HELP broken\nlitellm_spend_metric_total{model="x" 12 oops\n\u0000\u0001',
        ),
      ExpositionError,
    );
  });
});

describe('OpenMetrics 1.0', () => {
  it('needs # EOF, reads float-second timestamps, drops exemplars and _created', () => {
    const p = byName(
      [
        '# TYPE acme_http_router_request_seconds summary',
        '# UNIT acme_http_router_request_seconds seconds',
        "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
        'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
        'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
        'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
        '# TYPE foo counter',
        'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
        '# EOF',
        '',
      ].join('\n'),
      'openmetrics',
    );
    assert.equal(p.get('acme_http_router_request_seconds_created').length, 0);
    const foo = p.get('foo_total')[0]!;
    assert.equal(foo.value, 17);
    assert.equal(foo.timestampMs, 1520879607789);
    assert.equal(p.samples.length, 3);
  });

  it('rejects a missing # EOF, content after it, and blank lines', () => {
    assert.throws(() => parseExposition('a 1\n', 'openmetrics'), /does not end with # EOF/);
    assert.throws(() => parseExposition('a 1\n# EOF\nb 2\n', 'openmetrics'), /after # EOF/);
    assert.throws(() => parseExposition('a 1\n\nb 1\n# EOF\n', 'openmetrics'), /empty line/);
  });

  it('chooses the format from Content-Type', () => {
    assert.equal(
      formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8'),
      'openmetrics',
    );
    assert.equal(formatOf('text/plain; version=0.0.4'), 'text');
    assert.equal(formatOf(undefined), 'text');
  });
});

describe('parseScrape (series the scraper already knows)', () => {
  const body = [
    '# TYPE req counter',
    'req_total{code="200",path="/a"} 5 1700000000000',
    'req_total{code="500",path="/a\\"b"} 1',
    'up 1',
    'req_total{code="200",path="/a"} 6',
    '',
  ].join('\n');

  it('gives the same series, values and timestamps, without labels for the known ones', () => {
    const full = parseExposition(body);
    const known = new Set(['req_total{code="200",path="/a"}', 'up']);
    const quick = parseScrape(body, 'text', known);
    assert.deepEqual(
      quick.samples.map((s) => [s.series, s.value, s.timestampMs]),
      full.samples.map((s) => [s.series, s.value, s.timestampMs]),
    );
    assert.deepEqual(
      quick.samples.map((s) => s.labels),
      [null, full.samples[1]!.labels, null],
    );
    // The repeated known series is still found and named with its labels.
    assert.deepEqual(quick.warnings, full.warnings);
    assert.match(quick.warnings[0]!, /line 5: duplicate series req_total\{code="200",path="\/a"\}/);
  });

  it('reads `series value` lines the same as every other spelling of a sample', () => {
    // The one-space form has a quick path; tabs, extra spaces, trailing Unicode blanks,
    // timestamps and special values go the general way: all must agree.
    const lines = [
      'a 1',
      'b\t2',
      'c  3 ',
      'd 4\u00a0',
      'e 5 1700000000000',
      'f +Inf',
      'g NaN',
      'h 0x1F',
      'i{x="a b"} 6',
      'j{x="t\tt"} -7.5e-3',
    ];
    const text = `${lines.join('\n')}\n`;
    const full = parseExposition(text);
    assert.deepEqual(
      full.samples.map((s) => [s.labels.__name__, s.value, s.timestampMs]),
      [
        ['a', 1, undefined],
        ['b', 2, undefined],
        ['c', 3, undefined],
        ['d', 4, undefined],
        ['e', 5, 1700000000000],
        ['f', Infinity, undefined],
        ['g', NaN, undefined],
        ['h', 31, undefined],
        ['i', 6, undefined],
        ['j', -0.0075, undefined],
      ],
    );
    const known = new Set(full.samples.map((s) => s.series));
    const quick = parseScrape(text, 'text', known);
    assert.deepEqual(
      quick.samples.map((s) => [s.series, s.value, s.timestampMs]),
      full.samples.map((s) => [s.series, s.value, s.timestampMs]),
    );
    for (const bad of ['k \n', 'k 1x\n', 'k 1 2 3\n'])
      assert.throws(() => parseScrape(bad, 'text', new Set(['k'])), ExpositionError, bad);
  });

  it('still reports a bad value or timestamp of a known series with its line', () => {
    const known = new Set(['a{x="}"}']);
    assert.throws(
      () => parseScrape('a{x="}"} 1\na{x="}"} one\n', 'text', known),
      (e: ExpositionError) => e.line === 2 && /invalid value 'one'/.test(e.message),
    );
    assert.throws(
      () => parseScrape('a{x="}"} 1 1.5\n', 'text', known),
      (e: ExpositionError) => e.line === 1 && /invalid timestamp/.test(e.message),
    );
  });

  it('drops the OpenMetrics _created of a known counter and parses an unterminated block fully', () => {
    const om = '# TYPE c counter\nc_total 3\nc_created 1700000000\n# EOF\n';
    const quick = parseScrape(om, 'openmetrics', new Set(['c_total', 'c_created']));
    assert.deepEqual(
      quick.samples.map((s) => s.series),
      ['c_total'],
    );
    assert.throws(
      () => parseScrape('a{x="1" 2\n', 'text', new Set(['a{x="1" 2'])),
      ExpositionError,
    );
  });
});
