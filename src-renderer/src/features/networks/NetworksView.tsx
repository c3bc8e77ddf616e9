// The Networks page: every network on the host, live (networks.watch) with subnets and attached
// containers; create, remove, connect/disconnect a container with aliases, prune. The engine's answer
// is shown in the dialog where the action was taken.
import { useEffect, useMemo, useState } from 'react';
import type { NetworkRow } from '@contract/procedures/networks';
import { NetworkCreateSchema } from '@contract/procedures/networks';
import type { PruneResult } from '@contract/procedures/images';
import type { ProcOutput } from '@contract/index';
import { call } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { Dialog } from '../../components/Dialog';
import { SearchIcon, TrashIcon } from '../../components/icons';
import { buildNetworkViews, labelsText, parseKeyValues, usersText } from '../../presenters/resource-presenter';
import { useListFeed } from '../resources/use-list-feed';
import { ActionError, VirtualTable } from '../resources/VirtualTable';
import { shownError, type ShownError } from '../resources/errors';
import { useAction } from '../../components/use-action';
import { PruneList } from '../resources/PruneList';
import '../resources/resources.css';

type Open = { kind: 'create' } | { kind: 'prune' } | { kind: 'remove' | 'members'; network: NetworkRow } | null;
type Members = ProcOutput<'networks.members'>;

function CreateNetworkDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [f, setF] = useState({ name: '', driver: 'bridge' as 'bridge' | 'macvlan' | 'ipvlan' | 'overlay', subnet: '', gateway: '', internal: false, attachable: false, labels: '' });
  const { busy, error: err, setError: setErr, run: act } = useAction();
  const lab = parseKeyValues(f.labels);
  const parsed = NetworkCreateSchema.safeParse({ hostId, name: f.name, driver: f.driver, subnet: f.subnet, gateway: f.gateway, internal: f.internal, attachable: f.attachable, labels: lab.values });
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) fieldErrors[String(i.path[0])] ??= i.message;
  if (err?.field) fieldErrors[err.field] ??= err.message;
  const shown = (k: string): string | undefined => (k === 'name' ? (f.name ? fieldErrors.name : undefined) : fieldErrors[k]);
  const submit = async (): Promise<void> => {
    if (!parsed.success) return;
    await act(async () => {
      await call('networks.create', parsed.data);
      onClose();
    });
  };
  const set = (patch: Partial<typeof f>): void => {
    setF({ ...f, ...patch });
    setErr(null);
  };
  return (
    <Dialog title="Create a network" onClose={onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="net-name">Name</label>
        <input id="net-name" className="res-input" value={f.name} onChange={(e) => set({ name: e.target.value })} aria-invalid={!!shown('name')} autoFocus />
        {shown('name') && <p className="run-error">{shown('name')}</p>}
        <label htmlFor="net-driver">Driver</label>
        <select id="net-driver" value={f.driver} onChange={(e) => set({ driver: e.target.value as typeof f.driver })}>
          <option value="bridge">bridge</option>
          <option value="macvlan">macvlan</option>
          <option value="ipvlan">ipvlan</option>
          <option value="overlay">overlay (swarm)</option>
        </select>
        <label htmlFor="net-subnet">Subnet</label>
        <input id="net-subnet" className="res-input" value={f.subnet} onChange={(e) => set({ subnet: e.target.value })} placeholder="Empty: the engine picks one (e.g. 172.30.0.0/16)" aria-invalid={!!shown('subnet')} />
        {shown('subnet') && <p className="run-error">{shown('subnet')}</p>}
        <label htmlFor="net-gateway">Gateway</label>
        <input id="net-gateway" className="res-input" value={f.gateway} onChange={(e) => set({ gateway: e.target.value })} placeholder="e.g. 172.30.0.1" aria-invalid={!!shown('gateway')} />
        {shown('gateway') && <p className="run-error">{shown('gateway')}</p>}
        <label className="check">
          <input type="checkbox" checked={f.internal} onChange={(e) => set({ internal: e.target.checked })} />
          <span>
            Internal
            <small>No route to the outside world.</small>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={f.attachable} onChange={(e) => set({ attachable: e.target.checked })} />
          <span>
            Attachable
            <small>Plain containers may join (overlay networks).</small>
          </span>
        </label>
        <label htmlFor="net-labels">Labels (key=value per line)</label>
        <textarea id="net-labels" rows={2} value={f.labels} onChange={(e) => set({ labels: e.target.value })} aria-invalid={!!lab.error} />
        {lab.error && <p className="run-error">Labels, {lab.error}</p>}
        <ActionError error={err && !err.field ? err : null} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !parsed.success || !!lab.error}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RemoveNetworkDialog({ hostId, network, onClose }: { hostId: string; network: NetworkRow; onClose(): void }) {
  const { busy, error: err, run: act } = useAction();
  const submit = (): Promise<void> =>
    act(async () => {
      await call('networks.remove', { hostId, id: network.id });
      onClose();
    });
  return (
    <Dialog title={`Remove the network ${network.name}?`} onClose={onClose}>
      <div className="dialog-body">
        <p>
          <strong>{network.name}</strong> ({network.driver}
          {network.subnets[0] ? `, ${network.subnets[0].subnet}` : ''}) will be removed.
        </p>
        {network.containerCount > 0 && <p>Attached: {network.containers.map((c) => c.name).join(', ')}</p>}
      </div>
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void submit()}>
          {busy ? 'Removing…' : 'Remove network'}
        </button>
      </div>
    </Dialog>
  );
}

