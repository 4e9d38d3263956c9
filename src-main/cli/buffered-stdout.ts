/**
 * Standard output for listings of any length (`ccmon ls`, `ccmon diff`): lines gathered into
 * 64 KiB writes, each awaiting 'drain' when the pipe is full, so a million entries into `| head`
 * or a slow terminal are never held in memory.
 */
import { once } from 'node:events';

export interface BufferedStdout {
  write(s: string): Promise<void>;
  /** Writes what is left. */
  flush(): void;
}

export function bufferedStdout(out: NodeJS.WritableStream = process.stdout): BufferedStdout {
  let pending = '';
  return {
    async write(s) {
      pending += s;
      if (pending.length < 64 * 1024) return;
      const chunk = pending;
      pending = '';
      if (!out.write(chunk)) await once(out, 'drain');
    },
    flush() {
      out.write(pending);
      pending = '';
    },
  };
}
