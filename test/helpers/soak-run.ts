/**
 * Runs the engine soak child (soak-engine.ts) against a simulator in this process and collects its
 * hourly samples. The simulator's traffic follows the child's fake clock: the child reports each
 * simulated minute and the simulator advances by as much.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './ports.js';
import { soakConfig } from './soak-config.js';
import type { SoakMessage, SoakSample, SoakSpec } from './soak-engine.js';
import { startQuietSimulation } from './simulation.js';

export interface SoakRun {
  samples: SoakSample[];
  realSeconds: number;
  exitCode: number | null;
}

const entry = fileURLToPath(new URL('./soak-engine.ts', import.meta.url));

/** An outage of the simulated API (`api=down`) from one simulated hour to another. */
export interface SoakOutage {
  fromHour: number;
  toHour: number;
}

export async function runEngineSoak(
  hours: number,
  windowMs: number,
  outage: SoakOutage | null = null,
): Promise<SoakRun> {
  const sim = await startQuietSimulation({ containersPort: 0 });
  const dir = await tempDir('ccmon-soak-');
  try {
    const spec: SoakSpec = {
      hours,
      windowMs,
      dataDir: `${dir.path}/data`,
      config: soakConfig(sim.urls, dir.path),
    };
    const child = fork(entry, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, CCMON_SOAK_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const samples: SoakSample[] = [];
    const done = new Promise<{ realSeconds: number; error?: string }>((resolve, reject) => {
      child.on('message', (m: SoakMessage) => {
        if (m.type === 'advance') sim.advance(m.seconds);
        else if (m.type === 'sample') {
          samples.push(m.sample);
          if (m.sample.hour === outage?.fromHour) void sim.setFaults('api=down');
          if (m.sample.hour === outage?.toHour) void sim.setFaults('');
        } else resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`soak child exited with ${code} early`)));
    });
    const result = await done;
    // The child disconnects when done: if a leaked handle keeps it alive, it is killed after 30 s
    // and reported by its exit code (null).
    const exited = new Promise<number | null>((r) =>
      child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c)),
    );
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exitCode = await exited;
    clearTimeout(guard);
    if (result.error) throw new Error(`soak child failed: ${result.error}`);
    return { samples, realSeconds: result.realSeconds, exitCode };
  } finally {
    await sim.stop();
    await dir.cleanup();
  }
}
