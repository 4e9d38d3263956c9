/**
 * Rule files and a real RuleManager as the rules tests set them up: one group written as a
 * Prometheus rule file, and a manager over a series store whose sent alerts and state changes are
 * collected for the test to read.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PostableAlert } from '../../src-main/core/alerts/postable.js';
import { silentLogger } from '../../src-main/core/log.js';
import { rulesConfigSchema } from '../../src-main/core/rules/config.js';
import type { RuleStateChange } from '../../src-main/core/rules/contract.js';
import { RuleManager } from '../../src-main/core/rules/manager.js';
import type { SeriesAppender, SeriesQuerier } from '../../src-main/core/tsdb/types.js';

/** One rule of a group, as in a Prometheus rule file (`for` and the rest as strings). */
export type RuleSpec = ({ alert: string } | { record: string }) & {
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

/**
 * Writes `<dir>/<group>.rules.yml` holding one group (`interval` null: the global evaluation
 * interval) and returns its path.
 */
export async function writeRuleGroup(
  dir: string,
  group: string,
  interval: string | null,
  rules: RuleSpec[],
): Promise<string> {
  const file = join(dir, `${group}.rules.yml`);
  const spec = interval === null ? { name: group, rules } : { name: group, interval, rules };
  await writeFile(file, stringify({ groups: [spec] }));
  return file;
}

export interface RuleManagerFixture {
  manager: RuleManager;
  /** Every alert sent to the notifier, in order. */
  sent: PostableAlert[];
  /** Date.now() when each alert in `sent` was sent. */
  sentAt: number[];
  changes: RuleStateChange[];
}

export interface RuleManagerFixtureOptions {
  /** Rule files (the seed's default rules are off). */
  files: string[];
  /** What the rules read, and write unless `appender` is given: usually one series store. */
  store: SeriesQuerier & SeriesAppender;
  /** Where recording rules and ALERTS series go instead (a recorder in front of the store). */
  appender?: SeriesAppender;
  /** Where the manager keeps its alert state. */
  dataDir: string;
  /** Injected evaluation clock; without it the manager reads Date.now (and watches it jump). */
  now?: () => number;
}

/** A RuleManager on `files`, loaded (asserting no errors) but not started. */
export async function loadRuleManager(
  opts: RuleManagerFixtureOptions,
): Promise<RuleManagerFixture> {
  const sent: PostableAlert[] = [];
  const sentAt: number[] = [];
  const changes: RuleStateChange[] = [];
  const manager = new RuleManager({
    config: rulesConfigSchema.parse({ defaults: false, files: opts.files }),
    dataDir: opts.dataDir,
    querier: opts.store,
    appender: opts.appender ?? opts.store,
    sender: {
      send: (alerts) => {
        sent.push(...alerts);
        sentAt.push(...alerts.map(() => Date.now()));
      },
    },
    logger: silentLogger,
    onStateChange: (c) => changes.push(...c),
    ...(opts.now ? { now: opts.now } : {}),
  });
  assert.deepEqual((await manager.load()).errors, []);
  return { manager, sent, sentAt, changes };
}
