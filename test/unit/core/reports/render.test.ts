import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderCsv } from '../../../../src-main/core/reports/render/csv.js';
import { renderHtml } from '../../../../src-main/core/reports/render/html.js';
import { renderMarkdown } from '../../../../src-main/core/reports/render/markdown.js';
import { REPORT_FORMATS, renderReport } from '../../../../src-main/core/reports/render/index.js';
import { sampleReport } from './fixture.js';

describe('report renderers', () => {
  it('JSON keeps health_check.py top-level fields', async () => {
    const r = await renderReport(sampleReport(), 'json');
    const parsed = JSON.parse(r.body.toString()) as Record<string, unknown>;
    assert.equal(parsed.overall_status, 'unhealthy');
    assert.equal(typeof parsed.timestamp, 'string');
    const checks = parsed.checks as Array<{ name: string; status: string; details: unknown }>;
    assert.deepEqual(Object.keys(checks[0]!).slice(0, 3), ['name', 'status', 'details']);
  });

  it('Markdown has the seed report ✓/✗ lines, objectives and incidents', () => {
    const md = renderMarkdown(sampleReport());
    assert.match(md, /Overall status: \*\*UNHEALTHY\*\*/);
    assert.match(
      md,
      /\| ✓ \| API Health \| healthy \| 99\.850 % \| 40 ms \| 180 ms \| 60480 \(91\) \| 1h 0m \|/,
    );
    assert.match(
      md,
      /\| availability \| service availability \| ≥ 99\.9 % \| worst: API Health 99\.850 % \| ✗ missed \|/,
    );
    assert.match(md, /\| ClaudeCodeServiceDown \| critical \| .* \| 30m 0s \|/);
    assert.match(md, /\| HighAPILatency \| warning \| .* \| still firing \| ongoing \|/);
    assert.match(md, /Total: 1,234,567 tokens, \$42\.50/);
  });

  it('HTML is self-contained and escapes what users control', () => {
    const html = renderHtml(sampleReport());
    assert.ok(!html.includes('<script>'), 'a check name cannot inject markup');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /\b(src|href)=["']?(https?:)?\/\//i, 'no external resources');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /<svg [^>]*role="img" aria-label="Check availability"/);
    // The null point breaks the line: two separate pen-down moves.
    const path = /<path d="([^"]+)"/.exec(html)![1]!;
    assert.equal(path.match(/M/g)!.length, 2);
  });

  it('CSV quotes properly and defuses spreadsheet formulas', () => {
    const csv = renderCsv(sampleReport(), 'checks');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0]!.split(',')[0], 'name');
    assert.match(
      lines[1]!,
      /^API Health,healthy,healthy,http,0\.9985,40,180,900,60480,91,3600,0,"\{""active_sessions"":12\}"$/,
    );
    assert.match(lines[2]!, /,"'=HYPERLINK\(""http:\/\/evil""\)"$/);
    assert.equal(
      renderCsv(sampleReport(), 'incidents').split('\r\n')[0],
      'alertname,severity,starts_at,ends_at,duration_seconds,labels',
    );
  });

  it('every format names its content type and file extension', async () => {
    const seen: Record<string, string> = {};
    for (const format of REPORT_FORMATS) {
      const r = await renderReport(sampleReport(), format, {
        // Electron's printToPDF stands in for Chromium here: the PDF path itself is tested elsewhere.
        printPdf: async (html) => Buffer.from(`%PDF-1.7 ${html.length}`),
      });
      assert.equal(r.format, format);
      assert.ok(r.body.length > 0, format);
      seen[`${r.extension}`] = r.contentType;
    }
    assert.deepEqual(seen, {
      json: 'application/json',
      md: 'text/markdown; charset=utf-8',
      html: 'text/html; charset=utf-8',
      pdf: 'application/pdf',
      csv: 'text/csv; charset=utf-8',
    });
  });
});
