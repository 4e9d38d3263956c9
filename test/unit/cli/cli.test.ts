import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { globalConfig } from 'zod/v4/core';
import { main, tuneZod } from '../../../src-main/cli/index.js';
import { tempDir } from '../../helpers/ports.js';

// Commands write to the real stdout/stderr; these tests check the exit-code contract.
async function run(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  const code = await main(['node', 'ccmon', ...args]);
  process.exitCode = undefined;
  return code;
}

describe('ccmon command line', () => {
  it('exits 2 on bad usage', async () => {
    assert.equal(await run('no-such-command'), 2);
    assert.equal(await run('simulate', '--api-port', 'x'), 2);
  });

  it('config validate: 0 when valid, 2 with every error when not', async () => {
    const dir = await tempDir();
    try {
      const good = join(dir.path, 'good.yaml');
      const bad = join(dir.path, 'bad.yaml');
      await writeFile(good, 'dashboard:\n  port: 8000\n');
      await writeFile(bad, 'dashboard:\n  port: -1\n');
      assert.equal(await run('config', 'validate', good), 0);
      assert.equal(await run('config', 'validate', bad), 2);
      assert.equal(await run('config', 'validate', join(dir.path, 'missing.yaml')), 2);
    } finally {
      await dir.cleanup();
    }
  });

  it("one-shot commands parse without zod's compiled parsers; the agent keeps them", async () => {
    try {
      assert.equal(await run('config', 'validate', '/no/such/ccmon.yaml'), 2); // any action
      assert.equal(globalConfig.jitless, true);
      await tuneZod('agent');
      assert.equal(globalConfig.jitless, false);
    } finally {
      await tuneZod('agent'); // zod's default, for what runs after
    }
  });

  it('refuses a bad fault spec with exit 2 before starting anything', async () => {
    assert.equal(await run('simulate', '--faults', 'api=explode'), 2);
  });
});
