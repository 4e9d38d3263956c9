#!/usr/bin/env node
/**
 * The bundled `ccmon` (dist/cli/ccmon.js, package.json's `bin`; scripts/bundle-cli.mjs): tunes V8
 * for the command, then runs the command-line bundle beside it (ccmon.cjs, built from index.ts)
 * through the compile cache (compile-cache.ts). bin.ts is the same for tsc's unbundled dist/main.
 */
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../core/paths.js';
import { tuneV8ForCommand } from '../core/system/v8-tuning.js';
import { commandOf, loadWithCompileCache } from './compile-cache.js';
import type { main as Main } from './index.js';

const bundle = loadWithCompileCache(
  fileURLToPath(new URL('./ccmon.cjs', import.meta.url)),
  cacheDir(),
  `${tuneV8ForCommand(process.argv)}-${commandOf(process.argv)}`,
);
process.once('exit', () => bundle.save());
const { main } = bundle.exports as { main: typeof Main };

/** No home folder to find one in (a bare service account) means no cache, not a failure. */
function cacheDir(): string | null {
  try {
    return defaultCacheDir();
  } catch {
    return null;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
