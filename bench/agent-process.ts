/**
 * Shared by the monitoring benchmarks: the simulated deployment, a real `ccmon agent` process
 * (the built dist/, as users run it) with a given config, and /proc readings of any process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** `ccmon agent` from dist (built by `npm run bench`), or from source when dist is missing. */
export async function startAgentProcess(configYaml: string): Promise<AgentProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'ccmon-bench-'));
  const config = join(dir, 'ccmon.yaml');
  await writeFile(config, configYaml);
  const dist = join(root, 'dist/main/cli/bin.js');
  const args = existsSync(dist) ? [dist] : ['--import', 'tsx', join(root, 'src-main/cli/bin.ts')];
  // CCMON_BENCH_NODE_ARGS: extra flags for the agent's node, to look inside a benchmark
  // (`--cpu-prof --cpu-prof-dir=DIR`, `--trace-gc`; NODE_OPTIONS does not allow them).
  const extra = process.env.CCMON_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  args.unshift(...extra);
  const child = spawn(
    process.execPath,
    [...args, '--config', config, '--json', 'agent', '--port', '0'],
    {
      cwd: root,
      env: { ...process.env, CCMON_DATA_DIR: dir, CCMON_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    if (extra.length > 0) child.stdout!.pipe(process.stderr); // what the flags print
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ccmon agent exited with ${code}`)));
  });
  return {
    child,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Seconds of CPU (user + system) a process used so far (Linux /proc, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function startProcess(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: 'ignore' });
}

export async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `uptime`'s load averages (1, 5, 15 min), printed with every figure: the machine is shared. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}
