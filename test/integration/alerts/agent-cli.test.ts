/**
 * A real `ccmon agent` process with alerts routed to a webhook, driven by the `ccmon alerts` CLI:
 * add an alert, list it, silence it, see the timeline, and restart the agent to find the timeline
 * and silences still there.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentProcessConfig, webhookAlerts } from '../../helpers/agent-config.js';
import { ccmonArgv, execCcmon, REPO_ROOT, spawnCcmon } from '../../helpers/cli.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

describe('ccmon alerts against a running agent', () => {
  let dir: TempDir;
  let hook: HttpReceiver;
  let agent: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let cfgFile: string;

  async function startAgent() {
    const child = spawnCcmon(['--config', cfgFile, 'agent', '--json'], env);
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    await waitFor(
      'the agent',
      async () => {
        if (child.exitCode !== null) throw new Error(`the agent exited: ${out}`);
        return out.includes('"url"');
      },
      60_000,
    );
    agent = child;
  }
  async function stopAgent() {
    if (!agent) return;
    const a = agent;
    agent = null;
    a.kill('SIGTERM');
    await new Promise((r) => a.once('exit', r));
  }
  const ccmon = (...args: string[]) => execCcmon(['--config', cfgFile, ...args], env);

  before(async () => {
    dir = await tempDir('ccmon-agent-alerts-');
    hook = await startHttpReceiver();
    cfgFile = join(dir.path, 'ccmon.yaml');
    await writeFile(
      cfgFile,
      await agentProcessConfig({
        alerts: webhookAlerts(`${hook.url}/hook`, { groupWait: '200ms', groupInterval: '500ms' }),
      }),
    );
    // No session bus: the 0600 file store, never the developer's own keyring.
    env = { ...process.env, CCMON_DATA_DIR: join(dir.path, 'data'), DBUS_SESSION_BUS_ADDRESS: '' };
    await startAgent();
  });
  after(async () => {
    await stopAgent();
    await hook.close();
    await dir.cleanup();
  });

  it('adds an alert that reaches the webhook and the list', async () => {
    await ccmon(
      'alerts',
      'add',
      'alertname=BackupStale',
      'severity=warning',
      '--annotation',
      'summary=no backup for 2 days',
    );
    await waitFor('the webhook', async () => hook.received.length > 0);
    const { stdout } = await ccmon('alerts', 'list');
    assert.match(stdout, /firing\s+BackupStale\s+warning/);
    assert.match(stdout, /no backup for 2 days/);
  });

  it('silences it and shows it silenced; the silence and timeline survive a restart', async () => {
    const { stdout: id } = await ccmon(
      'alerts',
      'silence',
      'alertname=BackupStale',
      '--for',
      '2h',
      '--comment',
      'restoring',
    );
    const list = JSON.parse((await ccmon('--json', 'alerts', 'list')).stdout) as {
      state: string;
      silencedBy: string[];
    }[];
    assert.equal(list[0]!.state, 'silenced');
    assert.deepEqual(list[0]!.silencedBy, [id.trim()]);

    await stopAgent();
    await startAgent();
    const silences = JSON.parse((await ccmon('--json', 'alerts', 'silences')).stdout) as {
      id: string;
      state: string;
      comment: string;
    }[];
    assert.ok(
      silences.some((s) => s.id === id.trim() && s.state === 'active' && s.comment === 'restoring'),
    );
    const timeline = JSON.parse(
      (await ccmon('--json', 'alerts', 'timeline', '--alertname', 'BackupStale')).stdout,
    ) as { kind: string }[];
    const kinds = timeline.map((e) => e.kind);
    for (const k of ['firing', 'notified', 'silenced'])
      assert.ok(kinds.includes(k), kinds.join(','));

    await ccmon('alerts', 'expire', id.trim());
    await assert.rejects(
      ccmon('alerts', 'expire', id.trim()),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 2);
        assert.match(err.stderr, /already expired/);
        return true;
      },
    );
  });

  it('rejects a bad matcher with exit 2 and says why', async () => {
    await assert.rejects(
      ccmon('alerts', 'silence', 'job=~"("'),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 2);
        assert.match(err.stderr, /invalid regex/);
        return true;
      },
    );
  });

  it('stores a secret from stdin and lists only its name', async () => {
    await new Promise<void>((resolve, reject) => {
      const p = execFile(
        process.execPath,
        ccmonArgv(['alerts', 'secret', 'set', 'smtp-pw']),
        { cwd: REPO_ROOT, env },
        (err) => (err ? reject(err) : resolve()),
      );
      p.stdin!.end('hunter2\n');
    });
    const { stdout } = await ccmon('alerts', 'secret', 'list');
    assert.equal(stdout.trim(), 'smtp-pw');
  });
});
