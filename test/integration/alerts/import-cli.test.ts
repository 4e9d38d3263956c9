/** `ccmon config import alertmanager.yml` through the real CLI: the seed's file imports as-is. */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { execCcmon } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/ports.js';

const seedAm = fileURLToPath(
  new URL('../../fixtures/alerts/seed-alertmanager.yml', import.meta.url),
);

describe('ccmon config import alertmanager.yml', () => {
  it("imports the seed's file, moves its passwords and Slack URL to the secret store and says so", async () => {
    const dir = await tempDir('ccmon-import-');
    try {
      const cfg = join(dir.path, 'ccmon.yaml');
      // No session bus: the 0600 file store, never the developer's own keyring.
      const env = {
        ...process.env,
        CCMON_DATA_DIR: join(dir.path, 'data'),
        DBUS_SESSION_BUS_ADDRESS: '',
      };
      const r = await execCcmon(['--config', cfg, 'config', 'import', seedAm, '--write'], env);
      assert.match(r.stderr, /imported as alertmanager\.yml/);
      assert.match(r.stderr, /5 secret\(s\) .* moved to the secret store/);
      const text = await readFile(cfg, 'utf8');
      // The seed's plain-text password ('password') and Slack URL are not in the file any more.
      assert.doesNotMatch(text, /:\s*'?password'?\s*$/m);
      assert.ok(!text.includes('hooks.slack.com'));
      const doc = parse(text) as {
        alerts: { receivers: { name: string }[]; inhibitRules: unknown[] };
      };
      assert.deepEqual(
        doc.alerts.receivers.map((x) => x.name),
        ['default', 'critical-alerts', 'warning-alerts'],
      );
      const secrets = join(dir.path, 'data', 'secrets.json');
      assert.equal((await stat(secrets)).mode & 0o777, 0o600);
      const stored = JSON.parse(await readFile(secrets, 'utf8')) as Record<string, string>;
      assert.equal(
        stored['alertmanager.warning-alerts.slack.0.api_url'],
        'https://hooks.slack.com/services/XXX/YYY/ZZZ',
      );
      const v = await execCcmon(['config', 'validate', cfg], env);
      assert.match(v.stderr, /valid/);
    } finally {
      await dir.cleanup();
    }
  });
});