/** The containers on a network (with aliases), disconnect each, and connect another. */
function MembersDialog({ hostId, network, onClose }: { hostId: string; network: NetworkRow; onClose(): void }) {
  const containers = useContainers((s) => s.byId);
  const [members, setMembers] = useState<Members | null>(null);
  const [err, setErr] = useState<ShownError | null>(null);
  const [container, setContainer] = useState('');
  const [aliases, setAliases] = useState('');
  const [busy, setBusy] = useState(false);
  // The row (live) changes when someone joins or leaves: read the members again then.
  const memberKey = network.containers.map((c) => c.id).join(',');
  useEffect(() => {
    let live = true;
    call('networks.members', { hostId, id: network.id })
      .then((m) => live && setMembers(m))
      .catch((e) => live && setErr(shownError(e)));
    return () => {
      live = false;
    };
  }, [hostId, network.id, memberKey]);
  const run = async (p: Promise<unknown>): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      await p;
      setMembers(await call('networks.members', { hostId, id: network.id }));
    } catch (e) {
      setErr(shownError(e));
    } finally {
      setBusy(false);
    }
  };
  const attached = new Set((members ?? []).map((m) => m.id));
  const candidates = [...containers.values()].filter((c) => !attached.has(c.id)).sort((a, b) => a.name.localeCompare(b.name));
  const aliasList = aliases
    .split(/[\s,]+/)
    .map((a) => a.trim())
    .filter(Boolean);
  return (
    <Dialog title={`Containers on ${network.name}`} onClose={onClose}>
      <div className="res-details">
        {!members && !err && <p className="muted">Loading…</p>}
        {members && members.length === 0 && <p className="muted">No container is attached.</p>}
        {members && members.length > 0 && (
          <ul className="res-list" aria-label="Attached containers">
            {members.map((m) => (
              <li key={m.id} className="res-member">
                <span>
                  <strong>{m.name}</strong> <span className="mono small">{m.ipv4 || m.ipv6}</span>
                  {m.aliases.length > 0 && <span className="muted small"> · aliases {m.aliases.join(', ')}</span>}
                </span>
                <button type="button" className="btn btn-sm" disabled={busy || network.builtin && network.name !== 'bridge'} onClick={() => void run(call('networks.disconnect', { hostId, id: network.id, container: m.id }))}>
                  Disconnect {m.name}
                </button>
              </li>
            ))}
          </ul>
        )}
        {!['host', 'none'].includes(network.name) && (
          <form
            className="res-form"
            aria-label="Connect a container"
            onSubmit={(e) => {
              e.preventDefault();
              if (container) void run(call('networks.connect', { hostId, id: network.id, container, aliases: aliasList })).then(() => setAliases(''));
            }}
          >
            <label htmlFor="net-connect">Connect a container</label>
            <select id="net-connect" value={container} onChange={(e) => setContainer(e.target.value)}>
              <option value="">Choose…</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.state})
                </option>
              ))}
            </select>
            <label htmlFor="net-aliases">Aliases (comma or space separated{network.builtin ? '; only on user-defined networks' : ''})</label>
            <input id="net-aliases" className="res-input" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="db, primary" />
            <div>
              <button type="submit" className="btn btn-primary" disabled={busy || !container}>
                Connect
              </button>
            </div>
          </form>
        )}
        <ActionError error={err} />
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function PruneNetworksDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [preview, setPreview] = useState<{ items: { id: string; name: string; driver: string }[] } | null>(null);
  const [result, setResult] = useState<PruneResult | null>(null);
  const { busy, error: err, setError: setErr, run: act } = useAction();
  useEffect(() => {
    call('networks.prunePreview', { hostId })
      .then(setPreview)
      .catch((e) => setErr(shownError(e)));
  }, [hostId, setErr]);
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const n = preview?.items.length ?? 0;
  const chosen = preview?.items.filter((i) => !excluded.has(i.id)) ?? [];
  const prune = async (): Promise<void> => {
    if (chosen.length === 0) return;
    await act(async () => {
      setResult(await call('networks.prune', { hostId, ids: chosen.map((i) => i.id) }));
    });
  };
  return (
    <Dialog title="Prune networks" onClose={onClose}>
      <div className="dialog-body">
        {result ? (
          <div role="status" aria-label="Prune result">
            <p>
              Removed <strong>{result.removed.length}</strong> network{result.removed.length === 1 ? '' : 's'}.
            </p>
            {result.failed.map((f) => (
              <p key={f.id}>
                {f.id.slice(0, 12)}: {f.message}
              </p>
            ))}
          </div>
        ) : !preview ? (
          !err && <p className="muted">Looking…</p>
        ) : n === 0 ? (
          <p>Nothing to prune: every custom network has containers.</p>
        ) : (
          <>
            <p>
              These <strong>{n}</strong> networks have no container. Untick what you want to keep:
            </p>
            <PruneList label="Networks to remove" items={preview.items.map((i) => ({ id: i.id, label: i.name, detail: i.driver }))} excluded={excluded} onExcluded={setExcluded} />
          </>
        )}
      </div>
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {result ? 'Close' : 'Cancel'}
        </button>
        {!result && (
          <button type="button" className="btn btn-danger" disabled={busy || chosen.length === 0} onClick={() => void prune()}>
            {busy ? 'Removing…' : `Remove ${chosen.length} network${chosen.length === 1 ? '' : 's'}`}
          </button>
        )}
      </div>
    </Dialog>
  );
}

