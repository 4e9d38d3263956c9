import type { Command } from 'commander';
import { commandContext, UsageError, type GlobalOptions } from '../context.js';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the headless agent: checks, exporter, rules, jobs and the web dashboard')
    .option('--host <host>', 'dashboard bind address (default from config: 127.0.0.1)')
    .option(
      '--port <port>',
      'dashboard port (default from config: 7323; 0 picks a free one)',
      parsePort,
    )
    .action(async (opts: { host?: string; port?: number }, cmd: Command) => {
      const { createLogger } = await import('../../core/log.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const logger = createLogger('agent');
      // The engine loads here, not when the CLI starts: every other command stays ~20 MB lighter.
      const { startHeadless } = await import('../../http/headless.js');
      const headless = await startHeadless({
        loaded: ctx.loaded,
        dataDir: ctx.dataDir,
        logger,
        host: opts.host,
        port: opts.port,
      });
      const { dashboard, token } = headless;
      if (ctx.json) {
        process.stdout.write(
          JSON.stringify({
            url: dashboard.url,
            signInUrl: headless.signInUrl,
            tokenFile: token.file,
            pid: process.pid,
          }) + '\n',
        );
      } else if (token.created) {
        process.stdout.write(`ccmon agent running. Dashboard: ${headless.signInUrl}\n`);
        process.stdout.write(`(the token is shown once; it is stored in ${token.file})\n`);
      } else {
        process.stdout.write(`ccmon agent running. Dashboard: ${dashboard.url}\n`);
        process.stdout.write(`(sign in with the token stored in ${token.file})\n`);
      }
      // SIGHUP reloads the config file, as Prometheus and Alertmanager do; without a handler
      // Node's default for it is to exit.
      const reload = () => {
        headless.agent.reloadConfigFile().then(
          (message) => logger.info(message),
          (err: Error) =>
            logger.error(`config reload failed; the running config is kept: ${err.message}`),
        );
      };
      process.on('SIGHUP', reload);
      await waitForSignal();
      process.off('SIGHUP', reload);
      logger.info('shutting down');
      await headless.stop();
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port: '${value}' is not a port number`);
  return n;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
