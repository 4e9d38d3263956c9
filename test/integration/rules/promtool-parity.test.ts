import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { runCcmonSync } from '../../helpers/cli.js';

// Every rule unit-test file under test/fixtures/rules goes through the real `promtool test rules`
// (Debian's prometheus package) and `ccmon rules test`: same verdict, same exit code. Files under
// failing/ must fail in both (so a test that cannot fail would show up here); the others must pass.
// Likewise `promtool check rules` vs `ccmon rules check` on good and malformed rule files.
const root = new URL('../../..', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/rules');

function files(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, suffix));
    else if (e.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

function promtool(args: string[]) {
  const r = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout + r.stderr };
}

function ccmon(args: string[]) {
  const r = runCcmonSync(args);
  return { code: r.code, out: r.stdout + r.stderr };
}

interface Verdict {
  file: string;
  passed?: boolean;
  valid?: boolean;
}

// One ccmon process per file list (tsx start-up dominates); promtool runs per file.
function ccmonJson(args: string[]): { code: number | null; verdicts: Map<string, boolean> } {
  const r = ccmon(['--json', ...args]);
  const list = JSON.parse(r.out.slice(r.out.indexOf('['), r.out.lastIndexOf(']') + 1)) as Verdict[];
  return {
    code: r.code,
    verdicts: new Map(list.map((v) => [v.file, Boolean(v.passed ?? v.valid)])),
  };
}

describe('rule unit tests: promtool and ccmon agree', () => {
  const tests = files(fixtures, '.test.yml');
  const all = ccmonJson(['rules', 'test', ...tests]);
  it('has fixtures for the seed, the defaults, PromQL and failing cases', () => {
    const rel = tests.map((f) => relative(fixtures, f));
    for (const prefix of ['defaults/', 'promql/', 'failing/'])
      assert.ok(rel.filter((f) => f.startsWith(prefix)).length >= 2, `fixtures under ${prefix}`);
  });
  for (const file of tests) {
    const name = relative(fixtures, file);
    const mustFail = name.startsWith('failing/');
    it(`${name} ${mustFail ? 'fails' : 'passes'} in both`, () => {
      const p = promtool(['test', 'rules', file]);
      assert.equal(p.code, mustFail ? 1 : 0, `promtool's verdict on ${name}:\n${p.out}`);
      const passed = all.verdicts.get(file);
      assert.equal(
        passed,
        p.code === 0,
        `ccmon disagrees with promtool on ${name}; promtool:\n${p.out}`,
      );
    });
  }
  it('exit codes match: 1 when any file fails, 0 when all pass', () => {
    assert.equal(all.code, promtool(['test', 'rules', ...tests]).code);
    const good = tests.filter((f) => !relative(fixtures, f).startsWith('failing/'));
    const p = promtool(['test', 'rules', ...good]);
    const c = ccmon(['rules', 'test', ...good]);
    assert.equal(p.code, 0, p.out);
    assert.equal(c.code, 0, c.out);
    assert.match(c.out, /SUCCESS/);
    const one = relative(
      root,
      tests.find((f) => f.includes('failing/'))!,
    );
    const failed = ccmon(['rules', 'test', one]);
    assert.equal(failed.code, promtool(['test', 'rules', one]).code);
    assert.match(failed.out, /FAILED/);
  });
});

describe('rule files: promtool check rules and ccmon rules check agree', () => {
  const ruleFiles = [
    ...files(join(fixtures, 'check'), '.yml'),
    ...files(join(root, 'src-main/core/rules/defaults'), '.yml'),
    ...files(join(fixtures, 'promql'), '.rules.yml'),
  ];
  const all = ccmonJson(['rules', 'check', ...ruleFiles]);
  for (const file of ruleFiles) {
    const name = relative(root, file);
    const bad = /\/bad-[^/]*$/.test(file);
    it(`${name} is ${bad ? 'rejected' : 'accepted'} by both`, () => {
      const p = promtool(['check', 'rules', file]);
      assert.equal(p.code, bad ? 1 : 0, `promtool on ${name}:\n${p.out}`);
      assert.equal(
        all.verdicts.get(file),
        p.code === 0,
        `ccmon disagrees with promtool on ${name}:\n${p.out}`,
      );
    });
  }

  it('exit codes match, and errors name file, line and every broken rule', () => {
    assert.equal(all.code, promtool(['check', 'rules', ...ruleFiles]).code);
    const c = ccmon(['rules', 'check', join(fixtures, 'check/bad-types.rules.yml')]);
    assert.equal(c.code, 1);
    for (const rule of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
      assert.match(c.out, new RegExp(`:\\d+: group "types", rule "${rule}"`));
    const good = ccmon(['rules', 'check', join(fixtures, 'check/good.rules.yml')]);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /SUCCESS: 2 rules found/);
  });
});
