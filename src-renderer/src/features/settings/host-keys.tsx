// Host-key decisions in OpenSSH's own words: an unknown key shows its SHA256 fingerprint and may be
// trusted once (hosts.trustHostKey, then the caller retests or reconnects); a changed key is refused
// with OpenSSH's warning and the ssh-keygen -R hint, and there is no button to accept it.
import { useState } from 'react';
import type { HostKeyInfo } from '@contract/index';
import { call, errorText } from '../../transport/client';
import { Dialog } from '../../components/Dialog';
import { changedKeyText, keyTypeLabel, removeKeyCommand, unknownKeyText } from './host-key-text';

/** The refusal for a changed key: no accept button, only how to remove the old entry. */
export function ChangedKeyWarning({ hostKey }: { hostKey: HostKeyInfo }) {
  return (
    <div className="hostkey-changed" role="alert" data-testid="hostkey-changed">
      <p className="state-bad">
        <strong>WakeDock refused to connect{hostKey.hop ? ` through the jump host ${hostKey.hop}` : ''}: the server&apos;s host key has changed.</strong> Nothing was sent to it.
      </p>
      <pre className="hostkey-text mono">{changedKeyText(hostKey)}</pre>
      <p className="muted small">
        If you know why the key changed (the server was reinstalled), remove the old entry and connect again:{' '}
        <code className="mono" data-testid="hostkey-remove-hint">
          {removeKeyCommand(hostKey)}
        </code>{' '}
        (for ~/.ssh/known_hosts; with <code className="mono">-f</code> and WakeDock&apos;s known_hosts file in its data dir if WakeDock remembered it).
      </p>
    </div>
  );
}

/**
 * The unknown-key question. "Trust this key" remembers it in WakeDock's own known_hosts (the core
 * only accepts a key it saw itself on a recent attempt) and then calls onTrusted (retest/reconnect).
 */
export function HostKeyDialog(props: { hostKey: HostKeyInfo; onTrusted(): void; onClose(): void }) {
  const k = props.hostKey;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trust = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await call('hosts.trustHostKey', { host: k.host, port: k.port, keyType: k.keyType, fingerprint: k.fingerprint });
      props.onTrusted();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Unknown host key${k.hop ? ` (jump host ${k.hop})` : ''}`} onClose={props.onClose}>
      <div className="dialog-body" data-testid="hostkey-dialog">
        <pre className="hostkey-text mono">{unknownKeyText(k)}</pre>
        <p className="hostkey-fingerprint">
          <span className="muted">{keyTypeLabel(k.keyType)} fingerprint</span>
          <code className="mono" data-testid="hostkey-fingerprint">
            {k.fingerprint}
          </code>
        </p>
        <p>
          Compare it with the server&apos;s own (<code className="mono">ssh-keygen -lf /etc/ssh/ssh_host_{keyTypeLabel(k.keyType).toLowerCase()}_key.pub</code> on the server). Trusting
          it remembers it in WakeDock&apos;s known_hosts file; your ~/.ssh/known_hosts is not changed.
        </p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void trust()} autoFocus>
          {busy ? 'Trusting…' : 'Trust this key and connect'}
        </button>
      </div>
    </Dialog>
  );
}
