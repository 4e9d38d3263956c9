/**
 * The host's numbers (CPU, memory, filesystems, network, disk I/O), read on demand and cached for a
 * short while so the disk check, the memory check and a /metrics scrape share one read. Nothing
 * runs on a timer: an idle agent that nobody scrapes reads only what its checks ask for. Linux reads
 * /proc and statfs (no child processes); other platforms load systeminformation on demand; CPU load
 * comes from the OS tick counters on every platform. /proc files are read synchronously: procfs
 * answers from kernel memory in microseconds and never waits on a disk, while an async read waits
 * for a libuv pool thread, which on a loaded machine took longer than the read (and delayed the
 * /metrics scrape that asked). statfs stays async: a hung network mount must not block the agent.
 */
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { cpus } from 'node:os';
import {
  parseDiskStats,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  type DiskIoCounters,
  type MountEntry,
  type NetDevCounters,
} from './proc-files.js';

export interface FilesystemUsage extends MountEntry {
  sizeBytes: number;
  availBytes: number;
  freeBytes: number;
}

export interface MemoryUsage {
  totalBytes: number;
  availableBytes: number;
}

export interface CpuTimes {
  cpu: string;
  /** Seconds per mode, as node_cpu_seconds_total. */
  modes: Record<'user' | 'nice' | 'system' | 'idle' | 'irq', number>;
}

const linux = process.platform === 'linux';

/** systeminformation, loaded only where /proc is not there to read (macOS, Windows). */
async function systemInformation() {
  return (await import('systeminformation')).default;
}

function totals(): { total: number; idle: number } {
  let total = 0;
  let idle = 0;
  for (const c of cpus()) {
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
    idle += c.times.idle;
  }
  return { total, idle };
}

export class HostSampler {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  private cpuMark: { at: number; total: number; idle: number } | null = null;

  constructor(private readonly maxAgeMs = 5000) {}

  /** Memory from /proc/meminfo (MemAvailable) or the OS equivalent. */
  memory(): Promise<MemoryUsage> {
    return this.cached('memory', async () => {
      if (linux) return parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
      const m = await (await systemInformation()).mem();
      return { totalBytes: m.total, availableBytes: m.available };
    });
  }

  /**
   * CPU busy percent across cores since the previous call, from the OS tick counters (what
   * systeminformation's currentLoad() diffs too). The first call, or one after a long pause,
   * measures over a short window instead of reporting the average since boot.
   */
  cpuLoadPercent(windowMs = 500): Promise<number> {
    return this.cached('cpu', async () => {
      const now = performance.now();
      let prev = this.cpuMark;
      if (!prev || now - prev.at > 120_000) {
        prev = { at: now, ...totals() };
        await new Promise((r) => setTimeout(r, windowMs));
      }
      const cur = { at: performance.now(), ...totals() };
      this.cpuMark = cur;
      const total = cur.total - prev.total;
      return total > 0
        ? Math.min(100, Math.max(0, ((total - (cur.idle - prev.idle)) / total) * 100))
        : 0;
    });
  }

  /** Cumulative CPU seconds per core and mode, straight from the OS (cheap: no cache needed). */
  cpuTimes(): CpuTimes[] {
    return cpus().map((c, i) => ({
      cpu: String(i),
      modes: {
        user: c.times.user / 1000,
        nice: c.times.nice / 1000,
        system: c.times.sys / 1000,
        idle: c.times.idle / 1000,
        irq: c.times.irq / 1000,
      },
    }));
  }

  /** Usage of one path's filesystem (statfs: no child process, works on every platform). */
  async filesystem(path: string): Promise<FilesystemUsage> {
    const s = await statfs(path);
    const mount = (await this.mounts()).filter(
      (m) => path === m.mountpoint || path.startsWith(m.mountpoint.replace(/\/?$/, '/')),
    );
    const best = mount.sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
    return {
      device: best?.device ?? 'unknown',
      mountpoint: best?.mountpoint ?? path,
      fstype: best?.fstype ?? 'unknown',
      sizeBytes: s.blocks * s.bsize,
      availBytes: s.bavail * s.bsize,
      freeBytes: s.bfree * s.bsize,
    };
  }

  /** Every real filesystem (node_exporter's filesystem collector set). */
  filesystems(): Promise<FilesystemUsage[]> {
    return this.cached('filesystems', async () => {
      const out: FilesystemUsage[] = [];
      for (const m of await this.mounts()) {
        try {
          const s = await statfs(m.mountpoint);
          out.push({
            ...m,
            sizeBytes: s.blocks * s.bsize,
            availBytes: s.bavail * s.bsize,
            freeBytes: s.bfree * s.bsize,
          });
        } catch {
          // An unreadable mount (permissions, a stale network share) is left out, as node_exporter does.
        }
      }
      return out;
    });
  }

  network(): Promise<NetDevCounters[]> {
    return this.cached('network', async () => {
      if (linux) return parseNetDev(readFileSync('/proc/net/dev', 'utf8'));
      const stats = await (await systemInformation()).networkStats('*');
      return stats.map((s) => ({
        device: s.iface,
        receiveBytes: s.rx_bytes,
        transmitBytes: s.tx_bytes,
      }));
    });
  }

  diskIo(): Promise<DiskIoCounters[]> {
    return this.cached('diskio', async () => {
      if (linux) return parseDiskStats(readFileSync('/proc/diskstats', 'utf8'));
      const io = await (await systemInformation()).fsStats();
      return io ? [{ device: 'all', readBytes: io.rx, writtenBytes: io.wx }] : [];
    });
  }

  private mounts(): Promise<MountEntry[]> {
    return this.cached(
      'mounts',
      async () => {
        if (linux) return parseMounts(readFileSync('/proc/mounts', 'utf8'));
        const fs = await (await systemInformation()).fsSize();
        return fs.map((f) => ({ device: f.fs, mountpoint: f.mount, fstype: f.type }));
      },
      60_000,
    );
  }

  private cached<T>(key: string, read: () => Promise<T>, maxAgeMs = this.maxAgeMs): Promise<T> {
    const hit = this.cache.get(key);
    // Cache ages on the monotonic clock: stepped back, the wall clock would keep stale values.
    if (hit && performance.now() - hit.at < maxAgeMs) return hit.value as Promise<T>;
    const value = read();
    this.cache.set(key, { at: performance.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }
}
