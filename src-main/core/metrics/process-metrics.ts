/**
 * ccmon's own process metrics under the standard client-library names. Written out instead of
 * prom-client's collectDefaultMetrics because its event-loop-lag monitor alone costs ~0.3 % of a
 * core at idle (issue 3's budget is 0.5 %); these are read only when scraped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Counter, Gauge, type Registry } from 'prom-client';

let maxFdsValue: number | undefined;
const startTime = Math.round(Date.now() / 1000 - process.uptime());

export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const user = new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    registers,
  });
  const system = new Counter({
    name: 'process_cpu_system_seconds_total',
    help: 'Total system CPU time spent in seconds.',
    registers,
  });
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    collect() {
      const u = process.cpuUsage();
      for (const [c, v] of [
        [user, u.user],
        [system, u.system],
        [this, u.user + u.system],
      ] as const) {
        c.reset();
        c.inc(v / 1e6);
      }
    },
  });
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    registers,
    collect() {
      this.set(startTime);
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  const heapUsed = new Gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'Process heap size used from Node.js in bytes.',
    registers,
  });
  new Gauge({
    name: 'nodejs_heap_size_total_bytes',
    help: 'Process heap size from Node.js in bytes.',
    registers,
    collect() {
      const m = process.memoryUsage();
      this.set(m.heapTotal);
      heapUsed.set(m.heapUsed);
    },
  });
  if (process.platform === 'linux') {
    const maxFds = new Gauge({
      name: 'process_max_fds',
      help: 'Maximum number of open file descriptors.',
      registers,
    });
    new Gauge({
      name: 'process_open_fds',
      help: 'Number of open file descriptors.',
      registers,
      // Synchronous on purpose: /proc/self/fd is listed from memory in microseconds, while an
      // async readdir waits for a libuv pool thread, a wait that grows with the machine's load
      // and showed up in every scrape's latency.
      collect() {
        this.set(readdirSync('/proc/self/fd').length);
        // The limit is fixed for the life of the process: read it once.
        if (maxFdsValue === undefined) {
          let limits = '';
          try {
            limits = readFileSync('/proc/self/limits', 'utf8');
          } catch {
            // No limits file (a restricted /proc): the gauge stays absent.
          }
          maxFdsValue = Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? NaN);
          if (Number.isFinite(maxFdsValue)) maxFds.set(maxFdsValue);
        }
      },
    });
  }
  const [major, minor, patch] = process.versions.node.split('.');
  new Gauge({
    name: 'nodejs_version_info',
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch'],
    registers,
  }).set({ version: process.version, major: major!, minor: minor!, patch: patch! }, 1);
}
