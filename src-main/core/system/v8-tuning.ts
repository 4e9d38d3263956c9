/**
 * V8 tuning for ccmon's long-running agent process.
 *
 * V8 doubles the young generation (its two semi-spaces) each time the bytes surviving scavenges
 * add up to its capacity, up to 16 MB per semi-space (32 MB resident on 64-bit), and only shrinks
 * it after a memory-reducing full GC. Loading the agent's ~400 modules grows it to the maximum
 * within the first second, and any steady trickle of allocation grows it back after a shrink, so
 * an idle agent carried 32 MB of mostly empty new space: a third of its RSS (measured with
 * v8.getHeapSpaceStatistics; issue 3's budget is 90 MB). An idle round of checks and scrapes
 * allocates a few hundred kB, which the initial 1 MB semi-spaces hold; keeping them at that size
 * costs more, smaller scavenges during bursts (start-up, a report) and saves ~20 MB for the
 * process's whole life.
 *
 * V8's memory reducer, once a process's allocation rate drops (the agent settling after start-up,
 * or after a report or a backup), runs up to three full, compacting GCs in a row. In the agent the
 * first frees what there is (26 → 22 MB measured) and the next two freed under 0.3 MB for about
 * 300 ms of CPU on a loaded machine: most of the idle minute's CPU budget. One is enough.
 *
 * The CLI commands that stream archives (`backup`, `restore`, `verify`) keep the young generation
 * small too: their start-up (commander, the config with every section's schema) grew it to the
 * maximum before any archive work, and the restore's main thread and the in-process backup kept
 * it there; the bench's 630 MB set peaked at 80-85 instead of 93-96 MB (`ccmon backup`, gzip) and
 * 92-94 instead of 96-102 MB (`ccmon restore`), in the same time. A 1 GB log scan keeps V8's
 * defaults: there a large young generation is worth its memory.
 *
 * The flag works when set at run time (v8.setFlagsFromString, before the growth); given on the
 * command line it did not stop the growth in Node 20.20 (checked with getHeapSpaceStatistics).
 */
import v8 from 'node:v8';

/**
 * Stop the young generation from growing past its initial size, and let the memory reducer run a
 * single GC. Call before loading the engine: both flags are read when V8 acts on them (growing new
 * space, scheduling a reducing GC), so they apply from then on; a setting like
 * --max-semi-space-size is read only when the heap is created, too late for a running process.
 */
export function tuneV8ForAgent(): void {
  keepYoungGenerationSmall();
  v8.setFlagsFromString('--memory-reducer-single-gc');
}

/** The young generation stays at its initial size (semi-spaces of 1 MiB) from now on. */
export function keepYoungGenerationSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * For `backup`, `restore` and `verify`: a small young generation, and an old generation that grows
 * by at most half between two full GCs. With 1 MiB semi-spaces, what a file's work leaves alive
 * across a scavenge is promoted, and V8's default growth (up to 4× when the program allocates
 * fast) let that garbage pile up until a late full GC: `ccmon backup` of 300,000 tiny files
 * peaked at 97 MB (the bench), of 600,000 at 87–103 MB; now 76 and 75–78 MB, in the same time (and
 * the 600 MB bench backup's time is unchanged).
 */
export function tuneV8ForArchiveCommand(): void {
  keepYoungGenerationSmall();
  v8.setFlagsFromString('--heap-growing-percent=50');
}

/**
 * Tunes V8 for the command on `argv`, before anything else loads; returns which tuning it got
 * (the compile cache keeps one per tuning: V8 rejects a cache made under other flags).
 */
export function tuneV8ForCommand(argv: readonly string[]): 'agent' | 'archive' | 'plain' {
  if (isAgentCommand(argv)) {
    tuneV8ForAgent();
    return 'agent';
  }
  if (isArchiveCommand(argv)) {
    tuneV8ForArchiveCommand();
    return 'archive';
  }
  return 'plain';
}

/** Whether the command line runs the long-lived agent (`ccmon [options] agent …`). */
export function isAgentCommand(argv: readonly string[]): boolean {
  return argv.slice(2).includes('agent');
}

const ARCHIVE_COMMANDS = new Set(['backup', 'restore', 'verify']);

/**
 * Whether the command line streams an archive (`ccmon [options] backup|restore|verify …`). Any
 * argument matches (a global option's value may come first); a false match only costs a command
 * a few more scavenges.
 */
export function isArchiveCommand(argv: readonly string[]): boolean {
  return argv.slice(2).some((a) => ARCHIVE_COMMANDS.has(a));
}
