/**
 * The `scrape` config section: Prometheus targets ccmon scrapes itself, with prometheus.yml's
 * semantics (scrape_configs → jobs, static_configs → staticConfigs, job-level interval falling back
 * to the global one). Defaults are the seed's prometheus.yml; its `sandbox` job (localhost:9100) is
 * where the seed's own exporter ran, which is now ccmon's exporter, so the scraper skips it when it
 * points at this agent (see module.ts) instead of scraping itself.
 */
import { z } from 'zod';
import { durationSchema, intervalSchema } from './duration.js';

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'not a valid label name');
// host:port as in static_configs (Prometheus requires the port to be present or implied by scheme).
const target = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s/:]+)(:\d{1,5})?$/, 'expected host:port, e.g. localhost:8080');

export const staticConfigSchema = z
  .object({ targets: z.array(target).min(1), labels: z.record(labelName, z.string()).default({}) })
  .strict();

export const scrapeJobSchema = z
  .object({
    name: z.string().regex(/^[^\s]+$/, 'a job name has no spaces'),
    enabled: z.boolean().default(true),
    staticConfigs: z.array(staticConfigSchema).min(1),
    metricsPath: z.string().startsWith('/').default('/metrics'),
    scheme: z.enum(['http', 'https']).default('http'),
    params: z.record(z.string(), z.array(z.string())).default({}),
    /** Unset: the section's interval (prometheus.yml: global.scrape_interval). */
    interval: intervalSchema.optional(),
    timeout: durationSchema.optional(),
    /** Prometheus honor_labels: on a clash keep the target's labels instead of renaming them exported_*. */
    honorLabels: z.boolean().default(false),
    /** Bodies past this many bytes fail the scrape (Prometheus body_size_limit). */
    bodySizeLimit: z.number().int().min(1024).optional(),
  })
  .strict();

export type ScrapeJob = z.output<typeof scrapeJobSchema>;

/** The seed's prometheus.yml scrape_configs. */
export const DEFAULT_SCRAPE_JOBS: z.input<typeof scrapeJobSchema>[] = [
  { name: 'claude-code-api', staticConfigs: [{ targets: ['localhost:8080'] }], interval: '10s' },
  { name: 'llm-gateway', staticConfigs: [{ targets: ['localhost:4000'] }], interval: '10s' },
  { name: 'dev-containers', staticConfigs: [{ targets: ['localhost:9323'] }], interval: '30s' },
  { name: 'sandbox', staticConfigs: [{ targets: ['localhost:9100'] }], interval: '15s' },
];

export const scrapeSectionSchema = z
  .object({
    interval: intervalSchema.prefault('15s'),
    timeout: durationSchema.prefault('10s'),
    bodySizeLimit: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    jobs: z
      .array(scrapeJobSchema)
      .default(() => DEFAULT_SCRAPE_JOBS.map((j) => scrapeJobSchema.parse(j))),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    section.jobs.forEach((j, i) => {
      if (seen.has(j.name))
        ctx.addIssue({
          code: 'custom',
          path: ['jobs', i, 'name'],
          message: `duplicate job name '${j.name}'`,
        });
      seen.add(j.name);
    });
  });

export type ScrapeConfig = z.output<typeof scrapeSectionSchema>;
