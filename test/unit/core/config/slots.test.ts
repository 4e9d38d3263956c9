import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModuleSlot } from '../../../../src-main/core/config/slots.js';
import type { EngineModule } from '../../../../src-main/core/module.js';

interface Fake extends EngineModule {
  id: number;
  config: string;
  running: boolean;
}

function slotWith(journal: string[]) {
  let n = 0;
  const built: Fake[] = [];
  const slot = new ModuleSlot<Fake, string>(
    'fake',
    (config) => {
      if (config === 'bad') throw new Error('refused');
      const m: Fake = {
        id: ++n,
        config,
        running: false,
        name: 'fake',
        async start() {
          m.running = true;
          journal.push(`start ${m.id}`);
        },
        async stop() {
          m.running = false;
          journal.push(`stop ${m.id}`);
        },
      };
      built.push(m);
      return m;
    },
    'a',
    (m) => journal.push(`built ${m.id} (${m.config})`),
  );
  return { slot, built };
}

describe('ModuleSlot', () => {
  it('starts a fresh instance after a stop (the old one is spent)', async () => {
    const journal: string[] = [];
    const { slot } = slotWith(journal);
    await slot.start();
    await slot.stop();
    await slot.start();
    assert.deepEqual(journal, ['built 1 (a)', 'start 1', 'stop 1', 'built 2 (a)', 'start 2']);
    assert.equal(slot.current.id, 2);
  });

  it('rebuild while running swaps instances; while stopped it only builds', async () => {
    const journal: string[] = [];
    const { slot } = slotWith(journal);
    await slot.start();
    await slot.rebuild('b');
    assert.deepEqual(journal.slice(2), ['stop 1', 'built 2 (b)', 'start 2']);
    await slot.stop();
    journal.length = 0;
    await slot.rebuild('c');
    assert.deepEqual(journal, ['built 3 (c)']);
    assert.equal(slot.current.running, false);
    await slot.start(); // the rebuilt instance is fresh: no second build
    assert.deepEqual(journal, ['built 3 (c)', 'start 3']);
  });

  it('a config the module refuses changes nothing', async () => {
    const journal: string[] = [];
    const { slot } = slotWith(journal);
    await slot.start();
    await assert.rejects(slot.rebuild('bad'), /refused/);
    assert.equal(slot.current.id, 1);
    assert.equal(slot.current.running, true);
    await slot.stop();
    await slot.start();
    assert.equal(
      slot.current.config,
      'a',
      'a restart after a refused rebuild keeps the old config',
    );
  });
});
