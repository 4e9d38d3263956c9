import assert from 'node:assert/strict';
import { readdir, readFile, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  parseForEdit,
  setSection,
  writeConfigAtomically,
} from '../../../../src-main/core/config/edit.js';
import { ConfigError } from '../../../../src-main/core/config/load.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const USER_FILE = `# ccmon config for the platform team
version: 1

dashboard:
  port: 7400 # the team's agreed port

checks:
  probes:
    # the API first: it pages
    - name: API
      type: http
      url: http://localhost:8080/health
      interval: 10s # seed value
    - name: Gateway
      type: http
      url: http://localhost:4000/health/liveliness
`;

function edit(text: string, section: string, value: unknown): string {
  const doc = parseForEdit(text, 'ccmon.yaml');
  setSection(doc, section, value);
  return doc.toString();
}

describe('config edit: a section changed, the rest of the file as the user wrote it', () => {
  it('keeps comments and layout when one value changes', () => {
    const out = edit(USER_FILE, 'checks', {
      probes: [
        { name: 'API', type: 'http', url: 'http://localhost:8080/health', interval: '5s' },
        { name: 'Gateway', type: 'http', url: 'http://localhost:4000/health/liveliness' },
      ],
    });
    assert.match(out, /^# ccmon config for the platform team$/m);
    assert.match(out, /port: 7400 # the team's agreed port/);
    assert.match(out, /# the API first: it pages/);
    assert.match(out, /interval: 5s # seed value/);
    // Only that line changed.
    const diff = USER_FILE.split('\n').filter((l, i) => out.split('\n')[i] !== l);
    assert.deepEqual(diff, ['      interval: 10s # seed value']);
  });

  it('adds, removes and reorders list items and keys without touching other sections', () => {
    const out = edit(USER_FILE, 'checks', {
      probes: [{ name: 'API', type: 'http', url: 'http://localhost:9090/health' }],
    });
    assert.doesNotMatch(out, /Gateway/);
    assert.doesNotMatch(out, /interval: 10s/);
    assert.match(out, /url: http:\/\/localhost:9090\/health/);
    assert.match(out, /port: 7400 # the team's agreed port/);
    const added = edit(USER_FILE, 'rules', { evaluationInterval: '15s' });
    assert.match(added, /rules:\n {2}evaluationInterval: 15s\n$/);
    assert.ok(added.startsWith(USER_FILE.trimEnd()));
  });

  it('null removes a section (back to the defaults)', () => {
    const out = edit(USER_FILE, 'dashboard', null);
    assert.doesNotMatch(out, /dashboard|7400/);
    assert.match(out, /# the API first: it pages/);
  });

  it('starts an empty or comment-only file', () => {
    assert.equal(edit('', 'dashboard', { port: 7400 }), 'dashboard:\n  port: 7400\n');
    assert.match(edit('# only a comment\n', 'dashboard', { port: 1 }), /# only a comment/);
  });

  it('refuses to edit a file that is not valid YAML, with the line', () => {
    assert.throws(
      () => parseForEdit('checks:\n  probes: [\n', 'ccmon.yaml'),
      (err: unknown) => err instanceof ConfigError && err.issues[0]!.line !== null,
    );
  });
});

describe('config edit: any value round-trips (seeded random documents)', () => {
  // A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it.
  const rng = (seed: number) => () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const value = (r: () => number, depth: number): unknown => {
    const k = Math.floor(r() * (depth > 2 ? 4 : 7));
    if (k === 0) return Math.floor(r() * 1000) - 500;
    if (k === 1) return ['10s', 'a b', '', '# not a comment', 'x: y', "it's"][Math.floor(r() * 6)];
    if (k === 2) return r() < 0.5;
    if (k === 3) return null;
    if (k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(r() * 4); i > 0; i--)
      o[['a', 'b', 'url', 'probes'][i % 4]!] = value(r, depth + 1);
    return o;
  };

  it('the section reads back as written and the other sections are untouched', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      let text = USER_FILE;
      // Several edits in a row, each on top of the previous result (as successive saves are).
      for (let step = 0; step < 3; step++) {
        const section = ['checks', 'dashboard', 'rules'][Math.floor(r() * 3)]!;
        const v = value(r, 0);
        const before = parseForEdit(text, 'x.yaml').toJS() as Record<string, unknown>;
        text = edit(text, section, v);
        const after = parseForEdit(text, 'x.yaml').toJS() as Record<string, unknown>;
        const expected = { ...before };
        if (v === null) delete expected[section];
        else expected[section] = v;
        assert.deepEqual(after, expected, `seed ${seed} step ${step} (${section})`);
      }
    }
  });
});

describe('config edit: atomic write', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-edit-');
  });
  after(() => dir.cleanup());

  it('replaces the file, keeps the previous one as .bak and its mode, leaves no temp file', async () => {
    const file = join(dir.path, 'ccmon.yaml');
    await writeFile(file, USER_FILE, { mode: 0o640 });
    const backup = await writeConfigAtomically(file, 'version: 1\n');
    assert.equal(backup, `${file}.bak`);
    assert.equal(await readFile(file, 'utf8'), 'version: 1\n');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), USER_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.deepEqual((await readdir(dir.path)).sort(), ['ccmon.yaml', 'ccmon.yaml.bak']);
  });

  it('creates a new file private to the user, with no .bak', async () => {
    const file = join(dir.path, 'new.yaml');
    assert.equal(await writeConfigAtomically(file, 'version: 1\n'), null);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('writes through a symlink, which stays a symlink', async () => {
    const real = join(dir.path, 'real.yaml');
    const link = join(dir.path, 'link.yaml');
    await writeFile(real, 'version: 1\n');
    await symlink(real, link);
    await writeConfigAtomically(link, 'version: 1\ndashboard: {port: 1}\n');
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.match(await readFile(real, 'utf8'), /port: 1/);
  });

  it('a folder it cannot write to fails and leaves the old file whole', async () => {
    const file = join(dir.path, 'missing-dir', 'ccmon.yaml');
    await assert.rejects(writeConfigAtomically(file, 'x'), /ENOENT/);
  });
});
