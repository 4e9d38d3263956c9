/**
 * Issue 10 (bad input): the Prometheus/OpenMetrics exposition parser on arbitrary and mutated
 * scrape bodies returns samples or an ExpositionError with a line number, never another exception.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ExpositionError,
  parseExposition,
  type ExpositionFormat,
} from '../../../src-main/core/scrape/exposition.js';
import { BUDGET, mutatedText, thrown } from './mutate.js';

const TEXT = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

const OPENMETRICS = `# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
# TYPE go_goroutines gauge
go_goroutines 69
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
process_cpu_seconds_total 4.20072246e+06
# TYPE foo stateset
foo{entity="controller",foo="a"} 1.0
foo{entity="controller",foo="bb"} 0.0
# EOF
`;

function check(text: string, format: ExpositionFormat): void {
  const err = thrown(() => parseExposition(text, format));
  if (err === null) return;
  assert.ok(
    err instanceof ExpositionError,
    `not an ExpositionError: ${(err as Error)?.stack ?? String(err)}`,
  );
  assert.ok(Number.isInteger(err.line) && err.line >= 0, `line ${err.line}`);
  assert.ok(err.reason.length > 0);
}

describe('fuzz: exposition parser', () => {
  it('the samples parse', () => {
    assert.ok(parseExposition(TEXT, 'text').samples.length >= 10);
    assert.ok(parseExposition(OPENMETRICS, 'openmetrics').samples.length >= 5);
  });

  it(
    'arbitrary text in both formats gives samples or an ExpositionError',
    { timeout: 10_000 },
    () => {
      const line = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc
          .tuple(
            fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/),
            fc.array(
              fc.tuple(
                // Names of Object.prototype members too: a label map must not be a plain object.
                fc.oneof(
                  fc.stringMatching(/^[a-z_]{1,5}$/),
                  fc.constantFrom('__proto__', 'constructor', 'toString'),
                ),
                fc.string({ maxLength: 8 }),
              ),
              { maxLength: 3 },
            ),
            fc.oneof(
              fc.double().map(String),
              fc.constantFrom('NaN', '+Inf', '-Inf', '1e400', '0x10', ''),
            ),
          )
          .map(([n, ls, v]) => `${n}{${ls.map(([k, x]) => `${k}="${x}"`).join(',')}} ${v}`),
        fc.constantFrom(
          '# TYPE a counter',
          '# HELP a x',
          '# EOF',
          '# UNIT a s',
          '# TYPE a bogus',
          '#',
        ),
      );
      fc.assert(
        fc.property(
          fc.array(line, { maxLength: 12 }),
          fc.constantFrom<ExpositionFormat>('text', 'openmetrics'),
          (lines, f) => check(lines.join('\n'), f),
        ),
        BUDGET,
      );
    },
  );

  it(
    'mutated valid text-format bodies give samples or an ExpositionError',
    { timeout: 10_000 },
    () => {
      fc.assert(
        fc.property(mutatedText(TEXT), (t) => check(t, 'text')),
        BUDGET,
      );
    },
  );

  it(
    'mutated valid OpenMetrics bodies give samples or an ExpositionError',
    { timeout: 10_000 },
    () => {
      fc.assert(
        fc.property(mutatedText(OPENMETRICS), (t) => check(t, 'openmetrics')),
        BUDGET,
      );
    },
  );
});
