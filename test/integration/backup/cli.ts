/** Runs `ccmon` from source as a child process (the real CLI, its exit code and its streams). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCcmon(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/bin.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function ccmon(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = startCcmon(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A prompt to wait for on the terminal, and what to type once it shows. */
export interface TerminalAnswer {
  prompt: string;
  answer: string;
}

/**
 * Runs `ccmon` on a pseudo-terminal (util-linux `script`), stdin, stdout and stderr all a TTY.
 * Each answer is typed once its prompt has appeared on the terminal, not after a sleep: the
 * prompt shows only once the CLI reads the terminal, so no answer arrives early or is lost.
 */
export function ccmonOnTerminal(
  args: string[],
  env: Record<string, string>,
  answers: TerminalAnswer[] = [],
): Promise<{ code: number | null; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', 'src-main/cli/bin.ts', ...args]
    .map(quote)
    .join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = 0;
    let searchFrom = 0;
    const onOutput = (d: Buffer) => {
      output += d;
      for (let next = answers[answered]; next; next = answers[answered]) {
        const at = output.indexOf(next.prompt, searchFrom);
        if (at < 0) break;
        searchFrom = at + next.prompt.length;
        child.stdin!.write(`${next.answer}\r`);
        answered++;
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.on('close', (code) => {
      child.stdin!.destroy();
      resolve({ code, output });
    });
  });
}
