import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError, type GlobalOptions } from '../context.js';

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      "run the seed's deployment on loopback (Claude Code API, LiteLLM-like gateway, dev containers)",
    )
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--api-port <port>', 'Claude Code API port', toPort, 8080)
    .option('--gateway-port <port>', 'LLM gateway port', toPort, 4000)
    .option('--containers-port <port>', 'dev-containers metrics port', toPort, 9323)
    .option(
      '--control-port <port>',
      'control endpoint (POST /faults, POST /restart, GET /state)',
      toPort,
      8099,
    )
    .option(
      '--faults <spec>',
      'e.g. "api/health=slow:3s,gateway=down,api/sandbox/status=garbage"',
      '',
    )
    .option('--rate <n>', 'mean API requests per second', Number, 4)
    .option('--seed <n>', 'random seed', Number, 42)
    .option(
      '--otlp <url>',
      "send the simulated users' Claude Code telemetry (OTLP/HTTP JSON) to this endpoint, e.g. http://127.0.0.1:4318",
    )
    .option('--logs <dir>', "write the API's request log (JSON lines) to DIR/claude-code/api.log")
    .action(async (opts: SimulateOptions, cmd: Command) => {
      const { FaultSpecError, parseFaultSpec, startSimulation } =
        await import('../../simulator/index.js');
      try {
        parseFaultSpec(opts.faults);
      } catch (err) {
        if (err instanceof FaultSpecError) throw new UsageError(err.message);
        throw err;
      }
      const sim = await startSimulation({
        host: opts.host,
        apiPort: opts.apiPort,
        gatewayPort: opts.gatewayPort,
        containersPort: opts.containersPort,
        controlPort: opts.controlPort,
        faults: opts.faults,
        requestRate: opts.rate,
        seed: opts.seed,
        otlp: opts.otlp
          ? {
              url: otlpUrl(opts.otlp),
              onHealth: (error) =>
                process.stderr.write(
                  error
                    ? `simulate: telemetry to ${opts.otlp} failed (${error}); what it missed is dropped, next try in 5 s\n`
                    : `simulate: telemetry to ${opts.otlp} delivered again\n`,
                ),
            }
          : null,
        logsDir: opts.logs ? resolve(opts.logs) : null,
      });
      const out = { ...sim.urls, faults: opts.faults || 'none' };
      if (cmd.optsWithGlobals<GlobalOptions>().json)
        process.stdout.write(JSON.stringify(out) + '\n');
      else {
        process.stdout.write(
          `simulating: Claude Code API ${sim.urls.api}, LLM gateway ${sim.urls.gateway}` +
            `${sim.urls.containers ? `, dev containers ${sim.urls.containers}` : ''}\n` +
            `control: ${sim.urls.control ?? 'off'}; faults: ${out.faults}` +
            `${opts.otlp ? `; telemetry to ${opts.otlp}` : ''}` +
            `${sim.requestLog ? `; request log ${sim.requestLog.file}` : ''}. Ctrl-C stops.\n`,
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.stop();
    });
}

interface SimulateOptions {
  host: string;
  apiPort: number;
  gatewayPort: number;
  containersPort: number;
  controlPort: number;
  faults: string;
  rate: number;
  seed: number;
  otlp?: string;
  logs?: string;
}

/** An http(s) URL, or bad usage naming the flag. */
function otlpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--otlp: '${value}' is not a URL (e.g. http://127.0.0.1:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--otlp: '${value}' is not an http(s) URL`);
  return url.href;
}

function toPort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`'${value}' is not a port number`);
  return n;
}
