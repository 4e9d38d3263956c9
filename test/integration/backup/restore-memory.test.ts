/**
 * The memory budget of restores, verify and the CLI, tested like a backup's (memory.test.ts): the same
 * operation on a backup of 5,000 and of 50,000 tiny files, each in its own child process, and the
 * difference of their peak RSS (VmHWM). A restore that held the manifest, the diff lists or a
 * path per file would grow by tens of MB between the two (the 20,000-file restore before the
 * streamed manifest held ~60 MB more than its dry run does now); streamed, it grows by allocator
 * noise. A budget, not a timing; the children run under tsx (built figures: bench/README.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { backupConfigSchema } from '../../../src-main/core/backup/config.js';
import { BackupService } from '../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { ROOT } from './cli.js';

const run = promisify(execFile);
const SMALL = 5_000;
const LARGE = 50_000;
const BUDGET_MB = 180;
const GROWTH_MB = 20;

interface Fixture {
  source: string;
  config: string;
  archive: string;
  id: string;
}

async function fixture(root: string, name: string, count: number): Promise<Fixture> {
  const source = join(root, `${name}-src`);
  for (let d = 0; d < count / 500; d++) {
    const dir = join(source, `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 500; f++) writeFileSync(join(dir, `session-${f}.log`), `line ${d}/${f}\n`);
  }
  const raw = {
    directory: join(root, `${name}-backups`),
    sets: [{ name, sources: [source], ccmonState: false }],
  };
  const config = join(root, `${name}.json`);
  writeFileSync(config, JSON.stringify({ version: 1, backup: raw }));
  const service = new BackupService({
    config: backupConfigSchema.parse(raw),
    dataDir: join(root, `${name}-state`),
    configFile: null,
  });
  const { backup } = await service.backup();
  return { source, config, archive: backup.archivePath, id: backup.id };
}

/** Peak RSS in MB of one child (engine or CLI), and what it printed. */
async function peak(dir: string, args: string[], env: Record<string, string> = {}) {
  const hwmFile = join(dir, `hwm-${Math.random().toString(36).slice(2)}.json`);
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/integration/backup/memory-restore-child.ts', ...args],
    {
      cwd: ROOT,
      maxBuffer: 64 << 20,
      timeout: 240_000,
      env: { ...process.env, CCMON_TEST_HWM: hwmFile, ...env },
    },
  );
  const r = JSON.parse(readFileSync(hwmFile, 'utf8')) as { hwmKb: number; summary: unknown };
  return { mb: r.hwmKb / 1024, summary: r.summary, stdout };
}

function within(t: { diagnostic(m: string): void }, what: string, small: number, large: number) {
  const msg = `${what}: peak RSS ${small.toFixed(1)} MB for ${SMALL} files, ${large.toFixed(1)} MB for ${LARGE}`;
  t.diagnostic(msg);
  assert.ok(large - small < GROWTH_MB, msg);
  assert.ok(large < BUDGET_MB, msg);
}

describe('restore and CLI memory do not grow with the file count', () => {
  let dir: TempDir;
  let small: Fixture;
  let large: Fixture;
  before(async () => {
    dir = await tempDir('ccmon-rs-mem-');
    small = await fixture(dir.path, 'small', SMALL);
    large = await fixture(dir.path, 'large', LARGE);
  });
  after(() => dir.cleanup());

  it('dry run in place (diff against the live files, removals walk)', async (t) => {
    const s = await peak(dir.path, ['engine', 'dry', small.config, small.archive]);
    const l = await peak(dir.path, ['engine', 'dry', large.config, large.archive]);
    // Every file and folder is there and unchanged: the whole diff ran.
    assert.equal((l.summary as { unchanged: number }).unchanged, LARGE + LARGE / 500 + 1);
    within(t, 'restore --dry-run', s.mb, l.mb);
  });

  it('real restore into a folder (check, extract, commit)', async (t) => {
    const s = await peak(dir.path, [
      'engine',
      'restore',
      small.config,
      small.archive,
      join(dir.path, 'to-s'),
    ]);
    const l = await peak(dir.path, [
      'engine',
      'restore',
      large.config,
      large.archive,
      join(dir.path, 'to-l'),
    ]);
    assert.match((l.summary as { message: string }).message, new RegExp(`restored ${LARGE} files`));
    within(t, 'restore --to', s.mb, l.mb);
  });

  it('verify (every entry against the manifest, the embedded manifest against the sidecar)', async (t) => {
    const s = await peak(dir.path, ['engine', 'verify', small.config, small.id]);
    const l = await peak(dir.path, ['engine', 'verify', large.config, large.id]);
    assert.equal((l.summary as { files: number }).files, LARGE);
    within(t, 'verify', s.mb, l.mb);
  });

  it('the CLI: ccmon restore --dry-run --json prints every path, and ccmon backups', async (t) => {
    const env = { CCMON_DATA_DIR: join(dir.path, 'cli-data') };
    const args = (f: Fixture) => [
      'cli',
      '--config',
      f.config,
      '--json',
      'restore',
      f.id,
      '--dry-run',
      '--to',
      join(dir.path, `cli-to-${f.id}`),
    ];
    const s = await peak(dir.path, args(small), env);
    const l = await peak(dir.path, args(large), env);
    const report = JSON.parse(l.stdout) as { diff: { added: string[]; counts: { added: number } } };
    assert.equal(report.diff.counts.added, LARGE + LARGE / 500 + 1);
    assert.equal(report.diff.added.length, report.diff.counts.added, '--json lists every path');
    within(t, 'ccmon restore --dry-run --json', s.mb, l.mb);
    const ls = await peak(dir.path, ['cli', '--config', large.config, 'backups'], env);
    assert.match(ls.stdout, new RegExp(large.id));
    assert.ok(ls.mb < BUDGET_MB, `ccmon backups: ${ls.mb.toFixed(1)} MB`);
  });
});
