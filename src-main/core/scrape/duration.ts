/**
 * Durations as config fields: written as Prometheus writes them (`15s`, `1m30s`, `500ms`, `1h`) so a
 * prometheus.yml value can be copied as-is, parsed to milliseconds.
 */
import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** A config field holding a Prometheus duration; parsed to milliseconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const ms = parseDuration(text.trim());
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `'${text}' is not a duration; write it as Prometheus does, e.g. 15s, 1m30s, 500ms`,
    });
    return z.NEVER;
  }
  return ms;
});

/** An interval: a duration longer than zero (0 s would run the task in a tight loop). */
export const intervalSchema = durationSchema.refine((ms) => ms > 0, {
  message: 'must be longer than zero, e.g. 15s',
});
