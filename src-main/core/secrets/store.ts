/**
 * Where ccmon keeps passwords, tokens and webhook URLs: never in the config file, which holds only
 * `{ secret: NAME }`. The tray app plugs in an Electron safeStorage store; the headless agent uses
 * the file store below (mode 0600 in the data dir), and says so (`describe()`), because a headless
 * Linux host usually has no unlocked Secret Service to talk to.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact, silentLogger, type Logger } from '../log.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
  list(): Promise<string[]>;
  /** One line for the user: where the secrets actually are. */
  describe(): string;
}

export class SecretNotFoundError extends Error {
  constructor(readonly secretName: string) {
    super(
      `secret '${secretName}' is not in the secret store; set it with ` +
        `\`ccmon alerts secret set ${secretName}\` (reads the value from stdin)`,
    );
    this.name = 'SecretNotFoundError';
  }
}

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export function checkSecretName(name: string): void {
  if (!NAME.test(name))
    throw new Error(`invalid secret name '${name}' (letters, digits, . _ - only)`);
}

/** A JSON file readable only by its owner (0600), in a 0700 folder. */
export class FileSecretStore implements SecretStore {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.file = join(dataDir, 'secrets.json');
  }

  private read(): Record<string, string> {
    const all = readJsonOr<Record<string, string>>(this.file, {}, this.logger);
    try {
      // Tighten a file someone loosened, rather than keep serving secrets from it.
      if ((statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
    } catch {
      /* no file yet */
    }
    for (const v of Object.values(all)) redact(v);
    return all;
  }

  async get(name: string): Promise<string | undefined> {
    return this.read()[name];
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    redact(value);
    const all = this.read();
    all[name] = value;
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    writeJsonAtomic(this.file, all);
  }

  async delete(name: string): Promise<boolean> {
    const all = this.read();
    if (!(name in all)) return false;
    delete all[name];
    writeJsonAtomic(this.file, all);
    return true;
  }

  async list(): Promise<string[]> {
    return Object.keys(this.read()).sort();
  }

  describe(): string {
    return `file ${this.file} (mode 0600, readable by this user only; not encrypted)`;
  }
}

/** Read a secret that must exist; registers it with the logger's redaction. */
export async function requireSecret(store: SecretStore, name: string): Promise<string> {
  const v = await store.get(name);
  if (v === undefined) throw new SecretNotFoundError(name);
  redact(v);
  return v;
}
