import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../src-main/core/config/schema.js';
import type { RulesListResult } from '../../../src-main/core/rules/contract.js';
import { requestAgent, startTestAgent } from '../../helpers/agent.js';
import { tempDir, waitFor } from '../../helpers/ports.js';

// The real headless agent: default rules loaded, a configured rule file evaluated on its interval
// over the agent's store, and its firing alert handed to the notifier (alerts.list), over HTTP.
describe('rules in the headless agent', () => {
  it('lists the default and configured rules and hands firing alerts to the notifier', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'always.rules.yml');
    await writeFile(
      file,
      [
        'groups:',
        '  - name: always',
        '    interval: 1s',
        '    rules:',
        '      - alert: AlwaysOn',
        '        expr: vector(42)',
        '        labels: { severity: critical, team: ops }',
        "        annotations: { summary: 'value {{ $value }}' }",
      ].join('\n'),
    );
    const config = defaultConfig();
    config.rules.files = [file];
    const agent = await startTestAgent(config);
    const call = <T>(name: string, params: object = {}) => requestAgent<T>(agent, name, params);
    try {
      const list = await waitFor('AlwaysOn firing', async () => {
        const l = await call<RulesListResult>('rules.list');
        const rule = l.groups.find((g) => g.name === 'always')?.rules[0];
        return rule?.state === 'firing' ? l : null;
      });
      assert.deepEqual(
        list.groups.map((g) => g.name),
        ['claude_code_alerts', 'ccmon_alerts', 'always'],
      );
      assert.ok(list.files.includes('<defaults>/claude-code.rules.yml'));
      const seed = list.groups[0]!;
      assert.equal(seed.rules.length, 8);
      assert.equal(seed.interval, 30);
      const always = list.groups[2]!.rules[0]!;
      assert.equal(always.health, 'ok');
      assert.equal(always.alerts?.[0]?.annotations.summary, 'value 42');
      const alerts = await waitFor('notifier has the alert', async () => {
        const a =
          await call<Array<{ labels: Record<string, string>; state: string }>>('alerts.list');
        return a.find((x) => x.labels.alertname === 'AlwaysOn') ? a : null;
      });
      const mine = alerts.find((x) => x.labels.alertname === 'AlwaysOn')!;
      assert.equal(mine.labels.team, 'ops');
      const reload = await call<{ ok: boolean; groups: number }>('rules.reload');
      assert.deepEqual(reload.ok, true);
      assert.equal(reload.groups, 3);
      const records = await call<RulesListResult>('rules.list', { type: 'record' });
      assert.ok(records.groups.every((g) => g.rules.every((r) => r.type === 'recording')));
    } finally {
      await agent.close();
      await dir.cleanup();
    }
  });
});
