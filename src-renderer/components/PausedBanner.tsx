/**
 * Monitoring pause, visible on every view: a banner with Resume while paused (from the tray, the
 * dashboard or a saved pause), and a small Pause control in the top bar otherwise.
 */
import { useEffect, useState } from 'react';
import type { MonitoringState } from '../../src-main/core/monitoring/contract';
import { useApi } from '../api/context';
import { ApiError } from '../api/client';

const CHOICES = [
  ['15m', 'for 15 minutes'],
  ['1h', 'for 1 hour'],
  ['8h', 'for 8 hours'],
  ['', 'until resumed'],
] as const;

function useMonitoring(): [MonitoringState | null, (s: MonitoringState) => void] {
  const api = useApi();
  const [state, setState] = useState<MonitoringState | null>(null);
  useEffect(() => {
    api.request('monitoring.state', {}).then(setState, (e: unknown) => {
      // An agent without the switch simply shows no pause control.
      if (!(e instanceof ApiError && e.unavailable)) setState(null);
    });
  }, [api]);
  useEffect(() => api.subscribe('monitoring', setState), [api]);
  return [state, setState];
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The state, and a way to change it that tracks busy and error for the control. */
function useMonitoringAction() {
  const [state, setState] = useMonitoring();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (run: () => Promise<MonitoringState>) => {
    setBusy(true);
    setError(null);
    try {
      setState(await run());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { state, busy, error, act };
}

/** Under the view list: pause for a while or until resumed (hidden while paused). */
export function PauseControl() {
  const api = useApi();
  const { state, busy, error, act } = useMonitoringAction();
  const [choice, setChoice] = useState<string>('1h');
  if (!state || state.paused) return null;
  return (
    <form
      className="pause-control"
      aria-label="Pause monitoring"
      onSubmit={(e) => {
        e.preventDefault();
        void act(() =>
          api.request('monitoring.pause', {
            ...(choice ? { for: choice } : {}),
            by: 'dashboard',
          }),
        );
      }}
    >
      <label htmlFor="pause-for">Pause monitoring</label>
      <select id="pause-for" value={choice} onChange={(e) => setChoice(e.target.value)}>
        {CHOICES.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy}>
        Pause
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** At the top of every view while paused: since when, until when, by whom, and Resume. */
export function PausedBanner() {
  const api = useApi();
  const { state, busy, error, act } = useMonitoringAction();
  if (!state?.paused) return null;
  return (
    <div className="banner banner-paused" role="status" data-testid="paused-banner">
      <strong>Monitoring is paused</strong> {state.since && <>since {when(state.since)}</>}{' '}
      {state.until ? <>until {when(state.until)}</> : <>until resumed</>}
      {state.by && <> (by {state.by})</>}. No checks, scrapes or alerts run meanwhile.{' '}
      <button
        type="button"
        disabled={busy}
        onClick={() => void act(() => api.request('monitoring.resume', {}))}
      >
        Resume monitoring
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
