// The inspect tab: overview, health, environment (secret-looking values arrive masked from main and
// are fetched one by one on Reveal), mounts, ports, networks, labels, limits, and the raw JSON.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ContainerSummary } from '@contract/index';
import type { EnvEntry, InspectView } from '@contract/procedures/inspect';
import { call, errorText } from '../../transport/client';
import { useContainers } from '../../stores/containers-store';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatWhen } from './inspect-presenter';
import './inspect.css';

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className="card insp-section" aria-label={title}>
      <h3>
        {title}
        {count !== undefined && <span className="muted small"> ({count})</span>}
      </h3>
      {children}
    </section>
  );
}

function Row({ k, children }: { k: string; children: ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </>
  );
}

function EnvRow({ e, value, onReveal, onHide, busy }: { e: EnvEntry; value: string | undefined; onReveal(): void; onHide(): void; busy: boolean }) {
  const shown = e.masked ? value : e.value;
  return (
    <tr>
      <th scope="row" className="mono">
        {e.name}
      </th>
      <td className="mono insp-value">
        {shown !== undefined ? shown : <span className="insp-masked" title="Hidden: the value looks like a secret">{e.preview ?? '••••••••'}</span>}
      </td>
      <td className="insp-actions">
        {e.masked &&
          (value === undefined ? (
            <button type="button" className="btn btn-sm" aria-label={`Reveal ${e.name}`} disabled={busy} onClick={onReveal}>
              Reveal
            </button>
          ) : (
            <button type="button" className="btn btn-sm btn-ghost" aria-label={`Hide ${e.name}`} onClick={onHide}>
              Hide
            </button>
          ))}
        {shown !== undefined && <CopyButton text={shown} label={`Copy ${e.name}`} />}
      </td>
    </tr>
  );
}

export function InspectTab({ container }: { container: ContainerSummary }) {
  // Keyed by id: revealed values belong to one container and go when another is shown.
  return <InspectBody key={container.id} container={container} />;
}

