/** A real headless agent (engine + dashboard server) on an ephemeral port with a temp data dir. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgent, type Agent } from '../../src-main/core/agent.js';
import { loadConfig, parseConfigText } from '../../src-main/core/config/load.js';
import { defaultConfig, type CcmonConfig } from '../../src-main/core/config/schema.js';
import { silentLogger } from '../../src-main/core/log.js';
import { startHeadless, type HeadlessAgent } from '../../src-main/http/headless.js';
import { tempDir } from './ports.js';

export interface TestAgent extends HeadlessAgent {
  dataDir: string;
  /** fetch against the agent with the token as a Bearer header. */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestAgent(config: CcmonConfig = defaultConfig()): Promise<TestAgent> {
  const dir = await tempDir('ccmon-agent-');
  // Tests run side by side: listeners left on their well-known default ports move to free ones.
  const hermetic = structuredClone(config);
  if (hermetic.exporter.port === 9100) hermetic.exporter.port = 0;
  if (hermetic.usage.otlp.port === 4318) hermetic.usage.otlp.port = 0;
  const headless = await startHeadless({
    loaded: { config: hermetic, file: null, warnings: [] },
    dataDir: dir.path,
    logger: silentLogger,
    port: 0,
  });
  return {
    ...headless,
    dataDir: dir.path,
    api: (path, init = {}) =>
      fetch(new URL(path, headless.dashboard.url), {
        ...init,
        headers: {
          Authorization: `Bearer ${headless.token.token}`,
          'Content-Type': 'application/json',
          ...(init.headers ?? {}),
        },
      }),
    async close() {
      await headless.stop();
      await dir.cleanup();
    },
  };
}

/**
 * One AgentApi request over HTTP (POST /api/v1/<name> with the agent's token), asserting the
 * status (200 unless told) and returning the parsed body.
 */
export async function requestAgent<T>(
  agent: Pick<HeadlessAgent, 'dashboard' | 'token'>,
  name: string,
  params: unknown = {},
  expect = 200,
): Promise<T> {
  const res = await fetch(new URL(`/api/v1/${name}`, agent.dashboard.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${agent.token.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  assert.equal(res.status, expect, JSON.stringify(body));
  return body as T;
}

/**
 * An engine without HTTP (createAgent) started on a config file written from `text` into `dir`
 * (as `ccmon.yaml`), its data in `<dir>/data`: what config.update tests edit and reload.
 */
export async function startAgentOnFile(
  dir: string,
  text: string,
): Promise<{ agent: Agent; file: string }> {
  const file = join(dir, 'ccmon.yaml');
  await writeFile(file, text);
  const agent = createAgent({
    config: parseConfigText(text, file).config,
    configFile: file,
    dataDir: join(dir, 'data'),
    shell: 'headless',
    logger: silentLogger,
  });
  await agent.start();
  return { agent, file };
}

/**
 * Config file lines for an agent that does nothing by itself: no exporter, OTLP receiver,
 * transcripts, rules, checks or scrapes. A test appends the sections it is about.
 */
export const IDLE_AGENT_YAML = `exporter: { enabled: false }
usage: { otlp: { enabled: false }, transcripts: { enabled: false } }
rules: { enabled: false }
checks: { probes: [] }
scrape: { jobs: [] }
`;

/**
 * A real headless agent (engine + HTTP on an ephemeral port) on `<dir>/ccmon.yaml`, loaded as
 * `ccmon agent --config` loads it, its data in `<dir>/data`: what config.update tests over HTTP
 * edit and reload. `text` is written to the file first; without it the file is used as it is (a
 * restart on the config an earlier agent saved). The caller stops the agent.
 */
export async function startHeadlessOnFile(
  dir: string,
  text?: string,
): Promise<{ agent: HeadlessAgent; file: string }> {
  const file = join(dir, 'ccmon.yaml');
  if (text !== undefined) await writeFile(file, text);
  const agent = await startHeadless({
    loaded: await loadConfig(file),
    dataDir: join(dir, 'data'),
    logger: silentLogger,
    port: 0,
  });
  return { agent, file };
}
