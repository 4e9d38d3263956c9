import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namedChanges } from '../../../../src-main/core/config/named-changes.js';

describe('named entries changed by a reload', () => {
  it('lists added and changed entries (any field, nested too) and removed names', () => {
    const before = [
      { name: 'kept', schedule: '0 3 * * *', sources: ['/a'] },
      { name: 'edited', schedule: '0 3 * * *', sources: ['/a'] },
      { name: 'gone', schedule: null, sources: [] },
    ];
    const after = [
      { name: 'kept', schedule: '0 3 * * *', sources: ['/a'] },
      { name: 'edited', schedule: '0 3 * * *', sources: ['/a', '/b'] },
      { name: 'new', schedule: '@daily', sources: [] },
    ];
    const { changed, removed } = namedChanges(before, after);
    assert.deepEqual(
      changed.map((e) => e.name),
      ['edited', 'new'],
    );
    assert.equal(changed[0], after[1], 'the entries of the new list');
    assert.deepEqual(removed, ['gone']);
    assert.deepEqual(namedChanges(after, after), { changed: [], removed: [] });
  });
});
