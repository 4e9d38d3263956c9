/**
 * Where ccmon keeps its state and looks for its config. Both shells use these so the tray app and
 * `ccmon agent` share one data folder. CCMON_DATA_DIR / CCMON_CONFIG override (DESIGN: CLI contract).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env = process.env, platform = process.platform): string {
  if (env.CCMON_DATA_DIR) return env.CCMON_DATA_DIR;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ccmon');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ccmon');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'ccmon');
}

/**
 * Where the `ccmon` command keeps what it can rebuild (its compile cache: cli/compile-cache.ts).
 * CCMON_CACHE_DIR overrides; an empty value turns the cache off (null).
 */
export function defaultCacheDir(env = process.env, platform = process.platform): string | null {
  if (env.CCMON_CACHE_DIR !== undefined) return env.CCMON_CACHE_DIR || null;
  const home = homedir();
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'ccmon', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'ccmon');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'ccmon');
}

export function defaultConfigDir(env = process.env, platform = process.platform): string {
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ccmon');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ccmon');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'ccmon');
}

/** The config file to use: explicit flag, then CCMON_CONFIG, then ccmon.yaml in the config dir if present. */
export function resolveConfigFile(flag: string | undefined, env = process.env): string | null {
  if (flag) return flag;
  if (env.CCMON_CONFIG) return env.CCMON_CONFIG;
  const candidate = join(defaultConfigDir(env), 'ccmon.yaml');
  return existsSync(candidate) ? candidate : null;
}
