/**
 * The bundled CLI's V8 code cache (src-main/cli/compile-cache.ts). Each load runs in a process of
 * its own, as `ccmon` does: V8 also keeps compiled scripts in memory, which would hide whether the
 * cache on disk was used.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { commandOf } from '../../../src-main/cli/compile-cache.js';
import { defaultCacheDir } from '../../../src-main/core/paths.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const isRoot = process.getuid?.() === 0;

/** A CommonJS "bundle" that requires and answers with what it was built to say. */
function bundleSource(word: string): string {
  return `'use strict';
const { join } = require('node:path');
function shout(s) { return s.toUpperCase(); }
exports.run = async () => {
  const os = require('node:os');
  return { word: shout(${JSON.stringify(word)}), joined: join('a', 'b'), os: typeof os.cpus, file: __filename };
};
`;
}

describe('the CLI compile cache', () => {
  let dir: TempDir;
  let bundle: string;
  let cache: string;
  let driver: string;

  /** Loads `bundle` in a new process; returns what loadWithCompileCache said and what it ran. */
  async function load(
    cacheDir: string | null = cache,
    how: '' | 'maps' | 'worker' = '',
  ): Promise<{ status: string; cacheFile: string | null; value: Record<string, string> }> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', driver, bundle, cacheDir ?? '', 'archive-backup', how],
      { cwd: REPO_ROOT },
    );
    return JSON.parse(stdout) as {
      status: string;
      cacheFile: string;
      value: Record<string, string>;
    };
  }

  const caches = () => readdirSync(cache).filter((n) => n.endsWith('.v8cache'));

  before(async () => {
    dir = await tempDir('ccmon-compile-cache-');
    bundle = join(dir.path, 'ccmon.cjs');
    cache = join(dir.path, 'cache', 'ccmon');
    driver = join(dir.path, 'driver.mjs');
    writeFileSync(bundle, bundleSource('first'));
    const module = pathToFileURL(join(REPO_ROOT, 'src-main/cli/compile-cache.ts')).href;
    writeFileSync(
      driver,
      `import { loadWithCompileCache } from ${JSON.stringify(module)};
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
const [file, dir, profile, how] = process.argv.slice(2);
process.setSourceMapsEnabled(how === 'maps'); // tsx turns them on for itself
if (how === 'worker') v8.setFlagsFromString('--semi-space-growth-factor=1'); // as v8-tuning.ts
const b = loadWithCompileCache(file, dir || null, profile);
const value = await b.exports.run();
if (how === 'worker') await new Promise((done) => new Worker('0', { eval: true }).on('exit', done));
b.save();
console.log(JSON.stringify({ status: b.status, cacheFile: b.cacheFile, value }));
`,
    );
  });
  after(() => dir.cleanup());

  it('compiles without a cache the first time, then writes one only its user can read', async () => {
    const first = await load();
    assert.equal(first.status, 'missing');
    assert.deepEqual(first.value, {
      word: 'FIRST',
      joined: join('a', 'b'),
      os: 'function',
      file: bundle,
    });
    assert.match(first.cacheFile!, /archive-backup-[0-9a-f]{32}\.v8cache$/);
    assert.deepEqual(caches(), [first.cacheFile!.split('/').pop()]);
    if (process.platform !== 'win32') {
      assert.equal(statSync(first.cacheFile!).mode & 0o777, 0o600);
      assert.equal(statSync(cache).mode & 0o777, 0o700);
    }
  });

  it('loads the cache on the next run and leaves it as it was', async () => {
    const first = await load();
    const written = statSync(first.cacheFile!).mtimeMs;
    const again = await load();
    assert.equal(again.status, 'loaded');
    assert.equal(again.value.word, 'FIRST');
    assert.equal(statSync(again.cacheFile!).mtimeMs, written);
  });

  it('runs on when the cache is damaged, and replaces it with a good one', async () => {
    const { cacheFile } = await load();
    writeFileSync(cacheFile!, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    const damaged = await load();
    assert.equal(damaged.status, 'rejected');
    assert.equal(damaged.value.word, 'FIRST');
    assert.notDeepEqual(readFileSync(cacheFile!), Buffer.alloc(4096, 0x5a));
    assert.equal((await load()).status, 'loaded');
  });

  it('gives an edited bundle of the same length a cache of its own (V8 checks only the length)', async () => {
    const old = await load();
    const edited = bundleSource('other');
    assert.equal(edited.length, bundleSource('first').length);
    writeFileSync(bundle, edited);
    try {
      const run = await load();
      assert.equal(run.status, 'missing');
      assert.equal(run.value.word, 'OTHER'); // not the old bytecode
      assert.notEqual(run.cacheFile, old.cacheFile);
      assert.equal((await load()).status, 'loaded');
    } finally {
      writeFileSync(bundle, bundleSource('first'));
    }
  });

  it('writes no cache once the run changed V8’s flags (it would be rejected)', async () => {
    writeFileSync(bundle, bundleSource('fourth'));
    try {
      // With the young generation kept small, starting a worker thread changes V8's flag hash.
      const changed = await load(cache, 'worker');
      assert.equal(changed.status, 'missing');
      assert.ok(!caches().includes(changed.cacheFile!.split('/').pop()!));
      assert.equal((await load()).status, 'missing'); // this one writes it
      assert.equal((await load()).status, 'loaded');
    } finally {
      writeFileSync(bundle, bundleSource('first'));
    }
  });

  it('keeps the 16 most recently written caches', async () => {
    for (let i = 0; i < 20; i++) {
      const f = join(cache, `plain-old${i}-${'0'.repeat(32)}.v8cache`);
      writeFileSync(f, 'x', { mode: 0o600 });
      utimesSync(f, new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    }
    writeFileSync(bundle, bundleSource('third'));
    try {
      const run = await load();
      assert.equal(run.status, 'missing');
      const left = caches();
      assert.equal(left.length, 16);
      assert.ok(left.includes(run.cacheFile!.split('/').pop()!));
      assert.ok(left.includes(`plain-old19-${'0'.repeat(32)}.v8cache`)); // the newest stay
      assert.ok(!left.includes(`plain-old0-${'0'.repeat(32)}.v8cache`)); // the oldest went
    } finally {
      writeFileSync(bundle, bundleSource('first'));
    }
  });

  it(
    'neither reads nor writes a cache in a folder others can write',
    { skip: process.platform === 'win32' },
    async () => {
      const kept = caches();
      chmodSync(cache, 0o777);
      try {
        writeFileSync(bundle, bundleSource('fifth'));
        const run = await load();
        assert.equal(run.status, 'untrusted');
        assert.equal(run.value.word, 'FIFTH');
        assert.deepEqual(caches(), kept);
      } finally {
        chmodSync(cache, 0o700);
        writeFileSync(bundle, bundleSource('first'));
      }
    },
  );

  it('runs without a cache where its folder cannot be reached', async () => {
    const run = await load(join(bundle, 'cache')); // below a file: ENOTDIR, not ENOENT
    assert.equal(run.status, 'untrusted');
    assert.equal(run.value.word, 'FIRST');
  });

  it('does not run a cache file another user owns', { skip: !isRoot }, async () => {
    const { cacheFile } = await load();
    chownSync(cacheFile!, 65534, 65534);
    const run = await load();
    assert.equal(run.status, 'untrusted');
    assert.equal(run.value.word, 'FIRST');
    assert.equal(statSync(cacheFile!).uid, 65534); // left alone
  });

  it('is off without a cache folder, and with source maps on (Node maps only what require ran)', async () => {
    const none = await load(null);
    assert.equal(none.status, 'off');
    assert.equal(none.cacheFile, null);
    assert.equal(none.value.word, 'FIRST');
    const mapped = await load(cache, 'maps');
    assert.equal(mapped.status, 'off');
    assert.equal(mapped.value.word, 'FIRST');
  });
});

