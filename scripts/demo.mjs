#!/usr/bin/env node
// `npm run demo`: the simulated deployment plus an agent watching it, so a newcomer sees live data
// within seconds. Uses a throwaway data dir unless CCMON_DATA_DIR is set.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
// The simulated users' telemetry goes to the agent's OTLP receiver and the API's request log to
// the data folder, so the Usage and Logs views fill as the charts do. The log folder is only known
// here: the agent gets examples/demo.yaml with a logs section pointing at it.
const logsDir = join(env.CCMON_DATA_DIR, 'simulated-logs');
const config = join(env.CCMON_DATA_DIR, 'demo.yaml');
writeFileSync(
  config,
  readFileSync(join(root, 'examples/demo.yaml'), 'utf8') +
    `
# Added by npm run demo: the simulator's request log (ccmon simulate --logs).
logs:
  sources:
    - { service: claude-code, paths: [${JSON.stringify(join(logsDir, 'claude-code', '*.log'))}] }
  scanIntervalSeconds: 10
`,
);
const sim = spawn(
  process.execPath,
  [bin, 'simulate', '--otlp', 'http://127.0.0.1:4318', '--logs', logsDir],
  { stdio: 'inherit', env },
);
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
