/**
 * The simulated Claude Code API's request log, one JSON line per request in `<dir>/claude-code/`
 * (`api.log`), with the fields ccmon's log analysis reads by default (`@timestamp`, `level`,
 * `latency` in seconds, `user_id`, `tokens_used`): what filebeat would ship from the seed's
 * /var/log/claude-code. Lines are appended once a second.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord, Traffic } from './traffic.js';

export class RequestLog {
  readonly file: string;
  private lines: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(traffic: Traffic, dir: string) {
    mkdirSync(join(dir, 'claude-code'), { recursive: true });
    this.file = join(dir, 'claude-code', 'api.log');
    this.unsubscribe = traffic.onRequest((r) => this.lines.push(logLine(r, Date.now())));
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  /** Append what has accumulated (the timer does it every second). */
  flush(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    appendFileSync(this.file, text);
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    this.flush();
  }
}

function logLine(r: RequestRecord, t: number): string {
  const failed = r.status >= 500;
  return (
    JSON.stringify({
      '@timestamp': new Date(t).toISOString(),
      level: failed ? 'ERROR' : 'INFO',
      message: `POST ${r.endpoint} ${r.status}${failed ? ': upstream error' : ''}`,
      latency: Math.round(r.latency * 1000) / 1000,
      user_id: r.user,
      tokens_used: r.inputTokens + r.outputTokens,
      model: r.model,
      status: r.status,
    }) + '\n'
  );
}