describe('which cache a command uses', () => {
  it('is named by the command word, past global options and --config’s value', () => {
    const argv = (...a: string[]) => ['node', 'ccmon', ...a];
    assert.equal(commandOf(argv('backup', '--set', 'etc')), 'backup');
    assert.equal(commandOf(argv('--json', '-c', 'backup', 'verify', 'x')), 'verify');
    assert.equal(commandOf(argv('--config', '/etc/ccmon.yaml', 'alerts', 'list')), 'alerts');
    assert.equal(commandOf(argv('--version')), 'none');
    assert.equal(commandOf(argv('../../etc/passwd')), 'other'); // never part of a file name
  });

  it('lives in the platform cache folder unless CCMON_CACHE_DIR says otherwise', () => {
    assert.equal(defaultCacheDir({ CCMON_CACHE_DIR: '/x/c' }, 'linux'), '/x/c');
    assert.equal(defaultCacheDir({ CCMON_CACHE_DIR: '' }, 'linux'), null);
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux'), join('/xdg', 'ccmon'));
    assert.ok(defaultCacheDir({}, 'linux')!.endsWith(join('.cache', 'ccmon')));
    assert.ok(defaultCacheDir({}, 'darwin')!.endsWith(join('Library', 'Caches', 'ccmon')));
    assert.equal(
      defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32'),
      join('C:\\Users\\a\\AppData\\Local', 'ccmon', 'Cache'),
    );
  });
});
