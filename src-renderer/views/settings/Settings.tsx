/**
 * Settings: targets/checks, scrape targets, backups, schedules and notification channels, edited in the
 * agent's config file (comments kept, previous version as .bak) and applied without a restart.
 * Every problem is shown at its field, from the agent's own schema.
 */
import { useState } from 'react';
import type { ConfigUpdateResult, ConfigView } from '../../../src-main/core/config/contract';
import { useRequest } from '../../api/context';
import { ErrorState, Loading, Unavailable } from '../../components/states';
import { BackupsEditor } from './BackupsEditor';
import { ChecksEditor } from './ChecksEditor';
import { ReceiversEditor } from './ReceiversEditor';
import { SchedulesEditor } from './SchedulesEditor';
import { ScrapeEditor } from './ScrapeEditor';

type Raw = Record<string, unknown>;
const TABS = [
  ['checks', 'Checks'],
  ['scrape', 'Scrape targets'],
  ['backups', 'Backups'],
  ['schedules', 'Schedules'],
  ['notifications', 'Notifications'],
] as const;
type Tab = (typeof TABS)[number][0];

export function Settings() {
  const view = useRequest('config.get', {});
  const [tab, setTab] = useState<Tab>('checks');
  const [saved, setSaved] = useState<ConfigUpdateResult | null>(null);
  if (view.state === 'loading') return <Loading what="the configuration" />;
  if (view.state === 'unavailable')
    return (
      <Unavailable feature="Editing settings" cli="ccmon config validate FILE">
        This agent offers no config requests; edit its file and restart it.
      </Unavailable>
    );
  if (view.state === 'error')
    return <ErrorState what="the configuration" error={view.error} retry={view.reload} />;
  const v: ConfigView = view.value;
  const doc = v.document as Raw;
  const effective = v.effective as Raw;
  const onSaved = (r: ConfigUpdateResult) => {
    setSaved(r);
    view.reload();
  };
  // Keyed by the file's state so a reload after saving starts the forms from what was written.
  const key = JSON.stringify(doc);
  return (
    <>
      <p className="muted" data-testid="config-file">
        {v.file ? (
          <>
            Configuration file <code>{v.file}</code>
            {!v.writable && ' (read-only: changes cannot be saved)'}
          </>
        ) : v.unusedFile ? (
          <>
            This agent was started without a configuration file, so it runs on the built-in
            defaults; an earlier save wrote <code>{v.createAt}</code>, shown here. Saving updates it
            and applies it; start the agent with <code>--config {v.createAt}</code> to keep it.
          </>
        ) : (
          <>
            No configuration file: the built-in defaults are in use. Saving creates{' '}
            <code>{v.createAt}</code>.
          </>
        )}
      </p>
      {saved && (
        <div className="banner banner-ok" role="status" data-testid="settings-saved">
          {saved.message}
          {saved.applied.length > 0 && ` Applied now: ${saved.applied.join(', ')}.`}
        </div>
      )}
      <div role="tablist" aria-label="Settings sections" className="tabs">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              // WAI-ARIA tabs pattern: arrow keys move between tabs.
              const i = TABS.findIndex(([t]) => t === tab);
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              const next = TABS[(i + step + TABS.length) % TABS.length]![0];
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} key={`${tab}-${key}`}>
        {tab === 'checks' && (
          <ChecksEditor
            section={doc.checks as Raw | undefined}
            defaults={((v.defaults.checks as Raw | undefined)?.probes as Raw[]) ?? []}
            onSaved={onSaved}
          />
        )}
        {tab === 'scrape' && (
          <ScrapeEditor
            section={doc.scrape as Raw | undefined}
            defaults={((v.defaults.scrape as Raw | undefined)?.jobs as Raw[]) ?? []}
            onSaved={onSaved}
          />
        )}
        {tab === 'backups' && (
          <BackupsEditor
            document={doc}
            effective={effective}
            defaults={((v.defaults.backup as Raw | undefined)?.sets as Raw[]) ?? []}
            onSaved={onSaved}
          />
        )}
        {tab === 'schedules' && (
          <SchedulesEditor document={doc} effective={effective} onSaved={onSaved} />
        )}
        {tab === 'notifications' && (
          <ReceiversEditor
            section={doc.alerts as Raw | undefined}
            effective={(effective.alerts as Raw).receivers as Raw[]}
            onSaved={onSaved}
          />
        )}
      </div>
    </>
  );
}
