#!/usr/bin/env node
// `npm run build:cli`: the `ccmon` command (package.json `bin`) as an esbuild bundle in dist/cli/,
// made from tsc's dist/main. Unbundled, a command loaded ~290 modules before its first step: zod
// alone ~95 (all 64 of its locales: ESM cannot leave an export unloaded), yaml ~70. That was about
// 90 ms of each command's ~250 ms start-up on 2 cores (`ccmon backup` of an empty folder: 0.28 →
// 0.19 s). The bundle keeps what is used, in a few files.
// - The worker threads are entry points of their own, beside the chunks that start them:
//   `new URL('./backup-worker.js', import.meta.url)` finds them as it finds dist/main's.
// - Packages loaded only by some commands, or with native parts and files of their own (the S3
//   and Elasticsearch clients, ioredis, Playwright, the notifiers, systeminformation), stay
//   external: loaded from node_modules when a command needs them, as from dist/main.
// dist/main stays what the tray app runs and packages (electron-builder.yml).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, 'dist', 'main');
const outdir = join(root, 'dist', 'cli');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    ccmon: join(from, 'cli', 'bin.js'),
    'backup-worker': join(from, 'core', 'backup', 'backup-worker.js'),
    'extract-worker': join(from, 'core', 'backup', 'extract-worker.js'),
    'scan-worker': join(from, 'core', 'logs', 'scan-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true, // a command's implementation still loads only when it runs (cli/commands/)
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: true, // `node --enable-source-maps dist/cli/ccmon.js` for stack traces into dist/main
  external: [
    '@aws-sdk/*',
    '@elastic/*',
    'electron',
    'electron-store',
    'ioredis',
    'node-notifier',
    'nodemailer',
    'playwright-core',
    'protobufjs',
    'protobufjs/*',
    'react',
    'react-dom',
    'systeminformation',
    'tsx',
    'tsx/*',
  ],
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __ccmonRequire } from 'node:module'; const require = __ccmonRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
