/**
 * The config's part of AgentApi: read the effective config, validate a candidate section against the
 * loader's own schema, and change a section (written to the file with its comments kept, then applied
 * to the running engine without a restart, as Prometheus's /-/reload does). Types and zod only: the
 * renderer imports this file.
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';

/** The top-level sections a request may name; a unit test keeps this equal to configSchema's keys. */
export const CONFIG_SECTIONS = [
  'dashboard',
  'checks',
  'scrape',
  'exporter',
  'usage',
  'alerts',
  'tsdb',
  'logs',
  'maintenance',
  'reports',
  'backup',
  'rules',
] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

/** One problem with a candidate config: its dotted path (`checks.probes.2.url`), line when known. */
export interface ConfigFieldIssue {
  path: string;
  line: number | null;
  message: string;
}

export interface ConfigView {
  /** The file the agent reads, or null when it runs on the built-in defaults. */
  file: string | null;
  /** Whether config.update can write (the file, or its folder when it does not exist yet). */
  writable: boolean;
  /** Where config.update creates the file when there is none. */
  createAt: string;
  /**
   * Started without a file, but an earlier save created `createAt`: the document shown and edited
   * is that file, while the engine ran on defaults until this agent's first save.
   */
  unusedFile: boolean;
  /**
   * The sections as written in the file (the input shape: durations as `30s`), absent when the
   * file does not set them. Editing starts from these so that defaults stay defaults.
   */
  document: Partial<Record<ConfigSection, unknown>>;
  /** Seed defaults in the input shape for sections whose lists the UI edits (e.g. checks.probes). */
  defaults: Partial<Record<ConfigSection, unknown>>;
  /**
   * Every field with its default applied, as the engine runs it (CcmonConfig; typed loosely here
   * because the schema's modules are Node code the renderer must not see).
   */
  effective: Record<ConfigSection | 'version', unknown>;
  /** Secrets never appear here; URL passwords are shown as `***`. */
  redacted: string[];
}

export interface ConfigValidation {
  ok: boolean;
  issues: ConfigFieldIssue[];
}

export interface ConfigUpdateResult {
  file: string;
  /** True when the file did not exist and was created by this update. */
  created: boolean;
  /** The previous file, kept as `<name>.bak`; null when there was none. */
  backup: string | null;
  /** Sections the running engine picked up at once. */
  applied: ConfigSection[];
  /** Sections written to the file that take effect at the next start (say which). */
  restartRequired: ConfigSection[];
  /** One line for the user, e.g. where a new file was created and how to point the agent at it. */
  message: string;
}

const sectionChange = z
  .object({
    section: z.enum(CONFIG_SECTIONS),
    /** The section in the input shape, exactly as it should be written; null removes it (defaults). */
    value: z.unknown(),
  })
  .strict();

export const configRequests = {
  /** The effective config, the file path and whether it can be written; no secrets. */
  'config.get': defineRequest<ConfigView>()(z.object({}).strict()),
  /** Every error of the config with `section` replaced by `value`, each with its path. */
  'config.validate': defineRequest<ConfigValidation>()(sectionChange),
  /** Validate, write atomically (comments kept, previous file as .bak), apply without a restart. */
  'config.update': defineRequest<ConfigUpdateResult>()(sectionChange),
};

export interface ConfigEvents {
  /** The running config changed (after config.update). */
  'config.applied': { file: string; applied: ConfigSection[]; restartRequired: ConfigSection[] };
}
