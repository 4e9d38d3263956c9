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

interface Kept {
  /** The archive's identity when it was spooled (archiveIdentity). */
  key: string;
  dir: string;
  /** The spooled manifest.json's path, once the archive was read up to it. */
  spool: Promise<string>;
  users: number;
  timer: NodeJS.Timeout | null;
  /** Replaced or closed while in use: removed when its last user is done. */
  dropped: boolean;
}

/** An archive as it is on disk: another file of the same name (a backup again) is another key. */
function archiveIdentity(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

export class ManifestCache {
  private kept: Kept | null = null;

  constructor(
    private readonly backupDir: string,
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * `use` with the path of `archivePath`'s spooled manifest.json, read from the archive only when
   * this archive's is not kept already. A read that failed (a wrong passphrase) is not kept.
   */
  async use<T>(
    backup: { archivePath: string; sidecar: BackupSidecar | null },
    needBytes: number,
    passphrase: PassphraseProvider | undefined,
    use: (spool: string) => Promise<T>,
  ): Promise<T> {
    const key = archiveIdentity(backup.archivePath);
    let k = this.kept;
    if (!k || k.key !== key) {
      this.drop();
      const dir = restoreWorkDir(this.backupDir, 'manifest', needBytes);
      const spool = join(dir, 'manifest.json');
      k = this.kept = {
        key,
        dir,
        spool: spoolManifest(backup.archivePath, backup.sidecar, spool, passphrase).then(
          () => spool,
        ),
        users: 0,
        timer: null,
        dropped: false,
      };
    }
    const kept = k;
    kept.users++;
    if (kept.timer) clearTimeout(kept.timer);
    kept.timer = null;
    try {
      return await use(await kept.spool);
    } catch (err) {
      if (
        this.kept === kept &&
        (await kept.spool.then(
          () => false,
          () => true,
        ))
      )
        this.drop();
      throw err;
    } finally {
      kept.users--;
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
