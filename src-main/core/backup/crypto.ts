/**
 * Optional archive encryption: AES-256-GCM with a key derived by scrypt from a passphrase, applied
 * in authenticated chunks (the STREAM construction) so memory stays constant and nothing is
 * released before it is authenticated. Each 64 KiB chunk gets its own nonce (random prefix +
 * counter) and a flag for "last chunk" bound into its tag, so reordering, truncation and appended
 * data are all detected.
 *
 * File layout: "CCMONENC" | version 1 | log2(N) r p | salt(16) | nonce prefix(8) |
 *              { flag(1) | length(4, BE) | ciphertext | tag(16) }*
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('CCMONENC');
const HEADER_LEN = 8 + 1 + 3 + 16 + 8;
const CHUNK = 64 * 1024;
const TAG = 16;
const LOG_N = 15;

/** A passphrase source (env, prompt, keychain): injected so core never knows where it came from. */
export type PassphraseProvider = () => Promise<string>;

export class DecryptionError extends Error {
  constructor(
    message: string,
    /** The first chunk failed authentication: a wrong passphrase, unless the file is damaged. */
    readonly atFirstChunk = false,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

function deriveKey(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Buffer {
  if (passphrase.length === 0) throw new Error('the backup passphrase is empty');
  return scryptSync(passphrase, salt, 32, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r });
}

function nonce(prefix: Buffer, counter: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(counter, 8);
  return n;
}

export class EncryptStream extends Transform {
  private readonly key: Buffer;
  private readonly header: Buffer;
  private readonly prefix = randomBytes(8);
  private counter = 0;
  private buffered: Buffer[] = [];
  private bufferedLength = 0;

  constructor(passphrase: string) {
    super();
    const salt = randomBytes(16);
    this.key = deriveKey(passphrase, salt, LOG_N, 8, 1);
    this.header = Buffer.concat([MAGIC, Buffer.from([1, LOG_N, 8, 1]), salt, this.prefix]);
    this.push(this.header);
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.buffered.push(chunk);
    this.bufferedLength += chunk.length;
    // Keep at least one byte back so the final chunk (flag 1) is never empty unless the input is.
    while (this.bufferedLength > CHUNK) {
      const all = Buffer.concat(this.buffered, this.bufferedLength);
      this.seal(all.subarray(0, CHUNK), false);
      this.buffered = [all.subarray(CHUNK)];
      this.bufferedLength -= CHUNK;
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.seal(Buffer.concat(this.buffered, this.bufferedLength), true);
    cb();
  }

  private seal(plain: Buffer, last: boolean): void {
    const flag = Buffer.from([last ? 1 : 0]);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.counter++));
    cipher.setAAD(Buffer.concat([this.header, flag]));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length, 0);
    this.push(Buffer.concat([flag, len, body, cipher.getAuthTag()]));
  }
}

export class DecryptStream extends Transform {
  private key: Buffer | null = null;
  private header: Buffer | null = null;
  private prefix: Buffer | null = null;
  private counter = 0;
  private pending: Buffer = Buffer.alloc(0);
  private sawLast = false;

  constructor(private readonly passphrase: string) {
    super();
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.consume();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (!this.sawLast || this.pending.length > 0)
      return cb(new DecryptionError('the encrypted archive is truncated or has data appended'));
    cb();
  }

  private consume(): void {
    if (!this.header) {
      if (this.pending.length < HEADER_LEN) return;
      const h = this.pending.subarray(0, HEADER_LEN);
      if (!h.subarray(0, 8).equals(MAGIC) || h[8] !== 1)
        throw new DecryptionError('not a ccmon encrypted archive (bad header)');
      const [logN, r, p] = [h[9]!, h[10]!, h[11]!];
      if (logN > 20 || r > 32 || p > 4) throw new DecryptionError('unsupported scrypt parameters');
      this.key = deriveKey(this.passphrase, h.subarray(12, 28), logN, r, p);
      this.prefix = Buffer.from(h.subarray(28, 36));
      this.header = Buffer.from(h);
      this.pending = this.pending.subarray(HEADER_LEN);
    }
    while (this.pending.length >= 5) {
      if (this.sawLast)
        throw new DecryptionError('data after the last chunk of the encrypted archive');
      const flag = this.pending[0]!;
      const len = this.pending.readUInt32BE(1);
      if (len > CHUNK || flag > 1) throw new DecryptionError('corrupt encrypted chunk header');
      if (this.pending.length < 5 + len + TAG) return;
      const body = this.pending.subarray(5, 5 + len);
      const tag = this.pending.subarray(5 + len, 5 + len + TAG);
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.key!,
        nonce(this.prefix!, this.counter++),
      );
      decipher.setAAD(Buffer.concat([this.header!, Buffer.from([flag])]));
      decipher.setAuthTag(tag);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new DecryptionError(
          this.counter === 1
            ? 'cannot decrypt the archive: wrong passphrase, or the archive is damaged'
            : `the encrypted archive is damaged (chunk ${this.counter - 1} fails authentication)`,
          this.counter === 1,
        );
      }
      this.pending = this.pending.subarray(5 + len + TAG);
      if (flag === 1) this.sawLast = true;
      if (plain.length) this.push(plain);
    }
  }
}
