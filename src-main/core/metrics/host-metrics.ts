/**
 * Host metrics under node_exporter's names and labels, for the subset ccmon exposes, so dashboards
 * and the seed's rules written for node_exporter work unchanged. Read at scrape time through the
 * shared HostSampler (cached a few seconds; nothing polls while nobody scrapes); each series keeps
 * one labels object (computed.ts), so an unchanged one costs the exporter nothing to re-render.
 */
import type { Registry } from 'prom-client';
import type { HostSampler } from '../checks/host-sampler.js';
import { LabelSets, registerComputedMetric, type ComputedValue } from './computed.js';

type Row<T> = { key: string; labels: () => Record<string, string>; of: T };

/** Values of one metric from rows of a source, with stable label objects per row key. */
function valuesOf<T>(
  sets: LabelSets<string>,
  rows: Row<T>[],
  value: (row: T) => number,
): ComputedValue[] {
  const keys = new Set<string>();
  const out = rows.map((r) => {
    keys.add(r.key);
    return { labels: sets.get(r.key, r.labels), value: value(r.of) };
  });
  sets.retain(keys);
  return out;
}

export function registerHostMetrics(registry: Registry, host: HostSampler): void {
  const metric = (
    name: string,
    help: string,
    type: 'gauge' | 'counter',
    compute: () => ComputedValue[] | Promise<ComputedValue[]>,
  ) => registerComputedMetric({ name, help, type, registry, compute });

  const cpuSets = new LabelSets<string>();
  metric('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', () => {
    const rows: Row<number>[] = [];
    for (const c of host.cpuTimes())
      for (const [mode, s] of Object.entries(c.modes))
        rows.push({ key: `${c.cpu}/${mode}`, labels: () => ({ cpu: c.cpu, mode }), of: s });
    return valuesOf(cpuSets, rows, (s) => s);
  });

  const none = Object.freeze({});
  metric(
    'node_memory_MemTotal_bytes',
    'Memory information field MemTotal_bytes.',
    'gauge',
    async () => [{ labels: none, value: (await host.memory()).totalBytes }],
  );
  metric(
    'node_memory_MemAvailable_bytes',
    'Memory information field MemAvailable_bytes.',
    'gauge',
    async () => [{ labels: none, value: (await host.memory()).availableBytes }],
  );

  const fsSets = new LabelSets<string>();
  const filesystems = async () =>
    (await host.filesystems()).map((f) => ({
      key: `${f.device}\u0000${f.fstype}\u0000${f.mountpoint}`,
      labels: () => ({ device: f.device, fstype: f.fstype, mountpoint: f.mountpoint }),
      of: f,
    }));
  // The three share label sets; each passes every mount, so none drops another's.
  metric(
    'node_filesystem_avail_bytes',
    'Filesystem space available to non-root users in bytes.',
    'gauge',
    async () => valuesOf(fsSets, await filesystems(), (f) => f.availBytes),
  );
  metric('node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'gauge', async () =>
    valuesOf(fsSets, await filesystems(), (f) => f.freeBytes),
  );
  metric('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', async () =>
    valuesOf(fsSets, await filesystems(), (f) => f.sizeBytes),
  );

  const netSets = new LabelSets<string>();
  const network = async () =>
    (await host.network()).map((d) => ({
      key: d.device,
      labels: () => ({ device: d.device }),
      of: d,
    }));
  metric(
    'node_network_transmit_bytes_total',
    'Network device statistic transmit_bytes.',
    'counter',
    async () => valuesOf(netSets, await network(), (d) => d.transmitBytes),
  );
  metric(
    'node_network_receive_bytes_total',
    'Network device statistic receive_bytes.',
    'counter',
    async () => valuesOf(netSets, await network(), (d) => d.receiveBytes),
  );

  const diskSets = new LabelSets<string>();
  const disks = async () =>
    (await host.diskIo()).map((d) => ({
      key: d.device,
      labels: () => ({ device: d.device }),
      of: d,
    }));
  metric(
    'node_disk_written_bytes_total',
    'The total number of bytes written successfully.',
    'counter',
    async () => valuesOf(diskSets, await disks(), (d) => d.writtenBytes),
  );
  metric(
    'node_disk_read_bytes_total',
    'The total number of bytes read successfully.',
    'counter',
    async () => valuesOf(diskSets, await disks(), (d) => d.readBytes),
  );
}
