/**
 * Where the archive passphrase comes from (passphrase.ts), with the real file secret store: the
 * environment before the store before a prompt, a confirmed prompt that differs refused, asked
 * once and remembered until the dashboard keeps a new one (the keeper), which says where it is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  passphraseKeeper,
  passphraseProvider,
  PASSPHRASE_SECRET,
} from '../../../../src-main/core/backup/passphrase.js';
import { FileSecretStore } from '../../../../src-main/core/secrets/store.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

describe('backup passphrase', () => {
  let dir: TempDir;
  let secrets: FileSecretStore;
  before(async () => {
    dir = await tempDir('ccmon-passphrase-');
    secrets = new FileSecretStore(dir.path);
  });
  after(() => dir.cleanup());

  it('the environment, then the secret store, then a prompt; none of them: an error naming both', async () => {
    const prompted: boolean[] = [];
    const prompt = async (again: boolean) => {
      prompted.push(again);
      return 'typed';
    };
    const env = { PASS: 'from env' };
    assert.equal(await passphraseProvider({ envName: 'PASS', secrets, prompt, env })(), 'from env');
    await secrets.set(PASSPHRASE_SECRET, 'kept');
    assert.equal(await passphraseProvider({ envName: 'PASS', secrets, prompt, env: {} })(), 'kept');
    await secrets.delete(PASSPHRASE_SECRET);
    assert.equal(
      await passphraseProvider({ envName: 'PASS', secrets, prompt, env: {} })(),
      'typed',
    );
    assert.deepEqual(prompted, [false]);
    await assert.rejects(passphraseProvider({ envName: 'PASS', secrets, env: {} })(), {
      message: `a backup passphrase is needed: keep one in the dashboard (Settings › Backups › Encryption), set PASS, or store it as the secret '${PASSPHRASE_SECRET}'`,
    });
  });

  it('a confirmed prompt whose answers differ is refused', async () => {
    let n = 0;
    const provider = passphraseProvider({
      envName: 'PASS',
      env: {},
      confirm: true,
      prompt: async () => (n++ === 0 ? 'one' : 'two'),
    });
    await assert.rejects(provider(), { name: 'PassphraseMismatchError' });
  });

  it('asked once and remembered; the keeper keeps a new one and the next use takes it', async () => {
    const env: NodeJS.ProcessEnv = {};
    await secrets.set(PASSPHRASE_SECRET, 'first');
    const provider = passphraseProvider({ envName: 'PASS', secrets, env });
    const keeper = passphraseKeeper({
      secrets,
      provider,
      encryption: () => ({ enabled: true, passphraseEnv: 'PASS' }),
      env,
    });
    assert.equal(await provider(), 'first');
    await secrets.set(PASSPHRASE_SECRET, 'changed behind its back');
    assert.equal(await provider(), 'first', 'remembered: one lookup per process');

    const status = await keeper.set('second');
    assert.deepEqual(status, {
      encryption: true,
      from: 'store',
      envName: 'PASS',
      store: secrets.describe(),
    });
    assert.equal(await secrets.get(PASSPHRASE_SECRET), 'second');
    assert.equal(await provider(), 'second', 'forgotten when a new one is kept');

    env.PASS = 'from env';
    assert.equal((await keeper.status()).from, 'env', 'the environment wins, and says so');
    await secrets.delete(PASSPHRASE_SECRET);
    delete env.PASS;
    assert.equal((await keeper.status()).from, null);
  });
});
