import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claudeCodeMetricName, ScrapedUsage } from '../../../../src-main/core/usage/scraped.js';
import { summarize } from '../../../../src-main/core/usage/views.js';
import { usagePipeline } from './harness.js';

describe('scraped Prometheus samples → usage', () => {
  it('maps both naming styles of Claude Code metrics (exporter with unit suffix, collector without)', () => {
    assert.equal(
      claudeCodeMetricName('claude_code_token_usage_tokens_total'),
      'claude_code.token.usage',
    );
    assert.equal(claudeCodeMetricName('claude_code_token_usage_total'), 'claude_code.token.usage');
    assert.equal(
      claudeCodeMetricName('claude_code_cost_usage_USD_total'),
      'claude_code.cost.usage',
    );
    assert.equal(claudeCodeMetricName('claude_code_cost_usage_total'), 'claude_code.cost.usage');
    assert.equal(
      claudeCodeMetricName('claude_code_session_count_total'),
      'claude_code.session.count',
    );
    assert.equal(
      claudeCodeMetricName('claude_code_active_time_seconds_total'),
      'claude_code.active_time.total',
    );
    assert.equal(
      claudeCodeMetricName('claude_code_active_time_total'),
      'claude_code.active_time.total',
    );
    assert.equal(
      claudeCodeMetricName('claude_code_tokens_used_total'),
      null,
      "the seed's own exporter is not Claude Code's",
    );
  });

  it('books increases between scrapes with underscore labels mapped back, resets handled, first sample a baseline', () => {
    const p = usagePipeline();
    const scraped = new ScrapedUsage({
      recorder: p.recorder,
      bookCost: true,
      teamAttribute: 'team',
      teams: {},
    });
    const labels = {
      __name__: 'claude_code_token_usage_tokens_total',
      user_email: 'dee@example.com',
      user_account_uuid: 'uuid-dee',
      organization_id: 'org-9',
      session_id: 's9',
      model: 'claude-sonnet-4-5',
      type: 'output',
    };
    const t0 = Date.UTC(2025, 10, 22, 8);
    scraped.accept('cc:9464', [{ labels, value: 1000, t: t0 }]); // baseline
    scraped.accept('cc:9464', [{ labels, value: 1600, t: t0 + 15_000 }]);
    scraped.accept('cc:9464', [{ labels, value: 1600, t: t0 + 30_000 }]);
    scraped.accept('cc:9464', [{ labels, value: 200, t: t0 + 45_000 }]); // Claude Code restarted
    const cost = {
      __name__: 'claude_code_cost_usage_total',
      user_email: 'dee@example.com',
      model: 'claude-sonnet-4-5',
    };
    scraped.accept('otelcol:8889', [{ labels: cost, value: 1.5, t: t0 }]);
    scraped.accept('otelcol:8889', [{ labels: cost, value: 2, t: t0 + 15_000 }]);
    const s = summarize(p.ledger.allRows(), {
      by: 'user',
      source: 'telemetry',
      since: '2025-11-01',
      until: '2025-11-30',
    });
    assert.equal(s.rows[0]!.key, 'dee@example.com');
    assert.equal(s.rows[0]!.outputTokens, 600 + 200);
    assert.equal(s.rows[0]!.costUsd, 0.5);
    assert.equal(p.ledger.allRows()[0]!.organization, 'org-9');
  });

  it('LiteLLM /metrics: spend, tokens, requests and failures per model, team and user', () => {
    const p = usagePipeline();
    const scraped = new ScrapedUsage({
      recorder: p.recorder,
      bookCost: true,
      teamAttribute: 'team',
      teams: {},
    });
    const who = {
      end_user: '',
      hashed_api_key: 'abc',
      api_key_alias: 'ci-key',
      team: 't-1',
      team_alias: 'platform',
      user: 'erin',
    };
    const scrape = (k: number, t: number) =>
      scraped.accept('litellm:4000', [
        {
          labels: { __name__: 'litellm_spend_metric_total', ...who, model: 'claude-3-5-sonnet' },
          value: 2 * k,
          t,
        },
        {
          labels: {
            __name__: 'litellm_input_tokens_metric_total',
            ...who,
            model: 'claude-3-5-sonnet',
          },
          value: 1000 * k,
          t,
        },
        {
          labels: {
            __name__: 'litellm_output_tokens_metric_total',
            ...who,
            model: 'claude-3-5-sonnet',
          },
          value: 100 * k,
          t,
        },
        {
          labels: {
            __name__: 'litellm_proxy_total_requests_metric_total',
            ...who,
            requested_model: 'claude-3-5-sonnet',
            status_code: '200',
          },
          value: 10 * k,
          t,
        },
        {
          labels: {
            __name__: 'litellm_proxy_failed_requests_metric_total',
            ...who,
            requested_model: 'claude-3-5-sonnet',
            exception_status: '429',
          },
          value: k,
          t,
        },
        { labels: { __name__: 'litellm_deployment_state', model: 'x' }, value: 0, t },
      ]);
    const t0 = Date.UTC(2025, 10, 22, 9);
    assert.equal(scrape(1, t0), 5, 'five usage samples, the deployment state ignored');
    scrape(4, t0 + 15_000);
    // A user whose first request came after the first scrape: their series is new, counted from 0.
    scraped.accept('litellm:4000', [
      {
        labels: {
          __name__: 'litellm_spend_metric_total',
          ...who,
          user: 'finn',
          team_alias: 'data',
          model: 'claude-3-5-sonnet',
        },
        value: 0.75,
        t: t0 + 30_000,
      },
    ]);
    assert.equal(
      summarize(p.ledger.allRows(), {
        by: 'user',
        source: 'litellm',
        since: '2025-11-01',
        until: '2025-11-30',
      }).rows.find((r) => r.key === 'finn')!.costUsd,
      0.75,
    );
    const byTeam = summarize(p.ledger.allRows(), {
      by: 'team',
      source: 'litellm',
      since: '2025-11-01',
      until: '2025-11-30',
    });
    assert.deepEqual(
      byTeam.rows.map((r) => [
        r.key,
        r.costUsd,
        r.inputTokens,
        r.outputTokens,
        r.requests,
        r.errors,
      ]),
      [
        ['platform', 6, 3000, 300, 30, 3],
        ['data', 0.75, 0, 0, 0, 0],
      ],
    );
    assert.equal(
      summarize(p.ledger.allRows(), { by: 'user', source: 'telemetry' }).rows.length,
      0,
      'LiteLLM is its own source, not added to Claude Code telemetry',
    );
  });

  it('the scraper tap stores every sample and books the same usage as accept()', () => {
    const who = { user: 'erin', team_alias: 'platform', model: 'claude-sonnet-4-5' };
    const target = { job: 'llm-gateway', instance: 'gw:4000' };
    // One scrape as the scraper hands it over: frozen labels with job and instance.
    const exposed = (k: number) => [
      { __name__: 'up', ...target, v: 1 },
      { __name__: 'litellm_spend_metric_total', ...who, ...target, v: 0.5 * k },
      { __name__: 'litellm_input_tokens_metric_total', ...who, ...target, v: 1000 * k },
      { __name__: 'litellm_request_total_latency_metric_bucket', le: '1', ...target, v: 3 * k },
      { __name__: 'litellm_deployment_state', model: 'x', ...target, v: 0 },
      {
        __name__: 'claude_code_token_usage_tokens_total',
        user_email: 'gus@x',
        type: 'input',
        model: 'm',
        ...target,
        v: 10 * k,
      },
      { __name__: 'claude_code_unknown_total', ...target, v: k },
      { __name__: 'process_cpu_seconds_total', ...target, v: k },
    ];
    const labelsOf = new Map<string, Readonly<Record<string, string>>>();
    const frozen = (l: Record<string, string>) => {
      const key = JSON.stringify(l);
      if (!labelsOf.has(key)) labelsOf.set(key, Object.freeze(l));
      return labelsOf.get(key)!;
    };
    const viaTap = usagePipeline();
    const store = viaTap.appender;
    const stored: string[] = [];
    const tap = new ScrapedUsage({
      recorder: viaTap.recorder,
      bookCost: true,
      teamAttribute: 'team',
      teams: {},
    }).tap({
      append: (labels, t, v) => {
        stored.push(labels.__name__!);
        store.append(labels, t, v);
      },
      markStale: () => {},
    });
    const viaAccept = usagePipeline();
    const accept = new ScrapedUsage({
      recorder: viaAccept.recorder,
      bookCost: true,
      teamAttribute: 'team',
      teams: {},
    });
    const t0 = Date.UTC(2025, 10, 22, 9);
    for (let k = 1; k <= 3; k++) {
      const t = t0 + k * 15_000;
      const samples = exposed(k);
      for (const { v, ...l } of samples) tap.append(frozen(l), t, v);
      accept.accept(
        'llm-gateway/gw:4000',
        samples.map(({ v, job: _j, instance: _i, ...labels }) => ({ labels, value: v, t })),
      );
    }
    assert.equal(stored.length, 3 * 8, 'every sample reaches the store, usage or not');
    const rows = (p: ReturnType<typeof usagePipeline>) =>
      p.ledger
        .allRows()
        .map((r) => [r.user, r.model, r.source, r.costUsd, r.tokens.input])
        .sort();
    assert.deepEqual(rows(viaTap), rows(viaAccept));
    assert.deepEqual(rows(viaTap), [
      ['erin', 'claude-sonnet-4-5', 'litellm', 1, 2000],
      ['gus@x', 'm', 'prometheus', 0, 20],
    ]);
  });
});
