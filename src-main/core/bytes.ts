/**
 * Sizes as people read them, in binary units (1 KiB = 1024 B) named as such: backups, restores,
 * maintenance summaries and the CLI's progress all say the same thing for the same size.
 */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  // Bytes are whole, but a rate is not: "1.0845817263067818 B/s" was shown.
  return `${u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
