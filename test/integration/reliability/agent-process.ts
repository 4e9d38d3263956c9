/**
 * A real `ccmon agent` process (through tsx, or built) for the crash tests: started with an optional
 * CCMON_TEST_CRASH_AT crash point, killed with SIGKILL from outside, restarted on the same data
 * dir. Alerts go in as a rule engine sends them: POST /api/v1/alerts.post with the token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the signal (SIGKILL) or exit code when the process ends. */
  ended: Promise<NodeJS.Signals | number | null>;
  output(): string;
  /** POST alerts; false when the agent did not answer (it may have crashed meanwhile). */
  post(alerts: object[]): Promise<boolean>;
  /** One AgentApi request over HTTP; throws on an error answer. */
  request<T>(name: string, params?: object): Promise<T>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgentProcess(
  cfgFile: string,
  dataDir: string,
  crashAt?: string,
  /** A built `bin.js` to run instead of the sources (from `cwd`, default the repository). */
  built?: { bin: string; cwd: string },
): Promise<AgentProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CCMON_DATA_DIR: dataDir,
    // No session bus: the 0600 file secret store, never a developer's keyring.
    DBUS_SESSION_BUS_ADDRESS: '',
  };
  delete env.CCMON_TEST_CRASH_AT;
  if (crashAt) env.CCMON_TEST_CRASH_AT = crashAt;
  const child = spawn(
    process.execPath,
    [
      ...(built ? [built.bin] : ['--import', 'tsx', 'src-main/cli/bin.ts']),
      ...['--config', cfgFile, 'agent', '--json'],
    ],
    { cwd: built?.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const ended = new Promise<NodeJS.Signals | number | null>((r) =>
    child.once('exit', (code, signal) => r(signal ?? code)),
  );
  let done = false;
  void ended.then(() => (done = true));
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!(url = /"url":"([^"]+)"/.exec(out)?.[1])) {
    if (done) throw new Error(`the agent exited before answering: ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the agent did not answer in 90 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const token = readFileSync(join(dataDir, 'dashboard-token'), 'utf8').trim();
  return {
    child,
    url,
    ended,
    output: () => out,
    async post(alerts) {
      if (done) return false;
      try {
        const res = await fetch(new URL('/api/v1/alerts.post', url), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ alerts }),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) throw new Error(`alerts.post: HTTP ${res.status}: ${await res.text()}`);
        return true;
      } catch (err) {
        // Refused or cut off: the agent died meanwhile (a crash point or the test's kill -9).
        if (done || /fetch failed|aborted|timeout/i.test((err as Error).message)) return false;
        throw err;
      }
    },
    async request<T>(name: string, params: object = {}) {
      const res = await fetch(new URL(`/api/v1/${name}`, url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${name}: HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async kill9() {
      if (!done) child.kill('SIGKILL');
      await ended;
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      await ended;
    },
  };
}
