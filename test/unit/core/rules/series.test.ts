import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_RULE_FILES } from '../../../../src-main/core/rules/defaults/index.js';
import { parseRuleFile } from '../../../../src-main/core/rules/rule-file.js';
import {
  expandValues,
  parseSeriesLabels,
} from '../../../../src-main/core/rules/unittest/series.js';

describe("promtool's series notation", () => {
  it('expands a+bxn, a-bxn, axn, _xn and stale', () => {
    assert.deepEqual(expandValues('-2+4x3'), [-2, 2, 6, 10]);
    assert.deepEqual(expandValues('1-2x4'), [1, -1, -3, -5, -7]);
    assert.deepEqual(expandValues('1x4'), [1, 1, 1, 1, 1]);
    assert.deepEqual(expandValues('1 _x3 stale'), [1, '_', '_', '_', 'stale']);
    assert.deepEqual(expandValues('0x3'), [0, 0, 0, 0], 'not hexadecimal');
    assert.deepEqual(expandValues('Inf -Inf'), [Infinity, -Infinity]);
    assert.throws(() => expandValues('1 two'), /invalid value "two"/);
  });
  it('parses series selectors', () => {
    assert.deepEqual(parseSeriesLabels('up{job="api", instance="a:1"}'), {
      __name__: 'up',
      job: 'api',
      instance: 'a:1',
    });
    assert.deepEqual(parseSeriesLabels('{a="x\\"y"}'), { a: 'x"y' });
    assert.throws(() => parseSeriesLabels('up{job=api}'), /invalid/);
  });
});

describe('default rules', () => {
  it('embedded copies match the .yml files (regenerate with defaults/embed.ts)', () => {
    for (const [name, text] of Object.entries(DEFAULT_RULE_FILES)) {
      const onDisk = readFileSync(
        new URL(`../../../../src-main/core/rules/defaults/${name}`, import.meta.url),
        'utf8',
      );
      assert.equal(text, onDisk, name);
    }
  });
  it('load cleanly: the seed eight plus ccmon seven (BackupStale for stale and never-succeeded sets)', () => {
    const counts = Object.entries(DEFAULT_RULE_FILES).map(([name, text]) => {
      const r = parseRuleFile(text, name);
      assert.deepEqual(r.issues, []);
      return r.groups.flatMap((g) => g.rules.map((x) => x.name));
    });
    assert.equal(counts[0]!.length, 8);
    assert.deepEqual(counts[1], [
      'ClaudeCodeTelemetrySilent',
      'BackupStale',
      'BackupStale',
      'BackupRestoreTestFailed',
      'BackupRemoteCopyFailed',
      'DiskWillFillIn4Hours',
      'TLSCertificateExpiring',
    ]);
  });
});
