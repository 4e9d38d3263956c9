/**
 * Runs a command under GNU time (`/usr/bin/time -f`) and returns its wall time, CPU time (user +
 * system, which the load of a shared machine disturbs far less than wall time) and peak RSS (%M:
 * the largest resident set of the process and the children it waited for, in KB). Shared by the
 * benchmarks that compare ccmon with a command-line anchor.
 */
import { spawn } from 'node:child_process';

export interface GnuTimed {
  seconds: number;
  cpuSeconds: number;
  rssMb: number;
  stdout: string;
}

export interface GnuTimeOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Exit codes that count as success (grep -c exits 1 when nothing matched). Default [0]. */
  okCodes?: number[];
}

export function gnuTime(cmd: string, args: string[], opts: GnuTimeOptions = {}): Promise<GnuTimed> {
  const ok = opts.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'GNUTIME=%M %U %S', cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const m = /GNUTIME=(\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (!m || code === null || !ok.includes(code))
        return reject(
          new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.slice(-800)}`),
        );
      resolve({
        seconds,
        cpuSeconds: Number(m[2]) + Number(m[3]),
        rssMb: Number(m[1]) / 1024,
        stdout,
      });
    });
  });
}
