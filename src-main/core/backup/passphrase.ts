/**
 * Where the archive passphrase comes from, in order: the environment variable named in the config
 * (CCMON_BACKUP_PASSPHRASE by default), the secret store (`backup-passphrase`: the tray app's
 * keychain-backed store, or the headless agent's 0600 file), then an interactive prompt when one
 * is given (the CLI on a terminal). Asked once per process and then remembered.
 */
import { redact } from '../log.js';
import type { SecretStore } from '../secrets/store.js';
import type { PassphraseStatus } from './contract.js';
import type { PassphraseProvider } from './crypto.js';

export const PASSPHRASE_SECRET = 'backup-passphrase';

export interface PassphraseSources {
  envName: string;
  secrets?: { get(name: string): Promise<string | undefined> } | null;
  /** Asks on a terminal; `again` is true for the confirmation of a new passphrase. */
  prompt?: ((again: boolean) => Promise<string>) | null;
  /**
   * Prompt twice and refuse when the answers differ: a new archive is encrypted with what was
   * typed, and a typo there makes every later restore impossible (restic init, gpg -c).
   */
  confirm?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The two answers of a confirmed prompt differ; no archive was written. */
export class PassphraseMismatchError extends Error {
  constructor() {
    super('the passphrases differ; nothing was backed up');
    this.name = 'PassphraseMismatchError';
  }
}

/** A provider that can be told the passphrase changed (the next use looks again). */
export type ForgettingProvider = PassphraseProvider & { forget(): void };

export function passphraseProvider(src: PassphraseSources): ForgettingProvider {
  let cached: Promise<string> | null = null;
  const find = async (): Promise<string> => {
    const fromEnv = (src.env ?? process.env)[src.envName];
    if (fromEnv) return fromEnv;
    const stored = await src.secrets?.get(PASSPHRASE_SECRET).catch(() => undefined);
    if (stored) return stored;
    if (src.prompt) {
      const typed = await src.prompt(false);
      if (typed && src.confirm && (await src.prompt(true)) !== typed)
        throw new PassphraseMismatchError();
      if (typed) return typed;
    }
    throw new Error(
      `a backup passphrase is needed: keep one in the dashboard (Settings › Backups › Encryption), set ${src.envName}, or store it as the secret '${PASSPHRASE_SECRET}'`,
    );
  };
  const provide = () => {
    cached ??= find().then((p) => {
      redact(p);
      return p;
    });
    cached.catch(() => (cached = null));
    return cached;
  };
  return Object.assign(provide, { forget: () => (cached = null) });
}

/** The dashboard's side of the passphrase: where it comes from, and keeping a new one. */
export interface PassphraseKeeper {
  status(): Promise<PassphraseStatus>;
  set(passphrase: string): Promise<PassphraseStatus>;
}

export function passphraseKeeper(opts: {
  secrets: SecretStore;
  provider: ForgettingProvider;
  encryption: () => { enabled: boolean; passphraseEnv: string };
  env?: NodeJS.ProcessEnv;
}): PassphraseKeeper {
  const status = async (): Promise<PassphraseStatus> => {
    const { enabled, passphraseEnv } = opts.encryption();
    const stored = await opts.secrets.get(PASSPHRASE_SECRET).catch(() => undefined);
    return {
      encryption: enabled,
      from: (opts.env ?? process.env)[passphraseEnv] ? 'env' : stored ? 'store' : null,
      envName: passphraseEnv,
      store: opts.secrets.describe(),
    };
  };
  return {
    status,
    async set(passphrase) {
      redact(passphrase);
      await opts.secrets.set(PASSPHRASE_SECRET, passphrase);
      opts.provider.forget();
      return status();
    },
  };
}
