/**
 * Copies to S3-compatible storage through @aws-sdk/client-s3, against a real local S3 server:
 * s3rver (npm) by default. Set CCMON_TEST_S3_URL (+ CCMON_TEST_S3_BUCKET, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY) to run the same suite against MinIO or another real service.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
// s3rver ships no types; it is a test-only dependency.
// @ts-expect-error no declaration file
import S3rver from 's3rver';
import { Registry } from 'prom-client';
import { registerBackupMetrics } from '../../../src-main/core/backup/metrics.js';
import { s3Store } from '../../../src-main/core/backup/remote.js';
import { BackupService } from '../../../src-main/core/backup/service.js';
import { freePort, tempDir, type TempDir } from '../../helpers/ports.js';
import { ccmon } from './cli.js';
import { backupConfig, writeTree } from '../../unit/core/backup/fixtures.js';

describe('copy to S3-compatible storage', () => {
  let dir: TempDir;
  let server: { close(): Promise<void> } | null = null;
  let endpoint: string;
  let bucket: string;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(async () => {
    dir = await tempDir('ccmon-bk-s3-');
    if (process.env.CCMON_TEST_S3_URL) {
      endpoint = process.env.CCMON_TEST_S3_URL;
      bucket = process.env.CCMON_TEST_S3_BUCKET ?? 'ccmon-test';
    } else {
      const port = await freePort();
      bucket = 'ccmon-backups';
      const s3 = new S3rver({
        address: '127.0.0.1',
        port,
        silent: true,
        directory: join(dir.path, 's3'),
        configureBuckets: [{ name: bucket }],
      });
      await s3.run();
      server = s3;
      endpoint = `http://127.0.0.1:${port}`;
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    }
  });
  after(async () => {
    await server?.close();
    if (!process.env.CCMON_TEST_S3_URL) {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    await dir.cleanup();
  });

  it('uploads the archive and its manifest after a backup; the copy is byte-identical', async () => {
    const src = join(dir.path, 'src');
    writeTree(src, [
      { path: 'a.yaml', content: 'x: 1' },
      { path: 'big.bin', content: Buffer.alloc(12 * 1024 * 1024, 7) },
    ]);
    const s3 = { bucket, prefix: 'host-a/', endpoint, region: 'us-east-1', forcePathStyle: true };
    const config = backupConfig({
      directory: join(dir.path, 'backups'),
      s3,
      sets: [{ name: 'app', sources: [src], ccmonState: false }],
    });
    const remote = s3Store(config.s3!);
    const service = new BackupService({
      config,
      dataDir: join(dir.path, 'data'),
      configFile: null,
      remote,
    });
    const r = await service.backup('app');
    assert.equal(r.remote?.ok, true, r.remote?.message);
    const registry = new Registry();
    registerBackupMetrics(registry, service.metrics);
    const text = await registry.metrics();
    assert.match(text, /ccmon_backup_remote_copy_success\{set="app"\} 1/);
    assert.match(
      text,
      /ccmon_backup_remote_copy_last_success_timestamp_seconds\{set="app"\} [1-9]/,
    );
    const keys = (await remote.list()).map((o) => o.key).sort();
    assert.deepEqual(keys, [`host-a/${r.backup.id}.manifest.json`, `host-a/${r.backup.id}.tar.gz`]);
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
    const obj = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: `host-a/${r.backup.id}.tar.gz` }),
    );
    const body = Buffer.from(await obj.Body!.transformToByteArray());
    assert.deepEqual(body, readFileSync(r.backup.archivePath));
    for (const k of keys) await remote.remove(k);
  });

  it('`ccmon backup` copies, and its output holds no warning about Node versions', async () => {
    const src = join(dir.path, 'src-cli');
    writeTree(src, [{ path: 'a.yaml', content: 'x: 4' }]);
    const file = join(dir.path, 'cli.json');
    const s3 = { bucket, prefix: 'host-d/', endpoint, region: 'us-east-1', forcePathStyle: true };
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        backup: {
          directory: join(dir.path, 'backups-cli'),
          s3,
          sets: [{ name: 'app', sources: [src], ccmonState: false }],
        },
      }),
    );
    // The copies above, in this process, set the SDK's switch: the CLI must set it itself.
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const r = await ccmon(['--config', file, '--json', 'backup'], {
      CCMON_DATA_DIR: join(dir.path, 'data-cli'),
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { remote?: { ok: boolean; message: string } };
    assert.equal(out.remote?.ok, true, out.remote?.message);
    // On Node < 22 the SDK's first client warns that its 2027 releases need Node 22.
    assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning|require node/);
    const remote = s3Store(s3);
    for (const o of await remote.list()) await remote.remove(o.key);
  });

  it('a failed copy keeps the local backup and says what failed', async () => {
    const src = join(dir.path, 'src2');
    writeTree(src, [{ path: 'a.yaml', content: 'x: 2' }]);
    const config = backupConfig({
      directory: join(dir.path, 'backups2'),
      s3: { bucket: 'no-such-bucket-ccmon', endpoint, forcePathStyle: true },
      sets: [{ name: 'app', sources: [src], ccmonState: false }],
    });
    const service = new BackupService({
      config,
      dataDir: join(dir.path, 'data'),
      configFile: null,
      remote: s3Store(config.s3!),
    });
    const r = await service.backup('app');
    assert.equal(r.remote?.ok, false);
    // The local backup succeeded (its gauge moves); these tell the copy failed, and since when.
    const registry = new Registry();
    registerBackupMetrics(registry, service.metrics);
    const text = await registry.metrics();
    assert.match(text, /ccmon_backup_remote_copy_success\{set="app"\} 0/);
    assert.match(text, /ccmon_backup_remote_copy_last_success_timestamp_seconds\{set="app"\} 0/);
    assert.match(
      r.remote!.message,
      /copy to s3:\/\/no-such-bucket-ccmon\/ccmon\/ failed: .*(NoSuchBucket|bucket does not exist)/i,
    );
    assert.equal(service.list().length, 1);
  });

  it('copies the backups whose copy failed at the next copy that works', async () => {
    const src = join(dir.path, 'src3');
    writeTree(src, [{ path: 'a.yaml', content: 'x: 3' }]);
    const s3 = { bucket, prefix: 'host-c/', endpoint, region: 'us-east-1', forcePathStyle: true };
    const config = backupConfig({
      directory: join(dir.path, 'backups3'),
      s3,
      sets: [{ name: 'app', sources: [src], ccmonState: false }],
    });
    const remote = s3Store(config.s3!);
    const down = {
      location: remote.location,
      upload: async () => {
        throw new Error('connect ECONNREFUSED (the test outage)');
      },
      list: () => remote.list(),
      remove: (k: string) => remote.remove(k),
    };
    const service = (r: typeof remote) =>
      new BackupService({ config, dataDir: join(dir.path, 'data3'), configFile: null, remote: r });
    const first = await service(remote).backup('app');
    assert.equal(first.remote?.ok, true, first.remote?.message);
    const missed = await service(down).backup('app');
    assert.equal(missed.remote?.ok, false);
    const third = await service(remote).backup('app');
    assert.equal(third.remote?.ok, true, third.remote?.message);
    assert.match(
      third.remote!.message,
      new RegExp(`with 1 earlier backup\\(s\\) whose copy had failed \\(${missed.backup.id}\\)`),
    );
    const keys = (await remote.list()).map((o) => o.key).sort();
    assert.deepEqual(
      keys,
      [first, missed, third]
        .flatMap((b) => [`host-c/${b.backup.id}.manifest.json`, `host-c/${b.backup.id}.tar.gz`])
        .sort(),
    );
    for (const k of keys) await remote.remove(k);
  });
});
