/**
 * The decrypted file list of the encrypted backup an admin is looking at, kept by the long-lived
 * agent between requests. An encrypted archive's list is only in its trailing manifest.json (its
 * sidecar holds none), so every look at it decrypted and decompressed the whole archive: each
 * folder opened in the dashboard's file browser, then the dry run, then the restore's plan (1.9 s
 * each for the bench's 600 MB set; minutes for a large backup). The list of the last backup asked
 * about stays spooled in a work folder (restoreWorkDir: mode 0700, removed by the next lock-taker
 * should the agent die) until unused for IDLE_MS, or until its archive changes. Meanwhile the file
 * names lie decrypted on disk, as they do for the length of any restore of that backup.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PassphraseProvider } from './crypto.js';
import type { BackupSidecar } from './manifest.js';
import { restoreWorkDir } from './backup-dir.js';
import { spoolManifest } from './restore-manifest.js';

/** How long a spooled list is kept after its last use: a browse, a dry run, a restore. */
export const IDLE_MS = 5 * 60_000;

/** One archive's spooled list, and who is reading it. */
class KeptList {
  /** The spooled manifest.json's path, once the archive was read up to it. */
  readonly spool: Promise<string>;
  /** The read failed: not kept for the next request. */
  failed = false;
  users = 0;
  timer: NodeJS.Timeout | null = null;
  /** Replaced or closed while in use: removed when its last user is done. */
  dropped = false;

  constructor(
    /** The archive's identity when it was read (archiveIdentity). */
    readonly key: string,
    readonly dir: string,
    read: (spool: string) => Promise<void>,
  ) {
    const path = join(dir, 'manifest.json');
    this.spool = read(path).then(
      () => path,
      (err: unknown) => {
        this.failed = true;
        throw err;
      },
    );
  }
}

/** An archive as it is on disk: another file of the same name (a backup again) is another key. */
function archiveIdentity(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

export class ManifestCache {
  private kept: KeptList | null = null;

  constructor(
    private readonly backupDir: string,
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * `read` with the path of the archive's spooled manifest.json, read from the archive only when
   * this archive's is not kept already. A read that failed (a wrong passphrase) is not kept.
   */
  async use<T>(
    backup: { archivePath: string; sidecar: BackupSidecar | null },
    needBytes: number,
    passphrase: PassphraseProvider | undefined,
    read: (spool: string) => Promise<T>,
  ): Promise<T> {
    const key = archiveIdentity(backup.archivePath);
    let kept = this.kept;
    if (kept?.key !== key) {
      this.drop();
      kept = this.kept = new KeptList(
        key,
        restoreWorkDir(this.backupDir, 'manifest', needBytes),
        (path) => spoolManifest(backup.archivePath, backup.sidecar, path, passphrase),
      );
    }
    kept.users++;
    if (kept.timer) clearTimeout(kept.timer);
    kept.timer = null;
    try {
      return await read(await kept.spool);
    } finally {
      kept.users--;
      if (kept.failed && this.kept === kept) this.drop();
      if (kept.users === 0) {
        if (kept.dropped) rmSync(kept.dir, { recursive: true, force: true });
        else kept.timer = setTimeout(() => this.drop(), this.idleMs).unref();
      }
    }
  }

  /** Removes what is kept (the agent stops); a list in use goes when its user is done. */
  close(): void {
    this.drop();
  }

  private drop(): void {
    const k = this.kept;
    if (!k) return;
    this.kept = null;
    if (k.timer) clearTimeout(k.timer);
    k.timer = null;
    k.dropped = true;
    if (k.users === 0) rmSync(k.dir, { recursive: true, force: true });
  }
}