const networkKey = (n: NetworkRow): string => n.id;

export function NetworksView() {
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const feed = useListFeed('networks.watch', hostId, networkKey);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const views = useMemo(() => buildNetworkViews(feed.items.values(), query), [feed.items, query]);
  // The members dialog follows the live row.
  const live = (n: NetworkRow): NetworkRow => feed.items.get(n.id) ?? n;

  return (
    <section className="view res-view" aria-label="Networks">
      <header className="view-header res-header">
        <div>
          <h1>Networks</h1>
          <p className="muted">{feed.loaded ? `${feed.items.size} on ${host?.name ?? hostId}` : host?.state === 'unreachable' ? 'Engine unreachable' : 'Loading…'}</p>
        </div>
        <div className="res-header-actions">
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'prune' })}>
            Prune…
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'create' })}>
            Create a network
          </button>
        </div>
      </header>

      <div className="toolbar">
        <label className="search">
          <SearchIcon />
          <input type="search" placeholder="Filter by name, driver, subnet or container" aria-label="Filter networks" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
      </div>

      {feed.error && (
        <div className="banner banner-error" role="alert">
          Could not follow networks: {feed.error}
        </div>
      )}

      <VirtualTable
        label="Networks list"
        gridClass="res-grid-networks"
        items={views}
        rowKey={(n) => n.id}
        empty={feed.loaded ? 'No network matches the filter.' : 'Loading…'}
        header={
          <>
            <div role="columnheader" className="res-cell">
              Name
            </div>
            <div role="columnheader" className="res-cell">
              Driver
            </div>
            <div role="columnheader" className="res-cell">
              Subnet · gateway
            </div>
            <div role="columnheader" className="res-cell">
              Flags
            </div>
            <div role="columnheader" className="res-cell">
              Containers
            </div>
            <div role="columnheader" className="res-cell res-c-actions">
              Actions
            </div>
          </>
        }
        renderRow={(n) => (
          <div role="row" className="res-row" aria-label={n.name}>
            <div role="cell" className="res-cell res-c-name">
              <span className="ellipsis" style={{ fontWeight: 600 }}>
                {n.name}
              </span>
              <div className="sub mono" title={labelsText(n.labels)}>
                {n.id.slice(0, 12)}
                {n.builtin ? ' · built in' : ''}
              </div>
            </div>
            <div role="cell" className="res-cell" data-label="Driver">
              {n.driver}
              <span className="sub">{n.scope}</span>
            </div>
            <div role="cell" className="res-cell mono small" data-label="Subnet · gateway">
              {n.subnets.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                n.subnets.map((s) => (
                  <span key={s.subnet} className="ellipsis">
                    {s.subnet}
                    {s.gateway ? ` · ${s.gateway}` : ''}
                  </span>
                ))
              )}
            </div>
            <div role="cell" className="res-cell" data-label="Flags">
              <span style={{ display: 'flex', gap: 4, flexWrap: 'wrap' }}>
                {n.internal && <span className="res-chip">internal</span>}
                {n.attachable && <span className="res-chip">attachable</span>}
                {n.ipv6 && <span className="res-chip">IPv6</span>}
                {!n.internal && !n.attachable && !n.ipv6 && <span className="muted">—</span>}
              </span>
            </div>
            <div role="cell" className={`res-cell${n.containerCount === 0 ? ' muted' : ''}`} data-label="Containers" title={n.containers.map((c) => `${c.name} ${c.ipv4}`).join('\n')}>
              <span className="ellipsis">
                {usersText(
                  n.containers.map((c) => c.name),
                  n.containerCount,
                )}
              </span>
            </div>
            <div role="cell" className="res-cell res-c-actions">
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen({ kind: 'members', network: n })}>
                Containers…
              </button>
              <button type="button" className="icon-btn icon-btn-danger" aria-label={`Remove ${n.name}`} title={n.builtin ? 'The engine’s own network cannot be removed' : 'Remove the network'} disabled={n.builtin} onClick={() => setOpen({ kind: 'remove', network: n })}>
                <TrashIcon />
              </button>
            </div>
          </div>
        )}
      />

      {open?.kind === 'create' && <CreateNetworkDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'prune' && <PruneNetworksDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'remove' && <RemoveNetworkDialog hostId={hostId} network={live(open.network)} onClose={() => setOpen(null)} />}
      {open?.kind === 'members' && <MembersDialog hostId={hostId} network={live(open.network)} onClose={() => setOpen(null)} />}
    </section>
  );
}
