import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../../../../src-main/core/config/load.js';
import { defaultConfig } from '../../../../src-main/core/config/schema.js';

describe('checks config', () => {
  it('defaults to the seed health_check.py at the seed intervals', () => {
    const { probes, concurrency } = defaultConfig().checks;
    assert.equal(concurrency, 32);
    const byName = Object.fromEntries(probes.map((p) => [p.name, p]));
    assert.deepEqual(Object.keys(byName), [
      'API Health',
      'LLM Gateway',
      'LLM Gateway Readiness',
      'Sandbox',
      'Disk Space',
      'Memory',
      'CPU Load',
    ]);
    assert.equal(byName['API Health']!.interval, 10_000);
    assert.equal(byName['Sandbox']!.interval, 15_000);
    assert.equal(byName['Disk Space']!.type === 'disk' && byName['Disk Space']!.maxPercent, 90);
    assert.equal(byName['Memory']!.type === 'memory' && byName['Memory']!.maxPercent, 90);
    assert.ok(probes.every((p) => p.timeout === 5000 && p.failureThreshold === 1));
  });

  it('caps a default timeout at a short interval but refuses an explicit longer one', () => {
    const { config } = parseConfigText(
      'checks:\n  probes:\n    - {name: a, type: tcp, host: x, port: 1, interval: 2s}\n',
      'c.yaml',
    );
    assert.equal(config.checks.probes[0]!.timeout, 2000);
    assert.throws(
      () =>
        parseConfigText(
          'checks:\n  probes:\n    - {name: a, type: tcp, host: x, port: 1, interval: 2s, timeout: 3s}\n',
          'c.yaml',
        ),
      /checks\.probes\.0\.timeout \(line 3\): timeout \(3000 ms\) is longer than the interval/,
    );
  });

  it('refuses a zero interval for a check or a scrape job, naming where', () => {
    for (const [text, where] of [
      [
        'checks:\n  probes:\n    - {name: a, type: memory, interval: 0s}\n',
        /checks\.probes\.0\.interval \(line 3\): must be longer than zero/,
      ],
      ['scrape:\n  interval: 0s\n', /scrape\.interval \(line 2\): must be longer than zero/],
      [
        "scrape:\n  jobs:\n    - {name: j, interval: 0s, staticConfigs: [{targets: ['x:1']}]}\n",
        /scrape\.jobs\.0\.interval \(line 3\): must be longer than zero/,
      ],
    ] as const)
      assert.throws(() => parseConfigText(text, 'c.yaml'), where);
  });

  it('lists every error with its path and line', () => {
    const text = [
      'checks:',
      '  probes:',
      '    - name: api',
      '      type: http',
      '      url: ftp://x',
      '      conditions: ["[STATUS] ~ 200"]',
      '    - name: disk',
      '      type: disk',
      '      interval: 5 minutes',
      '    - name: p',
      '      type: process',
      '    - name: q',
      '      type: quantum',
      'scrape:',
      '  jobs:',
      '    - name: j',
      '      staticConfigs: [{targets: ["http://x:1/metrics"]}]',
    ].join('\n');
    try {
      parseConfigText(text, 'bad.yaml');
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const got = err.issues.map((i) => `${i.path}@${i.line}`);
      for (const want of [
        'checks.probes.0.url@5',
        'checks.probes.0.conditions.0@6',
        'checks.probes.1.interval@9',
        'checks.probes.2@10',
        'checks.probes.3.type@13',
        'scrape.jobs.0.staticConfigs.0.targets.0@17',
      ])
        assert.ok(got.includes(want), `missing ${want} in ${got.join(', ')}`);
    }
  });

  it('refuses duplicate check names', () => {
    assert.throws(
      () =>
        parseConfigText(
          'checks:\n  probes:\n    - {name: a, type: memory}\n    - {name: a, type: cpu}\n',
          'c.yaml',
        ),
      /duplicate check name 'a'/,
    );
  });
});
