/** Log analysis (the seed's 34.3.5): errors, slow requests, anomalies, over local files or Elasticsearch. */
import { useState } from 'react';
import type { LogEntry } from '../../src-main/core/logs/contract';
import { useRequest } from '../api/context';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorState, Loading, Unavailable } from '../components/states';
import { localTime } from '../format';
import { RangePicker } from './RangePicker';

const KINDS = [
  { id: 'errors', label: 'Errors' },
  { id: 'slow', label: 'Slow requests' },
] as const;
type Kind = (typeof KINDS)[number]['id'];
const HOURS = [
  { id: '1', label: '1 h' },
  { id: '24', label: '24 h' },
  { id: '168', label: '7 d' },
] as const;
type Hours = (typeof HOURS)[number]['id'];

export function Logs() {
  const [kind, setKind] = useState<Kind>('errors');
  const [hours, setHours] = useState<Hours>('24');
  const status = useRequest('logs.status', {});
  const anomalies = useRequest('logs.anomalies', {}, [], 60_000);
  const errors = useRequest('logs.errors', { hours: Number(hours), limit: 100 }, [hours], 30_000);
  const slow = useRequest('logs.slow', { hours: Number(hours), limit: 100 }, [hours], 30_000);
  if (status.state === 'unavailable')
    return <Unavailable feature="Log analysis" cli="ccmon logs errors|slow|user|anomalies" />;
  const hits = kind === 'errors' ? errors : slow;
  return (
    <div className="stack">
      {status.state === 'ready' && (
        <p className="muted" data-testid="logs-status">
          {status.value.enabled
            ? `${status.value.backend === 'elasticsearch' ? 'Elasticsearch' : 'Local files'} · services: ${status.value.services.join(', ') || 'none'} · slow means > ${status.value.slowThresholdSeconds} s · last scan ${localTime(status.value.lastScan?.at)}`
            : 'Log analysis is disabled in ccmon.yaml (logs.enabled).'}
        </p>
      )}
      {anomalies.state === 'ready' && (
        <section
          className={`panel ${anomalies.value.anomaly ? 'state-error' : ''}`}
          aria-labelledby="anomaly-title"
        >
          <h2 id="anomaly-title">
            <span
              className={`dot dot-${anomalies.value.anomaly ? 'unhealthy' : 'healthy'}`}
              aria-hidden="true"
            />
            {anomalies.value.anomaly ? 'Anomaly: request rate jumped' : 'No anomaly'}
          </h2>
          <p>
            Last {anomalies.value.windowHours} h: {anomalies.value.current.requests} requests,{' '}
            {anomalies.value.current.ratePerHour.toFixed(0)}/h against{' '}
            {anomalies.value.previous.ratePerHour.toFixed(0)}/h before (alarm above{' '}
            {anomalies.value.thresholdPerHour.toFixed(0)}/h, ×{anomalies.value.factor}).
            {!anomalies.value.baseline &&
              ` No baseline yet: nothing was logged before the last ${2 * anomalies.value.windowHours} h, so an empty hour before means no logs, not a quiet hour; the comparison starts once there is one.`}
          </p>
        </section>
      )}
      {anomalies.state === 'error' && (
        <ErrorState what="the anomaly check" error={anomalies.error} retry={anomalies.reload} />
      )}
      <div className="row">
        <RangePicker<Kind> value={kind} onChange={setKind} ranges={KINDS} label="Show" />
        <RangePicker<Hours>
          value={hours}
          onChange={setHours}
          ranges={HOURS}
          label="Over the last"
        />
      </div>
      {hits.state === 'loading' && <Loading what="log entries" />}
      {hits.state === 'error' && (
        <ErrorState what="log entries" error={hits.error} retry={hits.reload} />
      )}
      {hits.state === 'ready' &&
        (hits.value.hits.length === 0 ? (
          <Empty title={kind === 'errors' ? 'No errors logged.' : 'No slow requests logged.'}>
            {hits.value.scan && hits.value.scan.filesScanned === 0
              ? 'No log files matched the configured paths (see logs in ccmon.yaml).'
              : null}
            {hits.value.scan?.problems.map((p) => (
              <div key={p} className="field-error">
                {p}
              </div>
            ))}
          </Empty>
        ) : (
          <>
            <p className="muted">
              {hits.value.total} matching, newest first
              {hits.value.total > hits.value.hits.length && ` (showing ${hits.value.hits.length})`}
            </p>
            <LogTable entries={hits.value.hits} />
          </>
        ))}
    </div>
  );
}

function LogTable({ entries }: { entries: LogEntry[] }) {
  return (
    <DataTable
      testId="log-entries"
      rows={entries}
      rowKey={(e, i) => `${e.timestamp}-${i}`}
      columns={[
        { header: 'Time', cell: (e) => localTime(e.timestamp) },
        { header: 'Service', cell: (e) => e.service },
        { header: 'Level', cell: (e) => e.level ?? '–' },
        {
          header: 'Latency',
          numeric: true,
          cell: (e) => (e.latencySeconds === null ? '–' : `${e.latencySeconds.toFixed(2)} s`),
        },
        { header: 'User', cell: (e) => e.userId ?? '–' },
        { header: 'Message', cell: (e) => e.message },
      ]}
    />
  );
}
