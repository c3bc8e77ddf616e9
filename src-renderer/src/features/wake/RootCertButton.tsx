// HTTPS for service hostnames: where it is served, whether ACME is on, and the root certificate of
// Caddy's local CA as a download (import it into the browser or the system to trust the .localhost
// certificates; WakeDock never installs it itself, so there is no password prompt).
import { useState } from 'react';
import type { WakeProxyStatus } from '@contract/wake-service';
import { call, errorText } from '../../transport/client';

export function RootCertButton({ proxy }: { proxy: WakeProxyStatus }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!proxy.https || proxy.caddy === 'disabled') return null;
  const download = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const { pem } = await call('wake.rootCertificate', {});
      const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'wakedock-local-ca.crt';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="wake-https" data-testid="wake-https">
      <span className="muted">
        and <span className="mono">{proxy.https}</span> ({proxy.acme ? 'public names: ACME' : 'local CA'})
      </span>
      <button type="button" className="btn btn-sm" onClick={() => void download()} disabled={busy || proxy.caddy !== 'running'} data-testid="wake-root-cert">
        {busy ? 'Exporting…' : 'Download root certificate'}
      </button>
      {error && <span className="wake-proxy-msg" role="alert">{error}</span>}
    </span>
  );
}
