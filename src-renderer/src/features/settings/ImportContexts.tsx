// "Import from Docker contexts": the user's ssh:// and tcp:// Docker contexts (and DOCKER_HOST=ssh://),
// each added as a host with one click; and the notice for a local engine pointed at ssh:// (which
// WakeDock reaches as a host), with a button that adds it.
import { useCallback, useEffect, useState } from 'react';
import type { DockerContext } from '@contract/procedures/host-tools';
import type { Host } from '@contract/index';
import { importConfig } from './import-config';
import { useApp } from '../../stores/app-store';
import { call, errorText } from '../../transport/client';

function useContexts(): { list: DockerContext[] | null; error: string | null; reload(): void } {
  const [list, setList] = useState<DockerContext[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    call('hosts.importContexts', {}).then(
      (l) => (setList(l), setError(null)),
      (e: unknown) => (setList([]), setError(errorText(e))),
    );
  }, []);
  // Again whenever the host list changes (an import, a removal: alreadyAdded follows).
  const hostCount = useApp((a) => a.hosts.length);
  useEffect(reload, [reload, hostCount]);
  return { list, error, reload };
}

function ContextRow({ c, onAdded }: { c: DockerContext; onAdded(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await call('hosts.add', { name: c.hostName, config: importConfig(c) });
      onAdded();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="ctx-row" data-testid="context-row" aria-label={c.name}>
      <div className="ctx-row-main">
        <span className="host-name">{c.name}</span>
        {c.current && <span className="badge-soft">{c.source === 'DOCKER_HOST' ? 'environment' : 'current'}</span>}
        <span className="mono muted">
          {c.url}
          {c.tls ? ' (TLS)' : ''}
        </span>
        {c.description && <span className="muted small">{c.description}</span>}
        <span className="hosts-row-actions">
          {c.alreadyAdded ? (
            <span className="muted small">added</span>
          ) : (
            <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void add()}>
              {busy ? 'Adding…' : `Add ${c.kind === 'ssh' ? 'SSH' : 'TCP'} host`}
            </button>
          )}
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function ImportContexts() {
  const { list, error, reload } = useContexts();
  if (list === null) return null;
  return (
    <section className="hosts-import" aria-labelledby="ctx-h">
      <h3 id="ctx-h">Import from Docker contexts</h3>
      {list.length === 0 ? (
        <p className="muted small">No Docker context with an ssh:// or tcp:// endpoint (docker context ls) and no DOCKER_HOST=ssh://.</p>
      ) : (
        <>
          <p className="muted small">Your Docker CLI&apos;s contexts with ssh:// or tcp:// endpoints. Each is added as a host with one click (tcp with the context&apos;s TLS files; ssh logs in with your agent or default keys — edit the host afterwards for a password or another key).</p>
          <ul className="hosts-list" aria-label="Docker contexts">
            {list.map((c) => (
              <ContextRow key={`${c.source}:${c.name}`} c={c} onAdded={reload} />
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * The local engine was pointed at ssh:// (DOCKER_HOST or the current Docker context): it cannot be
 * the local engine, so offer to add it as an SSH host (or say which host already reaches it).
 */
export function SshEngineNotice({ local, hosts }: { local: Host | undefined; hosts: Host[] }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!local || !local.endpoint.url.startsWith('ssh://')) return null;
  const url = local.endpoint.url.replace(/\/+$/, '');
  const existing = hosts.find((h) => h.config?.kind === 'ssh' && h.config.url?.replace(/\/+$/, '').toLowerCase() === url.toLowerCase());
  const from = local.endpoint.source === 'DOCKER_HOST' ? 'DOCKER_HOST' : local.endpoint.source === 'context' ? (local.endpoint.detail ?? 'the current Docker context') : 'Settings';
  const add = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const name = /^ssh:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(url)?.[1] ?? 'SSH host';
      await call('hosts.add', { name: name.slice(0, 64), config: importConfig({ kind: 'ssh', url }) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="notice notice-info" role="note" data-testid="ssh-engine-notice">
      <p>
        <strong className="mono">{url}</strong> ({from}) is an SSH engine. WakeDock reaches SSH engines as hosts, each over its own SSH connection, next to the local engine.
      </p>
      {existing ? (
        <p className="muted small">It is added as the host “{existing.name}”.</p>
      ) : (
        <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void add()}>
          {busy ? 'Adding…' : 'Add it as an SSH host'}
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
