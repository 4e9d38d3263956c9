/** Source trees and configs for the backup tests: real files with chosen modes, mtimes and links. */
import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { backupConfigSchema, type BackupConfig } from '../../../../src-main/core/backup/config.js';
import type { CommandRunner } from '../../../../src-main/core/backup/hooks.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { silentLogger, type Logger } from '../../../../src-main/core/log.js';

export interface TreeFile {
  path: string;
  content: string | Buffer;
  mode?: number;
  mtime?: Date;
}

/** Writes files (relative to root) with exact modes and mtimes; returns what it wrote. */
export function writeTree(
  root: string,
  files: TreeFile[],
  links: [string, string][] = [],
): TreeFile[] {
  for (const f of files) {
    const p = join(root, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode ?? 0o644);
    const t = f.mtime ?? new Date('2026-03-04T05:06:07.250Z');
    utimesSync(p, t, t);
  }
  for (const [link, target] of links) symlinkSync(target, join(root, link));
  return files;
}

export function sampleTree(root: string): TreeFile[] {
  return writeTree(
    root,
    [
      {
        path: 'config.yaml',
        content: 'api:\n  port: 8080\n',
        mode: 0o640,
        mtime: new Date('2026-01-02T03:04:05.678Z'),
      },
      { path: 'secrets/token', content: 's3cr3t\n', mode: 0o600 },
      { path: 'bin/hook.sh', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
      { path: 'empty.txt', content: '' },
      { path: 'logs/big.log', content: Buffer.alloc(3 * 1024 * 1024 + 17, 'log line\n') },
      {
        path: `deep/${'very-long-folder-name-'.repeat(6)}/${'x'.repeat(120)}.txt`,
        content: 'long path',
      },
      { path: 'unicode/配置-ü.txt', content: 'utf-8 name' },
    ],
    [['current', 'config.yaml']],
  );
}

export function backupConfig(overrides: Record<string, unknown> = {}): BackupConfig {
  return backupConfigSchema.parse({
    restore: { stopCommand: null, startCommand: null, activeCommand: null, settleSeconds: 0 },
    ...overrides,
  });
}

/**
 * A backup service of one set `name` whose restore hooks (systemctl stop / start) are recorded in
 * `calls`, never run; `healthy` answers the health check after the start.
 */
export function hookedService(
  opts: { dir: string; name: string; sources: unknown[] },
  healthy: () => boolean = () => true,
): { s: BackupService; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (cmd) => {
    calls.push(cmd.join(' '));
    return { code: 0, output: '' };
  };
  const s = new BackupService({
    config: backupConfig({
      directory: join(opts.dir, `backups-${opts.name}`),
      sets: [{ name: opts.name, sources: opts.sources, ccmonState: false }],
      restore: {
        stopCommand: ['systemctl', 'stop', 'claude-code'],
        startCommand: ['systemctl', 'start', 'claude-code'],
        activeCommand: null,
        settleSeconds: 0,
      },
    }),
    dataDir: join(opts.dir, 'data'),
    configFile: null,
    run,
    healthCheck: async () => ({ healthy: healthy(), summary: healthy() ? 'ok' : 'HTTP 503' }),
  });
  return { s, calls };
}

/** A logger that keeps its info and warn lines (`info …`, `warn …`) for a test to read. */
export function recordingLogger(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  return {
    logs,
    logger: {
      ...silentLogger,
      info: (m) => void logs.push(`info ${m}`),
      warn: (m) => void logs.push(`warn ${m}`),
    },
  };
}
