/**
 * Settings › Backups › Encryption: whether new backups are encrypted (backup.encryption.enabled,
 * saved to the config file) and the passphrase, kept in the agent's secret store (the OS keychain
 * in the tray app), never in the file and never shown again. Typed twice: a typo would make every
 * later backup unrestorable (restic init, gpg -c ask twice for the same reason).
 */
import { useState, type FormEvent } from 'react';
import type { PassphraseStatus } from '../../../src-main/core/backup/contract';
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract';
import { useApi, useRequest } from '../../api/context';
import { SectionForm, unclaimed, IssueList, useSectionEditor } from './fields';
import { text, type Raw } from './list-editor';

interface Props {
  document: Raw;
  effective: Raw;
  onSaved(r: ConfigUpdateResult): void;
}

function whereFrom(s: PassphraseStatus): string {
  if (s.from === 'env')
    return `Passphrase: from ${s.envName} in the agent's environment (it wins over a kept one).`;
  if (s.from === 'store') return `Passphrase: kept in ${s.store}.`;
  return 'No passphrase set.';
}

export function BackupEncryption({ document, effective, onSaved }: Props) {
  const status = useRequest('backup.passphrase', {});
  const section = (document.backup as Raw | undefined) ?? {};
  const live = (effective.backup as Raw).encryption as Raw;
  const written = section.encryption as Raw | undefined;
  const editor = useSectionEditor<boolean>(
    'backup',
    Boolean((written ?? live).enabled),
    (enabled) => ({ ...section, encryption: { ...(written ?? {}), enabled } }),
    (r) => {
      status.reload();
      onSaved(r);
    },
  );
  const known = status.state === 'ready' ? status.value : null;
  return (
    <>
      <SectionForm editor={editor as never} labelledBy="settings-backup-encryption">
        <h2 id="settings-backup-encryption">Encryption</h2>
        <p className="muted">
          AES-256-GCM with a key from the passphrase (scrypt). File names are encrypted too. Without
          the passphrase an encrypted backup cannot be restored by anyone, ccmon included.
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={editor.draft}
            onChange={(e) => editor.setDraft(() => e.target.checked)}
          />{' '}
          Encrypt new backups
        </label>
        {editor.draft && known?.from === null && (
          <p className="field-error" role="alert">
            Set a passphrase below first: an encrypted backup without one fails.
          </p>
        )}
        <IssueList items={unclaimed(editor.issues, 'backup.encryption', new Set())} />
      </SectionForm>
      {known && (
        <p className="muted" data-testid="passphrase-status">
          {whereFrom(known)}
        </p>
      )}
      {status.state === 'unavailable' && (
        <p className="muted">
          This agent cannot keep a passphrase; set {text(live.passphraseEnv)} in its environment.
        </p>
      )}
      {status.state !== 'unavailable' && (
        <PassphraseForm replacing={known?.from === 'store'} onKept={() => status.reload()} />
      )}
    </>
  );
}

function PassphraseForm({ replacing, onKept }: { replacing: boolean; onKept(): void }) {
  const api = useApi();
  const [first, setFirst] = useState('');
  const [again, setAgain] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (first === '') return setResult({ ok: false, text: 'Type a passphrase.' });
    if (first !== again)
      return setResult({ ok: false, text: 'The two passphrases differ; nothing was kept.' });
    setSaving(true);
    try {
      const s = await api.request('backup.setPassphrase', { passphrase: first });
      setFirst('');
      setAgain('');
      setResult({
        ok: true,
        text:
          `Kept in ${s.store}; used from the next backup.` +
          (replacing
            ? ' Backups made before keep their old passphrase: keep it to restore them.'
            : '') +
          (s.from === 'env'
            ? ` ${s.envName} is set in the agent's environment and still wins.`
            : ''),
      });
      onKept();
    } catch (err) {
      setResult({ ok: false, text: `Not kept: ${(err as Error).message}` });
    } finally {
      setSaving(false);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="settings-backup-passphrase" noValidate>
      <h3 id="settings-backup-passphrase">
        {replacing ? 'Change the passphrase' : 'Set a passphrase'}
      </h3>
      <div className="settings-row">
        <NewSecret id="backup-passphrase" label="Passphrase" value={first} onChange={setFirst} />
        <NewSecret id="backup-passphrase-again" label="Again" value={again} onChange={setAgain} />
      </div>
      <div className="save-bar">
        <button type="submit" disabled={saving || first === ''}>
          {saving ? 'Keeping…' : 'Keep passphrase'}
        </button>
        {result && (
          <span
            role={result.ok ? 'status' : 'alert'}
            className={result.ok ? 'save-ok' : 'field-error'}
            data-testid="passphrase-result"
          >
            {result.text}
          </span>
        )}
      </div>
    </form>
  );
}

/** A password field for a new secret (never filled in by the browser's saved logins). */
function NewSecret(p: { id: string; label: string; value: string; onChange(v: string): void }) {
  return (
    <div className="field">
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="password"
        autoComplete="new-password"
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
      />
    </div>
  );
}
