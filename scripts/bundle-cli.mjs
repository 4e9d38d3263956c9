#!/usr/bin/env node
// `npm run build:cli`: the `ccmon` command (package.json `bin`) as an esbuild bundle in dist/cli/,
// made from tsc's dist/main. Unbundled, a command loaded ~290 modules before its first step: zod
// alone ~95 (all 64 of its locales: ESM cannot leave an export unloaded), yaml ~70. That was about
// 90 ms of each command's ~250 ms start-up on 2 cores (`ccmon backup` of an empty folder: 0.28 →
// 0.19 s). The bundle keeps what is used, in a few files:
// - ccmon.cjs, the commands, compiled through a V8 code cache (src-main/cli/compile-cache.ts) by
// - ccmon.js, what package.json's bin runs (src-main/cli/launch.ts);
// - the worker threads, entry points of their own beside ccmon.cjs, which starts them:
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

const external = [
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
];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: true, // `node --enable-source-maps dist/cli/ccmon.js` for stack traces into dist/main
  external,
  logLevel: 'warning',
};
// CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
const esmBanner =
  "import { createRequire as __ccmonRequire } from 'node:module'; const require = __ccmonRequire(import.meta.url);";

rmSync(outdir, { recursive: true, force: true });
await Promise.all([
  // The commands: one CommonJS file, so cli/compile-cache.ts can compile it with a V8 code cache
  // (Node 20 has none for ES modules). A command's implementation still runs only when called
  // (esbuild wraps each module's top level), but the whole file is compiled: from the cache.
  build({
    ...common,
    entryPoints: { ccmon: join(from, 'cli', 'index.js') },
    outExtension: { '.js': '.cjs' },
    outdir,
    format: 'cjs',
    // A script compiled from a V8 code cache cannot import() (compile-cache.ts): the external
    // packages it loads on demand, all CommonJS, are require()d instead (`import('ioredis')` →
    // `require('ioredis')`). With the feature marked unsupported esbuild rewrites every import()
    // expression it compiles, so none is left (only text, in the workers' eval strings).
    supported: { 'dynamic-import': false },
    // Workers are found beside the bundle: `new URL('./backup-worker.js', import.meta.url)`.
    define: { 'import.meta': '__ccmonImportMeta' },
    banner: {
      js:
        "var __ccmonUrl = require('node:url'), __ccmonImportMeta = { url: __ccmonUrl.pathToFileURL(__filename).href," +
        ' resolve: (s) => __ccmonUrl.pathToFileURL(require.resolve(s)).href };',
    },
  }),
  // What package.json's bin runs: tunes V8, then loads ccmon.cjs through the cache.
  build({
    ...common,
    entryPoints: { ccmon: join(from, 'cli', 'launch.js') },
    outdir,
    format: 'esm',
    banner: { js: esmBanner },
  }),
  // The worker threads, ES modules sharing their chunks.
  build({
    ...common,
    entryPoints: {
      'backup-worker': join(from, 'core', 'backup', 'backup-worker.js'),
      'extract-worker': join(from, 'core', 'backup', 'extract-worker.js'),
      'scan-worker': join(from, 'core', 'logs', 'scan-worker.js'),
    },
    outdir,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunk-[hash]',
    banner: { js: esmBanner },
  }),
]);
