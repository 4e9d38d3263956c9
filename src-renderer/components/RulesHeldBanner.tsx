/**
 * Rule evaluation held after the system clock was set back (core/rules/clock-hold.ts): shown like
 * the monitoring pause, since meanwhile no alert fires or resolves and an admin looking at a quiet
 * Alerts view must know why. The hold comes with the status snapshot (status.get, `status` event).
 */
import { useEffect, useState } from 'react';
import type { RulesHold, StatusSnapshot } from '../../src-main/core/system/contract';
import { useApi } from '../api/context';

/** The current hold, or null: status.get once, then every `status` event. */
export function useRulesHold(): RulesHold | null {
  const api = useApi();
  const [hold, setHold] = useState<RulesHold | null>(null);
  useEffect(() => {
    let live = true;
    const apply = (s: StatusSnapshot) => {
      if (live) setHold(s.rulesHeld ?? null);
    };
    api.request('status.get', {}).then(apply, () => undefined);
    const unsubscribe = api.subscribe('status', apply);
    return () => {
      live = false;
      unsubscribe();
    };
  }, [api]);
  return hold;
}

/** The time of day; with the date when the hold ends on another day (a clock days ahead, corrected). */
function clockTime(iso: string): string {
  const d = new Date(iso);
  if (d.toDateString() !== new Date().toDateString())
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "until 14:03:20": a hold usually lasts as long as the clock step, minutes at most. */
export function HeldUntil({ hold }: { hold: RulesHold }) {
  return (
    <>
      until <time dateTime={hold.until}>{clockTime(hold.until)}</time>
    </>
  );
}

/** At the top of every view while rule evaluation is held. */
export function RulesHeldBanner() {
  const hold = useRulesHold();
  if (!hold) return null;
  return (
    <div className="banner banner-held" role="status" data-testid="rules-held-banner">
      <strong>Alert rules are on hold</strong> <HeldUntil hold={hold} />: {hold.reason}.
    </div>
  );
}
