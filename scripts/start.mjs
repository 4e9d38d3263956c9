#!/usr/bin/env node
// `npm start`: the Electron tray app where an Electron runtime and a display exist; otherwise one
// clear paragraph saying what is missing, then the headless agent with its web dashboard.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { findElectron } from './electron-runtime.mjs';

const root = new URL('..', import.meta.url).pathname;
buildIfNeeded();

const noDisplay =
  process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
// Without a display the tray cannot appear, so do not spend a download attempt on the runtime.
const electron = findElectron({ tryDownload: !noDisplay });
let child;
if ('path' in electron && !noDisplay) {
  child = spawn(
    electron.path,
    [join(root, 'dist/main/electron/main.js'), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
} else {
  const why = [
    noDisplay ? 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' : null,
    'missing' in electron ? electron.missing : null,
  ]
    .filter(Boolean)
    .join('; and ');
  process.stderr.write(
    [
      '',
      `ccmon: cannot start the tray app: ${why}.`,
      'The tray app needs the Electron runtime, which the `electron` package downloads on first use.',
      'To get it: run `npm start` once on a machine with internet access, or point',
      'ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron release (the folder holding the `electron`',
      'executable), and run it in a desktop session. Starting the headless agent instead: same engine,',
      'same dashboard, in your browser.',
      '',
    ].join('\n') + '\n',
  );
  child = spawn(
    process.execPath,
    [join(root, 'dist/cli/ccmon.js'), 'agent', ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
