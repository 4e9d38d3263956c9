/**
 * Issue 10 (bad input): the backup archive reader. Mutated and truncated archives (the tar stream
 * itself, and whole gzip archives through restore) are refused with a message or restore exactly
 * the original bytes; nothing is ever written outside the restore target.
 */
import assert from 'node:assert/strict';
import { linkSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { readEmbeddedManifest } from '../../../src-main/core/backup/archive-reader.js';
import { BackupService } from '../../../src-main/core/backup/service.js';
import { TarFormatError, TarParser } from '../../../src-main/core/backup/tar.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { backupConfig, writeTree, type TreeFile } from '../core/backup/fixtures.js';
import { BUDGET, mutatedBytes } from './mutate.js';

/** Every file under root (relative paths), for the "nothing written outside" check. */
function listing(root: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (skip(rel)) continue;
      out.push(rel);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

describe('fuzz: backup archive reader', () => {
  let dir: TempDir;
  let src: string;
  let files: TreeFile[];
  let service: BackupService;
  let id: string;
  let archivePath: string;
  let original: Buffer;
  let tar: Buffer;

  before(async () => {
    dir = await tempDir('ccmon-fuzz-bk-');
    src = join(dir.path, 'etc', 'claude-code');
    files = writeTree(
      src,
      [
        { path: 'config.yaml', content: 'api:\n  port: 8080\n', mode: 0o640 },
        { path: 'secrets/token', content: 's3cr3t\n', mode: 0o600 },
        { path: 'notes/long.txt', content: 'line\n'.repeat(300) },
        { path: 'empty.txt', content: '' },
      ],
      [['current', 'config.yaml']],
    );
    // A hard link: its record names the first, and a restore that checks out links it again.
    linkSync(join(src, 'notes/long.txt'), join(src, 'notes/link.txt'));
    service = new BackupService({
      config: backupConfig({
        directory: join(dir.path, 'backups'),
        sets: [{ name: 'fuzz', sources: [src], ccmonState: false }],
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
    });
    const r = await service.backup(undefined, { kind: 'manual' });
    id = r.backup.id;
    archivePath = r.backup.archivePath;
    original = readFileSync(archivePath);
    tar = gunzipSync(original);
  });
  after(() => dir.cleanup());

  it(
    'mutated and truncated tar streams end in entries or a TarFormatError',
    { timeout: 10_000 },
    () => {
      const handler = { entry() {}, data() {}, endEntry() {} };
      fc.assert(
        fc.property(mutatedBytes(tar), fc.integer({ min: 1, max: 4096 }), (bytes, chunk) => {
          const parser = new TarParser(handler);
          try {
            for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, i + chunk));
            parser.end();
          } catch (err) {
            assert.ok(
              err instanceof TarFormatError,
              `not a TarFormatError: ${(err as Error)?.stack ?? String(err)}`,
            );
          }
        }),
        BUDGET,
      );
    },
  );

  it(
    'mutated archives: the embedded manifest is read or refused with a message',
    { timeout: 10_000 },
    async () => {
      const probe = join(dir.path, 'probe.tar.gz');
      await fc.assert(
        fc.asyncProperty(mutatedBytes(original), async (bytes) => {
          writeFileSync(probe, bytes);
          try {
            const m = await readEmbeddedManifest(probe);
            assert.ok(Array.isArray(m.files));
          } catch (err) {
            assert.ok(err instanceof Error, String(err));
            assert.ok(err.message.length > 0);
          }
        }),
        { ...BUDGET, numRuns: 100 },
      );
    },
  );

  it(
    'mutated archives restore exactly or are refused; nothing lands outside the target',
    { timeout: 30_000 },
    async () => {
      let n = 0;
      let inFlight: Promise<unknown> = Promise.resolve();
      const outside = () =>
        listing(
          dir.path,
          (rel) =>
            rel.startsWith('restored-') || rel.startsWith('backups') || rel.startsWith('data'),
        );
      const before = outside();
      await fc.assert(
        // Mutated gzip bytes, or a mutated tar inside a valid gzip: the latter reaches the tar
        // reader, the header safety checks and the per-file hashes with real writes.
        fc.asyncProperty(
          fc.oneof(
            mutatedBytes(original),
            mutatedBytes(tar).map((t) => gzipSync(t)),
          ),
          async (bytes) => {
            writeFileSync(archivePath, bytes);
            const to = join(dir.path, `restored-${n++}`);
            let report;
            try {
              const run = service.restore({ ref: id, to, dryRun: false });
              inFlight = run.catch(() => undefined);
              report = await run;
            } catch (err) {
              assert.ok(err instanceof Error && err.message.length > 0, String(err));
              return;
            }
            if (!report.ok) {
              assert.ok(report.message.length > 0, 'a refused restore says why');
              return;
            }
            // Marked good: then every file must be the original, byte for byte.
            for (const f of files)
              assert.deepEqual(readFileSync(join(to, src, f.path)), Buffer.from(f.content), f.path);
            assert.equal(
              statSync(join(to, src, 'notes/link.txt')).ino,
              statSync(join(to, src, 'notes/long.txt')).ino,
            );
          },
        ),
        { ...BUDGET, numRuns: 40, interruptAfterTimeLimit: 8000 },
      );
      // fast-check's time limit can leave the last run going: it holds the backup folder.
      await inFlight;
      assert.deepEqual(outside(), before, 'no file appeared outside the restore targets');
      writeFileSync(archivePath, original);
      const ok = await service.restore({
        ref: id,
        to: join(dir.path, 'restored-final'),
        dryRun: false,
      });
      assert.equal(ok.ok, true, ok.message);
      const final = join(dir.path, 'restored-final', src, 'notes');
      assert.equal(statSync(join(final, 'link.txt')).ino, statSync(join(final, 'long.txt')).ino);
    },
  );
});
