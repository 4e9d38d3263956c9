/**
 * `ccmon alerts …`: the running agent's alerts, silences, incident timeline and deliveries (over
 * its HTTP API, like amtool talks to Alertmanager), and `ccmon alerts secret set NAME`, which puts
 * a password or webhook URL into the secret store the config refers to.
 */
import type { Command } from 'commander';
import type { AgentClient } from '../agent-client.js';
import {
  commandContext,
  EXIT_FAILED,
  message,
  printJson,
  UsageError,
  type CommandContext,
  type GlobalOptions,
} from '../context.js';

const STATES = ['firing', 'silenced', 'inhibited', 'resolved'] as const;

async function withAgent<T>(
  cmd: Command,
  fn: (c: AgentClient, ctx: CommandContext) => Promise<T>,
): Promise<void> {
  const { AgentUnreachableError, connectToAgent } = await import('../agent-client.js');
  const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
  try {
    await fn(await connectToAgent(ctx), ctx);
  } catch (err) {
    if (err instanceof AgentUnreachableError) {
      message(err.message);
      process.exitCode = EXIT_FAILED;
      return;
    }
    // The agent refused the request (bad matcher, unknown silence): the user's input.
    if (!(err instanceof UsageError)) throw new UsageError((err as Error).message);
    throw err;
  }
}

