#!/usr/bin/env node
// `npm test`: lint and typecheck, build, then run the three layers (unit, integration with real
// servers, e2e in Chromium) with Node's test runner. `npm test -- unit` (or integration / e2e)
// runs one layer, without the static checks. Ends with one line 'N passed, N failed' over all
// layers.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureSystemDeps, TEST_DEPS } from './system-deps.mjs';

const root = new URL('..', import.meta.url).pathname;
const layers = { unit: 2, integration: 2, e2e: 1 }; // concurrency per layer (2 cores)
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : Object.keys(layers);
for (const l of selected) {
  if (!(l in layers)) {
    console.error(`unknown test layer '${l}' (one of ${Object.keys(layers).join(', ')})`);
    process.exit(2);
  }
}

function findTests(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (selected.some((l) => l !== 'unit')) {
  try {
    ensureSystemDeps(TEST_DEPS);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
// The whole suite checks what the definition of done asks of every change first: a lint or type
// error fails it like a failing test (a generated file that was never linted went unseen when
// only the tests ran).
if (wanted.length === 0) {
  console.log('\n── lint and typecheck ──');
  run('npm', ['run', '--silent', 'lint']);
  run('npm', ['run', '--silent', 'typecheck']);
}
if (selected.includes('e2e') || !process.env.CCMON_SKIP_BUILD)
  run('npm', ['run', '--silent', 'build']);

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const layer of selected) {
  const files = findTests(join(root, 'test', layer));
  if (files.length === 0) {
    console.error(
      `test layer '${layer}' has no test files under test/${layer}: refusing to skip it silently`,
    );
    process.exit(1);
  }
  console.log(`\n── ${layer}: ${files.length} files ──`);
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        `--test-concurrency=${layers[layer]}`,
        // A guard against hangs, per file. The longest file, the 24-simulated-hour soak
        // (test/integration/soak), takes ~145 s on a quiet 2-core machine and more beside others.
        '--test-timeout=300000',
        ...files.map((f) => relative(root, f)),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, CCMON_TEST_LAYER: layer },
      },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (c) => {
      const num = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(tail)?.[1] ?? 0);
      passed += num('pass');
      failed += num('fail') + num('cancelled');
      skipped += num('skipped');
      resolve(c ?? 1);
    });
  });
  if (code !== 0) exitCode = code;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode || (failed > 0 ? 1 : 0));
