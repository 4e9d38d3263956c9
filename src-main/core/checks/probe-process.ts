/**
 * Process running and systemd unit active. Linux reads /proc/PID/comm (no `ps` per round, unlike
 * systeminformation's processes(), which spawns per PID); other platforms run `ps` / `tasklist` once.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { CheckOf } from './config.js';
import type { ProbeContext } from './probe-context.js';
import type { ProbeOutcome } from './types.js';
import { processAlive } from '../system/pid.js';

const run = promisify(execFile);

/** PIDs whose name is `name` (Linux: comm is cut to 15 characters, so argv[0] is read when longer). */
export async function findProcesses(name: string, timeoutMs = 5000): Promise<number[]> {
  if (process.platform === 'linux') {
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const comm = (await readFile(`/proc/${entry}/comm`, 'utf8')).trim();
        if (comm === name) pids.push(Number(entry));
        else if (name.length > 15 && comm === name.slice(0, 15)) {
          const argv0 = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0')[0] ?? '';
          if (basename(argv0) === name) pids.push(Number(entry));
        }
      } catch {
        // The process exited while we looked.
      }
    }
    return pids;
  }
  if (process.platform === 'win32') {
    const { stdout } = await run('tasklist', ['/fo', 'csv', '/nh'], { timeout: timeoutMs });
    return stdout
      .split(/\r?\n/)
      .map((l) => l.split('","').map((f) => f.replace(/^"|"$/g, '')))
      .filter(
        (f) =>
          f[0]?.toLowerCase() === name.toLowerCase() ||
          f[0]?.toLowerCase() === `${name.toLowerCase()}.exe`,
      )
      .map((f) => Number(f[1]));
  }
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,comm='], { timeout: timeoutMs });
  return stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && basename(m[2]!.trim()) === name)
    .map((m) => Number(m[1]));
}

export async function probeProcess(
  check: CheckOf<'process'>,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  if (check.pidFile) {
    let text: string;
    try {
      text = (await readFile(check.pidFile, 'utf8')).trim();
    } catch (err) {
      return {
        status: 'unhealthy',
        message: `cannot read pid file ${check.pidFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      };
    }
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0)
      return {
        status: 'unhealthy',
        message: `pid file ${check.pidFile} does not hold a process id ('${text.slice(0, 40)}')`,
      };
    return processAlive(pid)
      ? {
          status: 'healthy',
          message: `pid ${pid} (from ${check.pidFile}) is running`,
          values: { processes: 1 },
        }
      : {
          status: 'unhealthy',
          message: `pid ${pid} from ${check.pidFile} is not running`,
          values: { processes: 0 },
        };
  }
  const pids = await findProcesses(check.process!, ctx.timeoutMs);
  return pids.length > 0
    ? {
        status: 'healthy',
        message: `${check.process} running (${pids.length}: pid ${pids.slice(0, 5).join(', ')})`,
        values: { processes: pids.length },
      }
    : {
        status: 'unhealthy',
        message: `no process named ${check.process} is running`,
        values: { processes: 0 },
      };
}

export async function probeSystemd(
  check: CheckOf<'systemd'>,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  if (process.platform !== 'linux')
    return {
      status: 'unhealthy',
      message: `systemd unit checks need Linux (this is ${process.platform}); disable '${check.name}'`,
    };
  let state: string;
  try {
    const { stdout } = await run('systemctl', ['is-active', check.unit], {
      timeout: ctx.timeoutMs,
      signal: ctx.signal,
    });
    state = stdout.trim();
  } catch (err) {
    // is-active exits non-zero for every state but active; its stdout still names the state.
    const e = err as NodeJS.ErrnoException & { stdout?: string };
    if (e.code === 'ENOENT')
      return {
        status: 'unhealthy',
        message: 'systemctl not found: this system does not run systemd',
      };
    state = (e.stdout ?? '').trim() || e.message.split('\n')[0]!;
  }
  const status =
    state === 'active'
      ? 'healthy'
      : state === 'activating' || state === 'reloading'
        ? 'degraded'
        : 'unhealthy';
  return { status, message: `${check.unit} is ${state}`, details: { unit: check.unit, state } };
}
