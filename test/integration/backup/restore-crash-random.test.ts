/**
 * kill -9 of `ccmon restore` and `ccmon backup` at random moments (issue 10): nothing half-written,
 * the interruption reported and recoverable; only complete backups listed, and each verifies.
 * Fixed crash points: restore-crash.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ccmon, startCcmon } from './cli.js';
import { snapshot, useRestoreCrashFixture } from './restore-crash-fixture.js';

describe('kill -9 at random moments of a restore or a backup', () => {
  const fx = useRestoreCrashFixture();

  it('killed at two random moments: nothing half-written, reported, recoverable', async () => {
    for (let n = 0; n < 2; n++) {
      const child = startCcmon(['--config', fx.config('ok'), 'restore', fx.id, '--yes'], fx.env());
      const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
      const journal = join(fx.backups, '.ccmon-restore.journal.json');
      const t0 = Date.now();
      while (!existsSync(journal) && child.exitCode === null && Date.now() - t0 < 30_000)
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      child.kill('SIGKILL');
      const code = await closed;
      if (code === 0 || !existsSync(journal)) {
        // It finished first: a complete restore, nothing to recover.
        assert.deepEqual(snapshot(fx.live), fx.v1);
        fx.resetLive();
        continue;
      }
      await fx.recover({});
    }
  });

  it('kill -9 at random moments of a backup: only complete backups are listed, and they verify', async () => {
    const cfg = fx.config('ok');
    const verified = new Set<string>();
    for (let n = 0; n < 2; n++) {
      const child = startCcmon(['--config', cfg, 'backup'], fx.env());
      const closed = new Promise((r) => child.once('close', r));
      const t0 = Date.now();
      while (
        !readdirSync(fx.backups).some((f) => f.startsWith('.staging-')) &&
        child.exitCode === null &&
        Date.now() - t0 < 30_000
      )
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
      child.kill('SIGKILL');
      await closed;
      const listed = JSON.parse(
        (await ccmon(['--config', cfg, '--json', 'backups'], fx.env())).stdout,
      );
      for (const b of listed.backups as { id: string }[]) {
        if (verified.has(b.id)) continue;
        verified.add(b.id);
        const v = await ccmon(['--config', cfg, 'verify', b.id], fx.env());
        assert.equal(v.code, 0, `${b.id} is listed, so it must verify: ${v.stderr}`);
      }
    }
    const next = await ccmon(['--config', cfg, '--json', 'backup'], fx.env());
    assert.equal(next.code, 0, next.stderr);
    const left = readdirSync(fx.backups).filter(
      (f) => f.endsWith('.partial') || f.startsWith('.staging'),
    );
    assert.deepEqual(left, [], 'the next run removed what the kills left');
  });
});
