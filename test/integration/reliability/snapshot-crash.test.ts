/**
 * kill -9 during tsdb snapshots: a process appends to 1,500 series without pause while writing
 * snapshots back to back (test/integration/reliability/snapshot-writer.ts, the real store and
 * writeSnapshot), and is SIGKILLed at random moments. Every reload finds the last complete
 * snapshot (generation = the last one announced, or the one whose rename beat the kill), never a
 * partial one, and no unfinished temp file survives the next start. Then a real agent started on a
 * truncated and on a bit-flipped snapshot: it starts, keeps the file aside and says so.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src-main/core/log.js';
import { createSeriesStore } from '../../../src-main/core/tsdb/index.js';
import { loadSnapshot } from '../../../src-main/core/tsdb/snapshot.js';
import { agentProcessConfig } from '../../helpers/agent-config.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { startAgentProcess } from './agent-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ROUNDS = 8;
const run = promisify(execFile);

/** The generation stored in a snapshot, or null when loading did not give a complete one. */
async function generationIn(file: string) {
  const store = createSeriesStore({ maxSeries: 5000 });
  const r = await loadSnapshot(store, file, silentLogger);
  const gen = store
    .select([], 0, Date.now() * 2)
    .find((s) => s.labels.__name__ === 'ccmon_test_generation')
    ?.samples.at(-1)?.v;
  return { status: r.status, gen: gen ?? 0 };
}

describe('kill -9 during tsdb snapshots', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-snapcrash-');
  });
  after(() => dir.cleanup());

  it('always reloads the last complete snapshot, never a partial one', async (t) => {
    let seed = Number(process.env.CCMON_TEST_SEED ?? Date.now() % 100_000);
    t.diagnostic(`seed ${seed} (CCMON_TEST_SEED to replay)`);
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const file = join(dir.path, 'tsdb.snapshot');
    let midWrite = 0;
    let expected = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/integration/reliability/snapshot-writer.ts', file],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const ended = new Promise((r) => child.once('exit', (code, sig) => r(sig ?? code)));
      const deadline = Date.now() + 60_000;
      while (!/^loaded /m.test(out)) {
        assert.ok(Date.now() < deadline, `the writer did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const [, status, gen] = /^loaded (\S+) (\d+)/m.exec(out)!;
      assert.notEqual(status, 'set-aside', `round ${round}: the writer found a partial snapshot`);
      assert.equal(Number(gen), expected, `round ${round}: the writer restarted from the last one`);
      // The first round completes a snapshot; then a random moment from the first write on, within
      // about two writes (each takes a few hundred ms here, longer on a busy machine).
      const marker = round === 0 ? /^written \d+/m : /^writing \d+/m;
      while (!marker.test(out)) {
        assert.ok(Date.now() < deadline, `the writer wrote nothing: ${out}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, random() * 1500));
      child.kill('SIGKILL');
      assert.equal(await ended, 'SIGKILL');
      const written = [...out.matchAll(/^written (\d+)$/gm)].map((m) => Number(m[1]));
      const announced = written.at(-1) ?? expected;
      const temps = (await readdir(dir.path)).filter((n) => n.includes('.tmp-'));
      if (temps.length) midWrite++;

      const found = await generationIn(file);
      assert.equal(found.status, announced === 0 ? found.status : 'loaded', `round ${round}`);
      assert.notEqual(found.status, 'set-aside', `round ${round}: a partial snapshot was renamed`);
      // The rename of the next one may have beaten the kill, not its announcement.
      assert.ok(
        found.gen === announced || found.gen === announced + 1,
        `round ${round}: loaded generation ${found.gen}, last announced ${announced}`,
      );
      assert.deepEqual(
        (await readdir(dir.path)).filter((n) => n.includes('.tmp-') || n.includes('.corrupt-')),
        [],
        'the load removed the unfinished temp file and set nothing aside',
      );
      expected = found.gen;
    }
    t.diagnostic(`${ROUNDS} kills, ${midWrite} in the middle of writing a snapshot`);
    assert.ok(expected >= 1, `snapshots were written (generation ${expected})`);
    assert.ok(midWrite >= 1, 'at least one kill landed mid-write');
  });

  for (const damage of ['truncated', 'bit-flipped'] as const)
    it(`a real agent starts on a ${damage} snapshot, keeps it aside and says why`, async (t) => {
      // A complete snapshot of its own, written by one run of the writer.
      const file = join(dir.path, `${damage}.snapshot`);
      await run(
        process.execPath,
        ['--import', 'tsx', 'test/integration/reliability/snapshot-writer.ts', file, 'once'],
        { cwd: root },
      );
      const size = (await readFile(file)).length;
      if (damage === 'truncated') await truncate(file, Math.floor(size / 2));
      else {
        const buf = await readFile(file);
        buf[Math.floor(size / 2)]! ^= 0x10;
        await writeFile(file, buf);
      }
      const cfgFile = join(dir.path, `${damage}.yaml`);
      await writeFile(
        cfgFile,
        await agentProcessConfig({
          tsdb: { snapshot: { file } },
          alerts: { desktop: { enabled: false } },
        }),
      );
      const agent = await startAgentProcess(cfgFile, join(dir.path, `${damage}-data`));
      t.after(() => agent.kill9());
      const stats = await agent.request<{ series: number }>('series.stats');
      assert.equal(typeof stats.series, 'number', 'the agent answers');
      const aside = (await readdir(dir.path)).filter((n) =>
        n.startsWith(`${damage}.snapshot.corrupt-`),
      );
      assert.equal(aside.length, 1, 'the damaged file is kept aside');
      assert.match(
        agent.output(),
        new RegExp(`${damage}\\.snapshot is unusable \\((.*)\\); moved it to .*corrupt-`),
      );
      assert.match(
        agent.output(),
        damage === 'truncated' ? /truncated|end|short|trailer/i : /checksum/,
      );
      await agent.stop();
    });
});
