// Per SSH host in Settings → Hosts: open a shell on the server, and expose its engine as a local
// socket for other tools, with the copyable `docker context create` / DOCKER_HOST lines.
import { useEffect, useState } from 'react';
import type { Host } from '@contract/index';
import { useApp } from '../../stores/app-store';
import { call, errorText } from '../../transport/client';
import { CopyButton } from '../../components/CopyButton';
import { dockerLines } from './host-tools-text';

export function HostTools({ host }: { host: Host }) {
  const navigate = useApp((a) => a.navigate);
  const [path, setPath] = useState<string | null>(null);
  // On but not listening: the host is reconnecting; the core makes the socket again when it is back.
  const [listening, setListening] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connected = host.state === 'connected';

  // The socket goes with the connection and comes back with it: follow the core's list when the state changes.
  useEffect(() => {
    let live = true;
    call('hosts.forwards', {}).then(
      (list) => {
        if (!live) return;
        const f = list.find((x) => x.hostId === host.id);
        setPath(f?.path ?? null);
        setListening(f?.listening ?? false);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [host.id, host.state]);

  if (host.config?.kind !== 'ssh') return null;
  const toggle = async (on: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('hosts.forwardSocket', { hostId: host.id, enabled: on });
      setPath(r.path ?? null);
      setListening(r.listening ?? false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const lines = path && listening ? dockerLines(host.name, path) : null;
  return (
    <div className="host-tools-wrap">
      <div className="host-tools">
        <button type="button" className="btn btn-sm" disabled={!connected} onClick={() => navigate({ name: 'terminal', hostId: host.id })} title={connected ? 'A login shell on the server' : 'Connect first'}>
          Open shell
        </button>
        <label className="check" title={connected ? undefined : 'Available while connected'}>
          <input type="checkbox" checked={path !== null} disabled={busy || (!connected && path === null)} onChange={(e) => void toggle(e.target.checked)} />
          <span>Local Docker socket</span>
        </label>
      </div>
      {lines && path && (
        <div className="host-forward" data-testid="host-forward">
          <span className="muted">
            Tools on this machine reach {host.name}&apos;s engine at <code className="mono">{path}</code> (only your user can open it; it is removed while WakeDock is disconnected from the server and comes back when it reconnects).
          </span>
          <div className="cmd">
            <code className="mono" data-testid="forward-context">
              {lines.context}
            </code>
            <CopyButton text={lines.context} label="Copy the docker context command" />
          </div>
          <div className="cmd">
            <code className="mono" data-testid="forward-env">
              {lines.env}
            </code>
            <CopyButton text={lines.env} label="Copy the DOCKER_HOST line" />
          </div>
        </div>
      )}
      {path && !listening && (
        <p className="muted" data-testid="host-forward-waiting">
          The local socket is back at <code className="mono">{path}</code> as soon as {host.name} is connected again.
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
