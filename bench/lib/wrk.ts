/**
 * wrk (Debian's) run asynchronously, so the benchmark process can probe the agent meanwhile, with
 * its summary parsed: latency percentiles (--latency), requests/s, non-2xx answers, socket errors.
 */
import { spawn } from 'node:child_process';

export interface WrkResult {
  p50: number;
  p99: number;
  maxMs: number;
  rps: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  /** wrk's own words for the failures, e.g. "connect 0, read 0, write 0, timeout 12". */
  errorText: string;
}

const toMs = (v: string, unit: string) =>
  Number(v) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 1);

export function parseWrk(out: string): WrkResult {
  const pct = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const max = /Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m)/.exec(out);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    p50: pct('50'),
    p99: pct('99'),
    maxMs: max ? toMs(max[1]!, max[2]!) : NaN,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    errorText: [
      errs ? `socket errors: ${errs[0].slice('Socket errors: '.length)}` : '',
      /Non-2xx or 3xx responses: \d+/.exec(out)?.[0] ?? '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** `connections` keep-alive connections over 2 threads for `seconds` (timeout 10 s per request). */
export function runWrk(url: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}: ${out}`)),
    );
  });
}
