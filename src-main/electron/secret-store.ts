/**
 * The tray app's SecretStore (core/secrets): values encrypted with Electron safeStorage (macOS
 * Keychain, Windows DPAPI, libsecret/kwallet on Linux) and kept as base64 in a 0600 file in the
 * data folder. The key never leaves the OS keychain; the file alone is useless elsewhere.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redact } from '../core/log.js';
import { checkSecretName, type SecretStore } from '../core/secrets/store.js';
import { writeFileAtomicSync } from '../core/atomic-file.js';

/** The part of Electron's safeStorage the store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring was found and Chromium's fixed key is used. */
  getSelectedStorageBackend?(): string;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = join(dataDir, 'secrets.safestorage.json');
  }

  async get(name: string): Promise<string | undefined> {
    const sealed = this.read()[name];
    if (sealed === undefined) return undefined;
    const value = this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    redact(value);
    return value;
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (!this.safeStorage.isEncryptionAvailable())
      throw new Error(
        'the OS keychain is not available (safeStorage); unlock it, or run the headless agent, ' +
          'which keeps secrets in a 0600 file',
      );
    redact(value);
    const all = this.read();
    all[name] = this.safeStorage.encryptString(value).toString('base64');
    this.write(all);
  }

  async delete(name: string): Promise<boolean> {
    const all = this.read();
    if (!(name in all)) return false;
    delete all[name];
    this.write(all);
    return true;
  }

  async list(): Promise<string[]> {
    return Object.keys(this.read()).sort();
  }

  describe(): string {
    const backend = this.safeStorage.getSelectedStorageBackend?.();
    if (this.platform === 'linux' && backend === 'basic_text')
      return `${this.file}, encrypted with Chromium's built-in key: no keyring (libsecret/kwallet) was found, so this is obfuscation, not protection`;
    const where =
      this.platform === 'darwin'
        ? 'the macOS Keychain'
        : this.platform === 'win32'
          ? 'Windows DPAPI'
          : `the desktop keyring (${backend ?? 'libsecret'})`;
    return `${this.file}, encrypted with a key held by ${where}`;
  }

  private read(): Record<string, string> {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, string>;
      throw new Error('not a JSON object');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`secret file ${this.file} is unreadable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  // A crash mid-write never leaves half a secret file (atomic-file.ts); it is 0600 from the start.
  private write(all: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(this.file, JSON.stringify(all, null, 2) + '\n');
  }
}
