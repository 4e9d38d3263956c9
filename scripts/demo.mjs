#!/usr/bin/env node
// `npm run demo`: the simulated deployment plus an agent watching it, so a newcomer sees live data
// within seconds. Uses a throwaway data dir unless CCMON_DATA_DIR is set.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = new URL('..', import.meta.url).pathname;
buildIfNeeded();
const bin = join(root, 'dist/cli/ccmon.js'); // package.json's bin
const env = {
  ...process.env,
  CCMON_DATA_DIR: process.env.CCMON_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ccmon-demo-')),
};
const config = join(root, 'examples/demo.yaml');
const sim = spawn(process.execPath, [bin, 'simulate'], { stdio: 'inherit', env });
const agent = spawn(process.execPath, [bin, '--config', config, 'agent'], {
  stdio: 'inherit',
  env,
});
const children = [sim, agent];
const stop = (sig) => children.forEach((c) => c.exitCode === null && c.kill(sig));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(sig));
for (const c of children)
  c.on('exit', (code) => {
    stop('SIGTERM');
    process.exitCode = code ?? 0;
  });
