/**
 * `kill -HUP` makes a real `ccmon agent` process read its config file again, as Prometheus and
 * Alertmanager do: a hand-edited file takes effect without a restart, a broken one is reported and
 * the running config kept, and the agent never exits on the signal (Node's default for SIGHUP).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentProcessConfig } from '../../helpers/agent-config.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startAgentProcess, type AgentProcess } from './agent-process.js';

interface BackupList {
  sets: { set: string; schedule: string | null }[];
}

describe('SIGHUP reloads the config file of a running agent', () => {
  let dir: TempDir;
  let agent: AgentProcess | undefined;
  let cfgFile = '';
  let text = '';
  const sets = async () =>
    (await agent!.request<BackupList>('backup.list')).sets.map((s) => `${s.set} ${s.schedule}`);
  const backup = (names: string[]) => ({
    backup: {
      directory: join(dir.path, 'backups'),
      restoreTestSchedule: null,
      sets: names.map((name) => ({
        name,
        schedule: '0 3 * * *',
        sources: [join(dir.path, 'src')],
        ccmonState: false,
      })),
    },
  });

  before(async () => {
    dir = await tempDir('ccmon-sighup-');
    mkdirSync(join(dir.path, 'src'));
    cfgFile = join(dir.path, 'ccmon.yaml');
    text = await agentProcessConfig({ rules: { enabled: false }, ...backup(['alpha']) });
    await writeFile(cfgFile, text);
    agent = await startAgentProcess(cfgFile, join(dir.path, 'data'));
  });
  after(async () => {
    await agent?.stop();
    await dir.cleanup();
  });

  it('applies an edited file, and keeps running on a broken one', async () => {
    assert.deepEqual(await sets(), ['alpha 0 3 * * *']);
    await writeFile(cfgFile, text.replace(/sets:[\s\S]*$/, '') + stringifySets(['alpha', 'beta']));
    agent!.child.kill('SIGHUP');
    await waitFor('the added set', async () => (await sets()).includes('beta 0 3 * * *'));
    assert.match(agent!.output(), /config reloaded from .*ccmon\.yaml; applied: .*backup/);

    await writeFile(cfgFile, 'backup: { sets: [ { name: "Bad Name" } ]\n');
    agent!.child.kill('SIGHUP');
    await waitFor('the reload failure in the log', async () =>
      /config reload failed; the running config is kept: .*ccmon\.yaml/.test(agent!.output()),
    );
    assert.deepEqual(
      await sets(),
      ['alpha 0 3 * * *', 'beta 0 3 * * *'],
      'still running, as before',
    );
    assert.equal(agent!.child.exitCode, null);
  });

  /** The `sets:` lines of the backup section, in the file's own YAML layout. */
  function stringifySets(names: string[]): string {
    const b = backup(names).backup;
    return `sets:\n${b.sets
      .map(
        (s) =>
          `    - name: ${s.name}\n      schedule: "${s.schedule}"\n      sources: [${s.sources[0]}]\n      ccmonState: false\n`,
      )
      .join('')}`;
  }
});
