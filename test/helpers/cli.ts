/** The `ccmon` command run from its sources (through tsx), as the integration tests drive it. */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root: the CLI's relative paths (and its tsx loader) resolve from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `node` arguments that run `ccmon ARGS`. */
export const ccmonArgv = (args: string[]): string[] => [
  '--import',
  'tsx',
  'src-main/cli/bin.ts',
  ...args,
];

export interface CcmonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `ccmon ARGS` to its end; a non-zero exit rejects (execFile's error carries code and output). */
export function execCcmon(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ccmonArgv(args), { cwd: REPO_ROOT, env });
}

/** `ccmon ARGS` to its end, whatever its exit code. */
export function runCcmon(args: string[], env?: NodeJS.ProcessEnv): Promise<CcmonRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCcmon(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `ccmon ARGS` synchronously, whatever its exit code. */
export function runCcmonSync(args: string[], env?: NodeJS.ProcessEnv): CcmonRun {
  const r = spawnSync(process.execPath, ccmonArgv(args), { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `ccmon ARGS` started and left running (an agent); stdout and stderr are pipes. */
export function spawnCcmon(args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ccmonArgv(args), {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A config file in `dir` that points the CLI at a running agent's dashboard port. */
export function configForAgent(dir: string, port: number, name = 'ccmon.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, `dashboard:\n  port: ${port}\n`);
  return file;
}
