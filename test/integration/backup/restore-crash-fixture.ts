/**
 * The restore-crash fixture shared by restore-crash*.test.ts: a live folder in state v1 backed up
 * once, then changed to v2; helpers that kill `ccmon restore` and check what the next start reports
 * and that following its advice gives the exact state of either side. Called inside a describe():
 * it registers that suite's before/after hooks.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before } from 'node:test';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { ccmon } from './cli.js';

export type Tree = Map<string, string>;

/** Every file under `root` by relative path → sha256 (temporary files of a restore included). */
export function snapshot(root: string): Tree {
  const out: Tree = new Map();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

export function writeTree(root: string, version: 'v1' | 'v2', big: Buffer): void {
  rmSync(root, { recursive: true, force: true });
  for (let d = 0; d < 4; d++) {
    mkdirSync(join(root, `dir-${d}`), { recursive: true });
    for (let f = 0; f < 12; f++) {
      // v2 changes a third of the files, drops one per folder and adds one per folder.
      if (version === 'v2' && f === 11) continue;
      const changed = version === 'v2' && f % 3 === 0;
      writeFileSync(join(root, `dir-${d}`, `f-${f}.conf`), `${changed ? 'v2' : 'v1'} ${d}/${f}\n`);
    }
    if (version === 'v2') writeFileSync(join(root, `dir-${d}`, 'added.conf'), `v2 ${d}\n`);
  }
  writeFileSync(join(root, 'model.bin'), version === 'v1' ? big : Buffer.from(big).reverse());
}

export interface RestoreCrashFixture {
  readonly live: string;
  readonly backups: string;
  readonly id: string;
  readonly v1: Tree;
  env(): Record<string, string>;
  config(active: string): string;
  /** Back to state v2 (what each case starts from). */
  resetLive(): void;
  killedAt(point: string, active?: string): Promise<void>;
  recover(expect: { phase?: string; changed?: boolean; safety?: boolean }): Promise<void>;
}

export function useRestoreCrashFixture(): RestoreCrashFixture {
  let dir: TempDir;
  let live: string;
  let backups: string;
  let v1: Tree;
  let v2: Tree;
  let id = '';
  const big = randomBytes(6 * 1024 * 1024);
  const env = () => ({ CCMON_DATA_DIR: join(dir.path, 'data') });
  const config = (active: string) => {
    const file = join(dir.path, `config-${active}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        backup: {
          directory: backups,
          sets: [{ name: 'live', sources: [live], ccmonState: false }],
          restore: {
            stopCommand: ['true'],
            startCommand: ['true'],
            activeCommand: ['sh', '-c', `exit ${active === 'failing' ? 1 : 0}`],
            settleSeconds: 0,
          },
        },
      }),
    );
    return file;
  };

  before(async () => {
    dir = await tempDir('ccmon-bk-rcrash-');
    live = join(dir.path, 'live');
    backups = join(dir.path, 'backups');
    writeTree(live, 'v1', big);
    v1 = snapshot(live);
    const r = await ccmon(['--config', config('ok'), '--json', 'backup'], env());
    assert.equal(r.code, 0, r.stderr);
    id = JSON.parse(r.stdout).id;
    writeTree(live, 'v2', big);
    v2 = snapshot(live);
  });
  after(() => dir.cleanup());

  /** Every file whole: its v1 or its v2 content; nothing else (no temporary file). */
  const assertWhole = (tree: Tree) => {
    for (const [path, sum] of tree)
      assert.ok(v1.get(path) === sum || v2.get(path) === sum, `${path} is neither old nor new`);
  };

  let clearChecked = false;
  /** After a kill: what the next start reports, checked, then the advice followed. */
  async function recover(expect: { phase?: string; changed?: boolean; safety?: boolean }) {
    const listed = await ccmon(['--config', config('ok'), '--json', 'backups'], env());
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout);
    const i = list.interruptedRestore;
    assert.ok(i, 'the interrupted restore is reported');
    assert.equal(i.id, id);
    if (expect.phase) assert.equal(i.phase, expect.phase);
    if (expect.changed !== undefined) assert.equal(i.targetChanged, expect.changed);
    if (expect.safety !== undefined) assert.equal(i.safetyBackup !== null, expect.safety);
    assert.match(listed.stderr, /was interrupted/);
    // Killed while the stop hook was starting: it may not have run, and the message says so.
    if (i.phase === 'stopping')
      assert.match(i.message, /was stopping the service, which may be down/);
    else if (i.phase !== 'safety-backup') assert.match(i.message, /had stopped the service/);
    const after = snapshot(live);
    assert.ok(![...after.keys()].some((p) => p.includes('.ccmon-restore-')), 'temporaries left');
    if (i.targetChanged) assertWhole(after);
    else assert.deepEqual(after, v2, 'nothing in place changed before the commit');
    assert.ok(
      !list.backups.some((b: { id: string }) => b.id.includes('partial')),
      'only complete backups listed',
    );
    if (i.safetyBackup) {
      assert.match(
        i.message,
        new RegExp(i.targetChanged ? `ccmon restore ${i.safetyBackup} --yes` : i.safetyBackup),
      );
      const v = await ccmon(['--config', config('ok'), 'verify', i.safetyBackup], env());
      assert.equal(v.code, 0, `the safety backup verifies: ${v.stderr}`);
    }
    // The advice: roll back when files may have changed, else restore again.
    const ref = i.targetChanged ? i.safetyBackup : id;
    const again = await ccmon(['--config', config('ok'), '--json', 'restore', ref, '--yes'], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).interrupted.phase, i.phase);
    assert.deepEqual(snapshot(live), i.targetChanged ? v2 : v1);
    if (!clearChecked) {
      // Reported until a restore ends (checked once: every CLI run costs a Node start-up).
      clearChecked = true;
      const clear = await ccmon(['--config', config('ok'), '--json', 'backups'], env());
      assert.equal(JSON.parse(clear.stdout).interruptedRestore, null);
    }
    writeTree(live, 'v2', big);
  }

  const killedAt = async (point: string, active = 'ok') => {
    const r = await ccmon(['--config', config(active), 'restore', id, '--yes'], {
      ...env(),
      CCMON_CRASH_AT: point,
    });
    assert.equal(r.code, null, `killed at ${point} (exit ${r.code}: ${r.stderr})`);
  };

  return {
    get live() {
      return live;
    },
    get backups() {
      return backups;
    },
    get id() {
      return id;
    },
    get v1() {
      return v1;
    },
    env,
    config,
    resetLive: () => writeTree(live, 'v2', big),
    killedAt,
    recover,
  };
}
