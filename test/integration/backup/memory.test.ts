/**
 * The memory budget of a backup, tested structurally (issue 5: "peak RSS < 100 MB whatever the
 * size"): the same backup of 5,000 and of 50,000 tiny files, each in its own child process, and
 * the kernel's peak RSS (VmHWM) of each. What a backup holds per file (manifest records, the file
 * list of the walk) would add tens of MB between the two; a streamed walk and a spooled manifest
 * add nothing. A budget, not a timing: the absolute bound leaves room for tsx, which these
 * children run under (the built engine's figures are in bench/README.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { ROOT } from './cli.js';

const run = promisify(execFile);
const SMALL = 5_000;
const LARGE = 50_000;
/** Peak RSS allowed for a whole backup process under tsx, whatever the file count. */
const BUDGET_MB = 180;
/**
 * What 45,000 more files may add: allocator noise (up to ~11 MB seen under load 9 with gzip), and
 * below what keeping anything per file costs (a planned entry plus its manifest record is ~700 B:
 * 30 MB for 45,000 files, which the code before the spool grew by).
 */
const GROWTH_MB = 20;

function tinyFiles(root: string, count: number): void {
  for (let d = 0; d < count / 500; d++) {
    const dir = join(root, `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 500; f++) writeFileSync(join(dir, `session-${f}.log`), `line ${d}/${f}\n`);
  }
}

async function peak(source: string, out: string, compression: string) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/integration/backup/memory-child.ts', source, out, compression],
    { cwd: ROOT, maxBuffer: 1 << 20, timeout: 180_000 },
  );
  const r = JSON.parse(stdout) as { hwmKb: number; files: number };
  return { mb: r.hwmKb / 1024, files: r.files };
}

describe('backup memory does not grow with the file count', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-mem-');
    tinyFiles(join(dir.path, 'small'), SMALL);
    tinyFiles(join(dir.path, 'large'), LARGE);
  });
  after(() => dir.cleanup());

  for (const compression of ['gzip', 'zstd']) {
    it(`${compression}: ${LARGE} files peak within ${GROWTH_MB} MB of ${SMALL}, under ${BUDGET_MB} MB`, async (t) => {
      const small = await peak(
        join(dir.path, 'small'),
        join(dir.path, `out-s-${compression}`),
        compression,
      );
      const large = await peak(
        join(dir.path, 'large'),
        join(dir.path, `out-l-${compression}`),
        compression,
      );
      assert.equal(small.files, SMALL);
      assert.equal(large.files, LARGE);
      const msg = `peak RSS ${small.mb.toFixed(1)} MB for ${SMALL} files, ${large.mb.toFixed(1)} MB for ${LARGE}`;
      t.diagnostic(msg);
      assert.ok(large.mb - small.mb < GROWTH_MB, msg);
      assert.ok(large.mb < BUDGET_MB, msg);
    });
  }
});