function toMap(pairs: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} '${p}': expected name=value`);
    out[p.slice(0, i)] = p.slice(i + 1).replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description("the agent's alerts, silences, incident timeline and notification deliveries");

  alerts
    .command('list', { isDefault: true })
    .description('alerts now: firing, silenced, inhibited and recently resolved')
    .option('--state <states>', `comma-separated: ${STATES.join(',')}`)
    .action(async (opts: { state?: string }, cmd: Command) => {
      const state = opts.state?.split(',').map((s) => s.trim());
      for (const s of state ?? [])
        if (!(STATES as readonly string[]).includes(s))
          throw new UsageError(`--state: '${s}' is not one of ${STATES.join(', ')}`);
      await withAgent(cmd, async (c, ctx) => {
        const list = await c.request(
          'alerts.list',
          state ? { state: state as (typeof STATES)[number][] } : {},
        );
        if (ctx.json) return printJson(list);
        if (!list.length) return message('no alerts');
        process.stdout.write(
          table([
            ['STATE', 'ALERTNAME', 'SEVERITY', 'SINCE', 'SOURCE', 'FINGERPRINT', 'SUMMARY'],
            ...list.map((a) => [
              a.state,
              a.labels.alertname ?? '',
              a.labels.severity ?? '',
              a.startsAt.replace(/\.\d+Z$/, 'Z'),
              a.source,
              a.fingerprint,
              a.annotations.summary ?? '',
            ]),
          ]),
        );
      });
    });

  alerts
    .command('add <labels...>')
    .description(
      'post an alert to the agent, like `amtool alert add` (e.g. alertname=Test severity=critical)',
    )
    .option('--annotation <k=v...>', 'annotations', [])
    .option('--end <time>', 'endsAt (RFC 3339); a past time resolves the alert')
    .action(async (pairs: string[], opts: { annotation: string[]; end?: string }, cmd: Command) => {
      const labels = toMap(pairs, 'label');
      const annotations = toMap(opts.annotation, '--annotation');
      await withAgent(cmd, async (c, ctx) => {
        const r = await c.request('alerts.post', {
          alerts: [{ labels, annotations, ...(opts.end ? { endsAt: opts.end } : {}) }],
        });
        if (ctx.json) printJson(r);
        else message(`accepted ${r.accepted}`);
      });
    });

  alerts
    .command('silence <matchers...>')
    .description(
      'silence alerts matching all matchers, e.g. alertname=HighAPILatency \'job=~"api.*"\'',
    )
    .option('--for <duration>', 'how long (Prometheus duration)', '1h')
    .option('--until <time>', 'end time (RFC 3339) instead of --for')
    .option('--comment <text>', 'why', '')
    .option('--author <name>', 'who', process.env.USER ?? 'ccmon cli')
    .option('--target <alertmanager>', 'create it in a pulled Alertmanager (alerts.pullFrom name)')
    .action(
      async (
        matchers: string[],
        opts: { for: string; until?: string; comment: string; author: string; target?: string },
        cmd: Command,
      ) => {
        await withAgent(cmd, async (c, ctx) => {
          const r = await c.request('silences.create', {
            matchers,
            ...(opts.until ? { endsAt: opts.until } : { duration: opts.for }),
            comment: opts.comment,
            createdBy: opts.author,
            ...(opts.target ? { target: opts.target } : {}),
          });
          if (ctx.json) printJson(r);
          else process.stdout.write(`${r.id}\n`);
        });
      },
    );

  alerts
    .command('silences')
    .description('silences here and in pulled Alertmanagers')
    .action(async (_opts: unknown, cmd: Command) => {
      await withAgent(cmd, async (c, ctx) => {
        const list = await c.request('silences.list', {});
        if (ctx.json) return printJson(list);
        if (!list.length) return message('no silences');
        process.stdout.write(
          table([
            ['ID', 'STATE', 'ENDS', 'SOURCE', 'CREATED BY', 'MATCHERS', 'COMMENT'],
            ...list.map((s) => [
              s.id,
              s.state,
              s.endsAt.replace(/\.\d+Z$/, 'Z'),
              s.source,
              s.createdBy,
              s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(','),
              s.comment,
            ]),
          ]),
        );
      });
    });

  alerts
    .command('expire <id>')
    .description('end a silence now')
    .option('--target <alertmanager>', 'the silence is in this pulled Alertmanager')
    .action(async (id: string, opts: { target?: string }, cmd: Command) => {
      await withAgent(cmd, async (c) => {
        await c.request('silences.expire', { id, ...(opts.target ? { target: opts.target } : {}) });
        message(`expired ${id}`);
      });
    });

  alerts
    .command('timeline')
    .description('the incident timeline, newest first')
    .option('--fingerprint <fp>', 'one alert')
    .option('--alertname <name>', 'one alert rule')
    .option('--limit <n>', 'at most this many events', (v) => Number(v), 50)
    .action(
      async (opts: { fingerprint?: string; alertname?: string; limit: number }, cmd: Command) => {
        if (!Number.isInteger(opts.limit) || opts.limit < 1)
          throw new UsageError('--limit: a positive integer');
        await withAgent(cmd, async (c, ctx) => {
          const events = await c.request('alerts.timeline', { ...opts });
          if (ctx.json) return printJson(events);
          for (const e of events)
            process.stdout.write(
              `${e.t}  ${e.kind.padEnd(15)} ${e.alertname ?? ''} ${e.detail ?? ''}\n`,
            );
        });
      },
    );

  alerts
    .command('deliveries')
    .description('notifications waiting or failed in the outbox, and the latest deliveries')
    .action(async (_opts: unknown, cmd: Command) => {
      await withAgent(cmd, async (c, ctx) => {
        const d = await c.request('alerts.deliveries', {});
        if (ctx.json) return printJson(d);
        process.stdout.write(`outbox: ${d.outbox.length} waiting or failed\n`);
        for (const e of d.outbox)
          process.stdout.write(
            `  ${e.state.padEnd(7)} ${e.sink} attempts=${e.attempts} next=${e.nextAttemptAt} ${e.lastError ?? ''}\n`,
          );
        process.stdout.write('recent:\n');
        for (const r of d.recent.slice(0, 20))
          process.stdout.write(
            `  ${r.at} ${r.ok ? 'ok    ' : 'FAILED'} ${r.sink} ${r.status} (${r.alerts}) ${r.error ?? ''}\n`,
          );
        if (d.outbox.some((e) => e.state === 'failed')) process.exitCode = EXIT_FAILED;
      });
    });

  const secret = alerts
    .command('secret')
    .description('passwords, tokens and webhook URLs the config refers to as { secret: NAME }');
  secret
    .command('set <name>')
    .description(
      'store a secret, read from stdin (never from the command line, where ps could see it)',
    )
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const { checkSecretName } = await import('../../core/secrets/store.js');
      const { defaultSecretStore } = await import('../../core/secrets/secret-service.js');
      const { createLogger } = await import('../../core/log.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      try {
        checkSecretName(name);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (process.stdin.isTTY) message(`value for ${name} (end with Ctrl-D):`);
      let value = '';
      for await (const chunk of process.stdin) value += chunk;
      value = value.replace(/\r?\n$/, '');
      if (!value) throw new UsageError('no value on stdin');
      const store = defaultSecretStore(ctx.dataDir, createLogger('secrets'));
      await store.set(name, value);
      message(`stored ${name} in ${store.describe()}`);
    });
  secret
    .command('list')
    .description('the names of the stored secrets (never their values)')
    .action(async (_opts: unknown, cmd: Command) => {
      const { defaultSecretStore } = await import('../../core/secrets/secret-service.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const names = await defaultSecretStore(ctx.dataDir).list();
      if (ctx.json) printJson(names);
      else for (const n of names) process.stdout.write(`${n}\n`);
    });
  secret.command('delete <name>').action(async (name: string, _opts: unknown, cmd: Command) => {
    const { defaultSecretStore } = await import('../../core/secrets/secret-service.js');
    const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
    if (!(await defaultSecretStore(ctx.dataDir).delete(name)))
      throw new UsageError(`no secret named ${name}`);
    message(`deleted ${name}`);
  });
}
