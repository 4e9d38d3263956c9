/** The backup settings tab's glob field (views/settings/BackupsEditor.tsx). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globList } from '../../../src-renderer/views/settings/BackupsEditor';

describe('backup settings: globs typed in one field', () => {
  it('splits at commas outside braces and drops blanks', () => {
    assert.deepEqual(globList('*.gz, tmp/**'), ['*.gz', 'tmp/**']);
    assert.deepEqual(globList('*.{gz,zip}, cache/'), ['*.{gz,zip}', 'cache/']);
    assert.deepEqual(globList(' , *.log ,, '), ['*.log']);
    assert.deepEqual(globList(''), []);
    assert.deepEqual(globList('a}b, c'), ['a}b', 'c'], 'a stray closing brace is text');
  });
});
