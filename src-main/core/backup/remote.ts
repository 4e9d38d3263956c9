/**
 * Copies of finished backups on S3-compatible storage (AWS S3, MinIO, Ceph RGW, R2 …), behind a
 * small interface so tests and other stores can stand in. Uploads stream the file in 8 MiB
 * multipart parts, two at a time (bounded memory). Credentials come from the AWS SDK's default
 * chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role), never from ccmon's
 * config file.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BackupConfig } from './config.js';

export interface RemoteStore {
  /** For messages: `s3://bucket/prefix`. */
  readonly location: string;
  upload(file: string): Promise<string>;
  list(): Promise<{ key: string; size: number }[]>;
  remove(key: string): Promise<void>;
}

// The AWS SDK is large (tens of MB resident): loaded on first use, never by commands that
// do not copy anything.
const sdk = () => {
  // On Node < 22 the SDK's first client prints seven lines saying its releases after January 2027
  // need Node 22: advice for whoever picks the SDK's version (ccmon's lockfile), not for the admin
  // reading `ccmon backup`'s output or the agent's log. The SDK's own switch; an admin's setting
  // stays.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
};

export function s3Store(cfg: NonNullable<BackupConfig['s3']>, client?: S3Client): RemoteStore {
  let s3: S3Client | undefined = client;
  const connect = async () => {
    const [{ S3Client: Client }, lib] = await sdk();
    s3 ??= new Client({
      region: cfg.region,
      forcePathStyle: cfg.forcePathStyle,
      ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    });
    return { s3, mod: await import('@aws-sdk/client-s3'), Upload: lib.Upload };
  };
  const prefix = cfg.prefix;
  return {
    location: `s3://${cfg.bucket}/${prefix}`,
    async upload(file) {
      const key = prefix + basename(file);
      const { s3, Upload } = await connect();
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: cfg.bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: statSync(file).size,
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      });
      await upload.done();
      return key;
    },
    async list() {
      const out: { key: string; size: number }[] = [];
      let token: string | undefined;
      const { s3, mod } = await connect();
      do {
        const page = await s3.send(
          new mod.ListObjectsV2Command({
            Bucket: cfg.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async remove(key) {
      const { s3, mod } = await connect();
      await s3.send(new mod.DeleteObjectCommand({ Bucket: cfg.bucket, Key: key }));
    },
  };
}
