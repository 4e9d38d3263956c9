/**
 * What a config reload changed in a list of named entries (backup sets, report schedules): the
 * entries added or changed in any field, and the names no longer there. The modules that reload
 * such a list register the first again and unregister the second.
 */
export function namedChanges<T extends { name: string }>(
  before: readonly T[],
  after: readonly T[],
): { changed: T[]; removed: string[] } {
  const was = new Map(before.map((e) => [e.name, JSON.stringify(e)]));
  const kept = new Set(after.map((e) => e.name));
  return {
    changed: after.filter((e) => was.get(e.name) !== JSON.stringify(e)),
    removed: [...was.keys()].filter((name) => !kept.has(name)),
  };
}
