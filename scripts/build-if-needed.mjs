// Builds dist/ when it is missing or older than any source file, so `npm start` works right after
// `npm ci` and stays fast afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

export function buildIfNeeded() {
  const outputs = [
    join(root, 'dist/main/cli/bin.js'),
    join(root, 'dist/cli/ccmon.js'),
    join(root, 'dist/renderer/index.html'),
  ];
  const built = outputs.every((p) => existsSync(p))
    ? Math.min(...outputs.map((p) => statSync(p).mtimeMs))
    : 0;
  const sources = Math.max(newest(join(root, 'src-main')), newest(join(root, 'src-renderer')));
  if (built >= sources) return;
  process.stderr.write('building ccmon (npm run build)…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