function InspectBody({ container }: { container: ContainerSummary }) {
  const [view, setView] = useState<InspectView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [rawRevealed, setRawRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { id } = container;
  const hostId = useContainers((s) => s.hostId);

  // Refetch when the container changes state (status text covers start, stop, health…).
  useEffect(() => {
    let live = true;
    call('containers.inspect', { hostId, id })
      .then((v) => {
        if (!live) return;
        setView(v);
        setError(null);
      })
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [hostId, id, container.status, container.state]);

  const reveal = useCallback(
    async (name: string) => {
      setBusy(name);
      try {
        const r = await call('containers.revealEnv', { hostId, id, name });
        setRevealed((m) => ({ ...m, [name]: r.env[0]?.value ?? '' }));
      } catch (e) {
        setError(errorText(e));
      } finally {
        setBusy(null);
      }
    },
    [hostId, id],
  );

  const revealAll = useCallback(async () => {
    setBusy('*');
    try {
      const r = await call('containers.revealEnv', { hostId, id, all: true });
      setRevealed(Object.fromEntries(r.env.map((e) => [e.name, e.value])));
      setRawRevealed(r.raw ?? null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }, [hostId, id]);

  if (!view) return <div className="empty muted">{error ? <span role="alert">Could not inspect: {error}</span> : 'Loading…'}</div>;
  const o = view.overview;
  const r = view.resources;
  const masked = view.env.filter((e) => e.masked);
  const raw = rawRevealed ?? view.raw;

  return (
    <div className="insp" data-testid="inspect">
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <Section title="Overview">
        <dl className="kv insp-kv">
          <Row k="Image">
            <span className="mono">{o.image}</span> <span className="muted small mono">{o.imageId.replace(/^sha256:/, '').slice(0, 12)}</span>
          </Row>
          <Row k="Command">
            <span className="mono">{o.command.join(' ') || '—'}</span>
          </Row>
          <Row k="Entrypoint">
            <span className="mono">{o.entrypoint.join(' ') || '—'}</span>
          </Row>
          <Row k="State">
            <span data-testid="inspect-state">
              {o.status}
              {!o.running && o.finishedAt && ` · exit code ${o.exitCode}`}
              {o.oomKilled && <strong className="insp-bad"> · killed: out of memory</strong>}
              {o.error && <span className="insp-bad"> · {o.error}</span>}
            </span>
          </Row>
          <Row k="Created">{formatWhen(o.created)}</Row>
          <Row k="Started">{formatWhen(o.startedAt)}</Row>
          <Row k="Finished">{formatWhen(o.finishedAt)}</Row>
          <Row k="Restart policy">
            {o.restartPolicy}
            {o.restartCount > 0 && <span className="muted"> · restarted {o.restartCount}×</span>}
          </Row>
          {o.workingDir && <Row k="Working dir">{<span className="mono">{o.workingDir}</span>}</Row>}
          {o.user && <Row k="User">{<span className="mono">{o.user}</span>}</Row>}
          <Row k="Id">
            <span className="mono small">{view.id}</span> <CopyButton text={view.id} label="Copy container id" />
          </Row>
        </dl>
      </Section>

      {view.health && (
        <Section title="Health">
          <p>
            <span className={`health health-${view.health.status}`}>{view.health.status}</span>
            {view.health.failingStreak > 0 && <span className="muted"> · failing {view.health.failingStreak} in a row</span>}
          </p>
          {view.health.log.length > 0 && (
            <ol className="insp-health-log" aria-label="Recent health checks">
              {view.health.log.map((l, i) => (
                <li key={i}>
                  <span className="muted small">{formatWhen(l.start)}</span> <span className={l.exitCode === 0 ? 'insp-ok' : 'insp-bad'}>exit {l.exitCode}</span>
                  {l.output.trim() ? <pre className="mono">{l.output.trim()}</pre> : <span className="muted small"> · no output</span>}
                </li>
              ))}
            </ol>
          )}
        </Section>
      )}

      <Section title="Environment" count={view.env.length}>
        {masked.length > 0 && (
          <p className="muted small">
            {masked.length} value{masked.length === 1 ? '' : 's'} that look{masked.length === 1 ? 's' : ''} like a secret {masked.length === 1 ? 'is' : 'are'} hidden until you reveal {masked.length === 1 ? 'it' : 'them'}.
          </p>
        )}
        <table className="insp-table" aria-label="Environment variables">
          <tbody>
            {view.env.map((e) => (
              <EnvRow
                key={e.name}
                e={e}
                value={revealed[e.name]}
                busy={busy !== null}
                onReveal={() => void reveal(e.name)}
                onHide={() =>
                  setRevealed((m) => {
                    const { [e.name]: _gone, ...rest } = m;
                    return rest;
                  })
                }
              />
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Ports" count={view.ports.length}>
        {view.ports.length === 0 ? (
          <p className="muted">No ports exposed.</p>
        ) : (
          <ul className="insp-list mono">
            {view.ports.map((p, i) => (
              <li key={i}>
                {p.hostPort ? `${p.hostIp || '0.0.0.0'}:${p.hostPort} → ${p.containerPort}` : `${p.containerPort} (not published)`}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Mounts" count={view.mounts.length}>
        {view.mounts.length === 0 ? (
          <p className="muted">No mounts.</p>
        ) : (
          <table className="insp-table" aria-label="Mounts">
            <tbody>
              {view.mounts.map((m, i) => (
                <tr key={i}>
                  <th scope="row" className="mono">
                    {m.destination}
                  </th>
                  <td>
                    <span className="pill">{m.type}</span> <span className="mono">{m.type === 'volume' ? m.name : m.source}</span>
                    {m.readOnly && <span className="muted"> · read-only</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Networks" count={view.networks.length}>
        <table className="insp-table" aria-label="Networks">
          <tbody>
            {view.networks.map((n) => (
              <tr key={n.name}>
                <th scope="row">{n.name}</th>
                <td className="mono">
                  {n.ip || '—'}
                  {n.gateway && <span className="muted"> via {n.gateway}</span>}
                  {n.ipv6 && <span> · {n.ipv6}</span>}
                  {n.aliases.length > 0 && <span className="muted"> · aliases: {n.aliases.join(', ')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Labels" count={view.labels.length}>
        {view.labels.length === 0 ? (
          <p className="muted">No labels.</p>
        ) : (
          <table className="insp-table" aria-label="Labels">
            <tbody>
              {view.labels.map((l) => (
                <tr key={l.key}>
                  <th scope="row" className="mono">
                    {l.key}
                  </th>
                  <td className="mono insp-value">{l.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Resource limits">
        <dl className="kv insp-kv">
          <Row k="CPUs">{r.cpus ? String(Math.round(r.cpus * 1000) / 1000) : 'unlimited'}</Row>
          {r.cpuShares > 0 && <Row k="CPU shares">{r.cpuShares}</Row>}
          {r.cpusetCpus && <Row k="CPU set">{r.cpusetCpus}</Row>}
          <Row k="Memory">{r.memory ? formatBytes(r.memory) : 'unlimited'}</Row>
          {r.memoryReservation > 0 && <Row k="Memory reservation">{formatBytes(r.memoryReservation)}</Row>}
          <Row k="Processes">{r.pidsLimit || 'unlimited'}</Row>
        </dl>
      </Section>

      <Section title="Raw JSON">
        <div className="insp-raw-actions">
          <CopyButton text={raw} label="Copy raw JSON" className="btn btn-sm" />
          {masked.length > 0 && rawRevealed === null && (
            <button type="button" className="btn btn-sm" onClick={() => void revealAll()} disabled={busy !== null}>
              Reveal all secrets
            </button>
          )}
          {rawRevealed !== null && (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => {
                setRawRevealed(null);
                setRevealed({});
              }}
            >
              Hide secrets
            </button>
          )}
        </div>
        <details className="insp-raw">
          <summary>Show raw JSON</summary>
          <pre className="mono" aria-label="Raw JSON">
            {raw}
          </pre>
        </details>
      </Section>
    </div>
  );
}
