/**
 * A database dump cancelled while its command runs (the agent stopping mid-dump) lets the process
 * exit at once, even when the command started a process of its own that keeps running
 * (`sh -c 'pg_dump …'`): that process held Node's ends of the pipes, and with them the event loop,
 * so the agent took as long as the dump to exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const dumps = fileURLToPath(new URL('../../../../src-main/core/backup/dumps.ts', import.meta.url));
// A duration no other process uses, so the test finds and ends its own leftover.
const SLEEP = `sleep ${600 + (process.pid % 97)}`;

describe('a cancelled database dump', () => {
  let dir: TempDir | undefined;
  after(async () => {
    try {
      execFileSync('pkill', ['-f', SLEEP]);
    } catch {
      // nothing left running
    }
    await dir?.cleanup();
  });

  // A bound, not a timing: without the fix the process stays as long as the sleep (10 minutes).
  it(
    'lets the process exit though a process the command started still runs',
    { timeout: 60_000 },
    async () => {
      dir = await tempDir('ccmon-dump-cancel-');
      const script = `
      import { dumpDatabase } from ${JSON.stringify(dumps)};
      const ac = new AbortController();
      const db = { command: ['sh', '-c', '${SLEEP}; echo x'], restoreCommand: null, fileName: 'db.sql' };
      dumpDatabase(db, ${JSON.stringify(dir.path)}, ac.signal).then(
        () => console.log('resolved'),
        (err) => console.log('rejected: ' + err.message),
      );
      // Cancel once the dump's shell has started its sleep.
      setTimeout(() => ac.abort(), 500);
    `;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const [code] = await once(child, 'exit');
      assert.equal(out.trim(), 'rejected: database dump: The operation was aborted');
      assert.equal(code, 0);
      assert.ok(
        execFileSync('pgrep', ['-f', SLEEP], { encoding: 'utf8' }).trim(),
        'the dump’s own child was still running: the exit did not wait for it',
      );
    },
  );
});
