/**
 * A real `ccmon agent` process (dist/ when built, else the sources through tsx) with a config, its
 * dashboard URL and token, and /proc readings of it: RSS, open fds, sockets. Used by the load and
 * soak benchmarks and by the load test (which wants the agent's own memory and fds, not the load
 * generator's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export interface RunningAgent {
  child: ChildProcess;
  pid: number;
  /** Dashboard base URL (ends with /). */
  url: string;
  token: string;
  dataDir: string;
  /** Everything the agent wrote on stderr so far. */
  stderr(): string;
  /** POST /api/v1/<request> with the token; resolves with the status and parsed JSON. */
  request<T = unknown>(name: string, params?: object): Promise<{ status: number; body: T }>;
  stop(): Promise<number | null>;
}

export async function runAgent(
  configYaml: string,
  opts: { fromSource?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'ccmon-run-'));
  const config = join(dir, 'ccmon.yaml');
  await writeFile(config, configYaml);
  const dist = join(root, 'dist/main/cli/bin.js');
  const args =
    existsSync(dist) && !opts.fromSource
      ? [dist]
      : ['--import', 'tsx', join(root, 'src-main/cli/bin.ts')];
  const child = spawn(
    process.execPath,
    [...args, '--config', config, '--json', 'agent', '--port', '0'],
    {
      cwd: root,
      env: { ...process.env, CCMON_DATA_DIR: dir, CCMON_LOG_LEVEL: 'error', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const info = await new Promise<{ url: string; tokenFile: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`ccmon agent exited with ${code}: ${err}`)));
  });
  const token = readFileSync(info.tokenFile, 'utf8').trim();
  const url = info.url.endsWith('/') ? info.url : `${info.url}/`;
  return {
    child,
    pid: child.pid!,
    url,
    token,
    dataDir: dir,
    stderr: () => err,
    async request<T>(name: string, params: object = {}) {
      const res = await fetch(new URL(`api/v1/${name}`, url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** Resident set size of a process (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Open file descriptors of a process, and how many of them are sockets. */
export function fdsOf(pid: number): { fds: number; sockets: number } {
  const names = readdirSync(`/proc/${pid}/fd`);
  let sockets = 0;
  for (const n of names) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${n}`).startsWith('socket:')) sockets++;
    } catch {
      // closed while we looked
    }
  }
  return { fds: names.length, sockets };
}
