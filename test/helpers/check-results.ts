/**
 * Check results as the check scheduler stores them, for tests of what is computed from them (the
 * overall status, the status snapshot) without running a probe.
 */
import type { CheckResult } from '../../src-main/core/checks/types.js';
import type { CheckRef } from '../../src-main/core/system/overall.js';

const INTERVAL_MS = 10_000;

/** A configured, enabled check run every 10 s, as `checks.configured()` lists it. */
export function checkRef(name: string): CheckRef {
  return { name, enabled: true, interval: INTERVAL_MS, timeout: 5000 };
}

/** A healthy http check result stamped `at` (epoch ms), no failures in a row. */
export function healthyCheckResult(name: string, at: number): CheckResult {
  return {
    name,
    type: 'http',
    status: 'healthy',
    message: 'ok',
    details: 'ok',
    latencyMs: 1,
    at: new Date(at).toISOString(),
    consecutiveFailures: 0,
    intervalMs: INTERVAL_MS,
    values: {},
  };
}
