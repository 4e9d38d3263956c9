import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { isAgentCommand, isArchiveCommand } from '../../../../src-main/core/system/v8-tuning.js';

const tuning = new URL('../../../../src-main/core/system/v8-tuning.ts', import.meta.url).href;

/** New-space size in MB of a fresh Node process after a start-up-like allocation burst. */
function newSpaceAfterBurst(which: 'none' | 'tuneV8ForAgent' | 'keepYoungGenerationSmall'): number {
  const script = `
    import v8 from 'node:v8';
    import * as tuning from ${JSON.stringify(tuning)};
    if (${JSON.stringify(which)} !== 'none') tuning[${JSON.stringify(which)}]();
    const keep = [];
    for (let i = 0; i < 150; i++) {
      keep.push(Array.from({ length: 20000 }, (_, j) => ({ j, s: 'x' + j })));
      if (keep.length > 4) keep.shift();
    }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(ns.space_size / 1048576));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
  return Number(out);
}

/** Peak old-space size in MB of a fresh process whose short-lived objects survive one scavenge. */
function oldSpacePeak(which: 'keepYoungGenerationSmall' | 'tuneV8ForArchiveCommand'): number {
  const script = `
    import v8 from 'node:v8';
    import * as tuning from ${JSON.stringify(tuning)};
    tuning[${JSON.stringify(which)}]();
    let peak = 0;
    const keep = [];
    for (let i = 0; i < 3000; i++) {
      keep.push(Array.from({ length: 2000 }, (_, j) => ({ j, s: 'x' + j + i })));
      if (keep.length > 20) keep.shift();
      if (i % 20 === 0) {
        const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
        peak = Math.max(peak, old.space_size);
      }
    }
    process.stdout.write(String(peak / 1048576));
  `;
  return Number(
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    }),
  );
}

describe('V8 tuning for the long-running agent', () => {
  it('keeps the young generation at its initial size through an allocation burst', () => {
    const untuned = newSpaceAfterBurst('none');
    const tuned = newSpaceAfterBurst('tuneV8ForAgent');
    // V8's default grows it to 2 × 16 MB; tuned, it keeps the size it had then (tsx's own loading
    // has grown it to 2 × 2 MB at most by the time the test's code runs; the agent tunes earlier).
    assert.ok(untuned >= 16, `untuned new space ${untuned} MB: V8 no longer grows it? revisit`);
    assert.ok(tuned <= 4, `tuned new space ${tuned} MB`);
  });

  it('keeps it small for the archive commands too (keepYoungGenerationSmall)', () => {
    const small = newSpaceAfterBurst('keepYoungGenerationSmall');
    assert.ok(small <= 4, `new space ${small} MB`);
  });

  it("lets the archive commands' old generation grow by half between full GCs, not up to 4×", () => {
    // What a file's work leaves alive across a 1 MiB scavenge is promoted, then dies: the old
    // generation's peak is how much of that garbage piles up before a full GC.
    const small = oldSpacePeak('keepYoungGenerationSmall');
    const archive = oldSpacePeak('tuneV8ForArchiveCommand');
    assert.ok(archive < small * 0.75, `old space peak ${archive} MB, ${small} MB without`);
  });

  it('applies to backup, restore and verify, and not to other commands', () => {
    assert.equal(isArchiveCommand(['node', 'ccmon', 'backup']), true);
    assert.equal(
      isArchiveCommand(['node', 'ccmon', '--config', 'x.yaml', 'restore', 'a', '--yes']),
      true,
    );
    assert.equal(isArchiveCommand(['node', 'ccmon', 'verify', 'id', '--json']), true);
    assert.equal(isArchiveCommand(['node', 'ccmon', 'backups']), false);
    assert.equal(isArchiveCommand(['node', 'ccmon', 'logs', 'errors']), false);
    assert.equal(isArchiveCommand(['node', 'ccmon', 'agent']), false);
  });

  it('applies to `ccmon agent` only, wherever the global options put it', () => {
    assert.equal(isAgentCommand(['node', 'ccmon', 'agent']), true);
    assert.equal(isAgentCommand(['node', 'ccmon', '--config', 'x.yaml', '--json', 'agent']), true);
    assert.equal(isAgentCommand(['node', 'ccmon', 'logs', 'errors']), false);
    assert.equal(isAgentCommand(['node', 'ccmon', 'check', '--json']), false);
  });
});
