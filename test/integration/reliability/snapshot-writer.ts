/**
 * A process for the snapshot crash test: restores the tsdb snapshot like the agent does at start,
 * then appends samples for 1,500 series all the time (every 5 ms) while writing snapshots back to
 * back through the real writeSnapshot. After each rename it prints `written <generation>`; the
 * generation is also stored in the snapshot (series ccmon_test_generation), so the test can tell
 * which complete snapshot a reload found. Usage: tsx snapshot-writer.ts <snapshot file>
 */
import { silentLogger } from '../../../src-main/core/log.js';
import { createSeriesStore } from '../../../src-main/core/tsdb/index.js';
import { loadSnapshot, writeSnapshot } from '../../../src-main/core/tsdb/snapshot.js';

const file = process.argv[2]!;
const SERIES = 1500;
const GEN = { __name__: 'ccmon_test_generation' };

const store = createSeriesStore({ maxSeries: 5000 });
const loaded = await loadSnapshot(store, file, silentLogger);
let generation =
  store
    .select([], 0, Date.now() * 2)
    .find((s) => s.labels.__name__ === GEN.__name__)
    ?.samples.at(-1)?.v ?? 0;
process.stdout.write(`loaded ${loaded.status} ${generation}\n`);

let t = Date.now() - 3_600_000;
const appendRound = () => {
  t += 15_000;
  for (let i = 0; i < SERIES; i++)
    store.append({ __name__: 'load_series', instance: `i${i}` }, t, Math.sin(t / 1e6 + i) * 100);
};
// An hour of history so each snapshot is a few MB and takes a while to write.
for (let i = 0; i < 240; i++) appendRound();
const load = setInterval(appendRound, 5);

let genT = Date.now();
for (;;) {
  generation++;
  // Its own clock: strictly increasing across generations and restarts.
  genT = Math.max(Date.now(), genT + 1);
  store.append(GEN, genT, generation);
  process.stdout.write(`writing ${generation}\n`);
  await writeSnapshot(store, file);
  process.stdout.write(`written ${generation}\n`);
  if (process.argv[3] === 'once') break;
}
clearInterval(load);
