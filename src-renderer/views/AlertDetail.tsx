/** One alert: labels, annotations, the incident timeline, and silencing it. */
import { useState, type FormEvent } from 'react';
import type { AlertView } from '../../src-main/core/alerts/contract';
import { ApiError } from '../api/client';
import { useApi, useRequest } from '../api/context';
import { Empty, ErrorState, Loading } from '../components/states';
import { localTime } from '../format';

const DURATIONS = ['1h', '4h', '1d', 'until-resolved'] as const;

export function AlertDetail({ alert }: { alert: AlertView }) {
  const api = useApi();
  const timeline = useRequest('alerts.timeline', { fingerprint: alert.fingerprint, limit: 200 }, [
    alert.fingerprint,
    alert.updatedAt,
  ]);
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>('1h');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const silence = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api.request('alerts.snooze', {
        fingerprint: alert.fingerprint,
        for: duration,
        createdBy: 'ccmon dashboard',
      });
      setResult(`Silenced (silence ${r.id}).`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel stack" aria-labelledby="alert-title" data-testid="alert-detail">
      <h2 id="alert-title" className="long-text">
        {alert.labels.alertname} <span className={`badge badge-${alert.state}`}>{alert.state}</span>
      </h2>
      <p className="long-text">{alert.annotations.description ?? alert.annotations.summary}</p>
      <div className="labels">
        {Object.entries(alert.labels).map(([k, v]) => (
          <code key={k}>
            {k}={v}
          </code>
        ))}
      </div>
      <p className="muted">
        Since {localTime(alert.startsAt)}
        {alert.endsAt && ` · resolved ${localTime(alert.endsAt)}`} · source {alert.source}
      </p>
      {alert.state !== 'resolved' && (
        <form onSubmit={silence} className="row">
          <label htmlFor="silence-for">Silence for</label>
          <select
            id="silence-for"
            value={duration}
            onChange={(e) => setDuration(e.target.value as (typeof DURATIONS)[number])}
          >
            {DURATIONS.map((d) => (
              <option key={d} value={d}>
                {d === 'until-resolved' ? 'until resolved' : d}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            {busy ? 'Silencing…' : 'Silence'}
          </button>
          {result && <span role="status">{result}</span>}
          {error && (
            <span role="alert" className="field-error">
              {error}
            </span>
          )}
        </form>
      )}
      <h3>Incident timeline</h3>
      {timeline.state === 'loading' && <Loading what="the timeline" />}
      {timeline.state === 'error' && (
        <ErrorState what="the timeline" error={timeline.error} retry={timeline.reload} />
      )}
      {timeline.state === 'ready' &&
        (timeline.value.length === 0 ? (
          <Empty title="No events recorded for this alert yet." />
        ) : (
          <ol className="timeline" data-testid="timeline">
            {timeline.value.map((ev, i) => (
              <li key={`${ev.t}-${i}`}>
                <strong>{ev.kind}</strong> <span className="muted">{localTime(ev.t)}</span>
                {ev.detail && <div>{ev.detail}</div>}
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
