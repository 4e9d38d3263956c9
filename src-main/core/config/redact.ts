/**
 * Keep secrets out of what config.get shows. The schema already refuses secrets in the file (they
 * live in the SecretStore as `{ secret: NAME }`), but a URL can still carry `user:password@`: its
 * password is shown as `***`, and an update that sends the `***` back keeps the real one.
 */
const MASK = '***';

/** A copy of `value` with URL passwords masked; each masked path is added to `found`. */
export function redactSecrets(value: unknown, path: (string | number)[], found: string[]): unknown {
  if (typeof value === 'string') {
    const masked = maskUrlPassword(value);
    if (masked !== value) found.push(path.join('.'));
    return masked;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, [...path, i], found));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactSecrets(v, [...path, k], found)]),
    );
  return value;
}

/** `next` with every masked string that still equals the mask of `previous` put back as it was. */
export function restoreRedacted(next: unknown, previous: unknown): unknown {
  if (typeof next === 'string')
    return typeof previous === 'string' && next.includes(MASK) && maskUrlPassword(previous) === next
      ? previous
      : next;
  if (Array.isArray(next))
    return next.map((v, i) =>
      restoreRedacted(v, Array.isArray(previous) ? previous[i] : undefined),
    );
  if (typeof next === 'object' && next !== null) {
    const prev = (typeof previous === 'object' && previous !== null ? previous : {}) as Record<
      string,
      unknown
    >;
    return Object.fromEntries(
      Object.entries(next).map(([k, v]) => [k, restoreRedacted(v, prev[k])]),
    );
  }
  return next;
}

function maskUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = MASK;
    return url.toString().replace(encodeURIComponent(MASK), MASK);
  } catch {
    return text;
  }
}
