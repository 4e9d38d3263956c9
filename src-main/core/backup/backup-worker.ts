/**
 * The worker-thread side of runBackup (worker.ts): runs one createBackup with the options it was
 * given and reports progress, the result or the error back to its parent. The passphrase arrives
 * resolved (a provider function cannot cross threads); cancellation arrives as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createBackup, type CreateBackupOptions } from './create.js';

export interface BackupWorkerData {
  opts: Omit<CreateBackupOptions, 'passphrase' | 'onProgress' | 'signal'>;
  passphrase: string | null;
}

export type BackupWorkerMessage =
  | { type: 'progress'; update: Parameters<NonNullable<CreateBackupOptions['onProgress']>>[0] }
  | { type: 'done'; result: Awaited<ReturnType<typeof createBackup>> }
  | { type: 'error'; name: string; message: string };

const port = parentPort!;
const data = workerData as BackupWorkerData;
const abort = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'abort') abort.abort(new Error('backup cancelled'));
});
const post = (m: BackupWorkerMessage) => port.postMessage(m);
try {
  const passphrase = data.passphrase;
  const result = await createBackup({
    ...data.opts,
    passphrase: passphrase === null ? undefined : async () => passphrase,
    onProgress: (update) => post({ type: 'progress', update }),
    signal: abort.signal,
  });
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'error', name: (err as Error).name, message: (err as Error).message });
}
port.close();
