/** The secrets the `alerts` section references (SecretStore keys), checked at start and reload. */
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets/store.js';
import type { AlertsConfig } from './config.js';

/** Say where secrets come from and which referenced ones are missing (at start and on reload). */
export async function checkSecrets(opts: {
  config: AlertsConfig;
  secrets: SecretStore;
  logger: Logger;
}): Promise<void> {
  const names = new Set<string>();
  for (const r of opts.config.receivers) {
    for (const e of r.email) if (e.authPassword) names.add(e.authPassword.secret);
    for (const s of r.slack) names.add(s.apiUrl.secret);
    for (const w of r.webhook) {
      if (typeof w.url !== 'string') names.add(w.url.secret);
      if (w.bearerToken) names.add(w.bearerToken.secret);
    }
  }
  if (names.size === 0) return;
  opts.logger.info(
    `secrets for ${names.size} notification setting(s) come from: ${opts.secrets.describe()}`,
  );
  for (const n of names)
    if ((await opts.secrets.get(n).catch(() => undefined)) === undefined)
      opts.logger.warn(
        `secret '${n}' is referenced by alerts.receivers but not stored; set it with \`ccmon alerts secret set ${n}\``,
      );
}
