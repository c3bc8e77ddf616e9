// The Volumes page: every volume on the host, live (volumes.watch) with its size and the containers
// using it; create, remove and prune, each in its dialog where the engine's answer is shown.
import { useEffect, useMemo, useState } from 'react';
import type { VolumePrunePreview, VolumeRow } from '@contract/procedures/volumes';
import { VolumeNameSchema } from '@contract/procedures/volumes';
import type { PruneResult } from '@contract/procedures/images';
import { call } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { Dialog } from '../../components/Dialog';
import { SearchIcon, TrashIcon } from '../../components/icons';
import { formatBytes } from '../../presenters/stats-presenter';
import { buildVolumeViews, labelsText, parseKeyValues, usersText, volumeCounts, volumeTitle, type VolumeFilter, type VolumeSortKey } from '../../presenters/resource-presenter';
import { useListFeed } from '../resources/use-list-feed';
import { ActionError, SortButton, VirtualTable } from '../resources/VirtualTable';
import { shownError, type ShownError } from '../resources/errors';
import { useAction } from '../../components/use-action';
import { PruneList } from '../resources/PruneList';
import { VolumeFilesDialog } from './VolumeFilesDialog';
import '../resources/resources.css';
import './volumes.css';

const FILTERS: { key: VolumeFilter; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'in-use', label: 'In use' },
  { key: 'unused', label: 'Unused' },
  { key: 'anonymous', label: 'Anonymous' },
];

type Open = { kind: 'create' } | { kind: 'prune' } | { kind: 'remove' | 'details' | 'files'; volume: VolumeRow } | null;

function CreateVolumeDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [name, setName] = useState('');
  const [driver, setDriver] = useState('local');
  const [options, setOptions] = useState('');
  const [labels, setLabels] = useState('');
  const { busy, error: err, run: act } = useAction();
  const nameOk = name.trim() === '' || VolumeNameSchema.safeParse(name).success;
  const nameErr = !nameOk ? VolumeNameSchema.safeParse(name).error?.issues[0]?.message : err?.field === 'name' ? err.message : undefined;
  const opt = parseKeyValues(options);
  const lab = parseKeyValues(labels);
  const submit = (): Promise<void> =>
    act(async () => {
      await call('volumes.create', { hostId, name: name.trim(), driver: driver.trim() || 'local', options: opt.values, labels: lab.values });
      onClose();
    });
  return (
    <Dialog title="Create a volume" onClose={onClose}>
      <form
        className="res-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="vol-name">Name</label>
        <input id="vol-name" className="res-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Empty: the engine picks one" aria-invalid={!!nameErr} autoFocus />
        {nameErr && <p className="run-error">{nameErr}</p>}
        <label htmlFor="vol-driver">Driver</label>
        <input id="vol-driver" className="res-input" value={driver} onChange={(e) => setDriver(e.target.value)} />
        <label htmlFor="vol-options">Driver options (key=value per line)</label>
        <textarea id="vol-options" rows={3} value={options} onChange={(e) => setOptions(e.target.value)} placeholder={'type=tmpfs\ndevice=tmpfs\no=size=100m'} aria-invalid={!!opt.error} />
        {opt.error && <p className="run-error">Driver options, {opt.error}</p>}
        <label htmlFor="vol-labels">Labels (key=value per line)</label>
        <textarea id="vol-labels" rows={2} value={labels} onChange={(e) => setLabels(e.target.value)} aria-invalid={!!lab.error} />
        {lab.error && <p className="run-error">Labels, {lab.error}</p>}
        <ActionError error={err && err.field !== 'name' ? err : null} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !nameOk || !!opt.error || !!lab.error}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RemoveVolumeDialog({ hostId, volume, onClose }: { hostId: string; volume: VolumeRow; onClose(): void }) {
  const { busy, error: err, run: act } = useAction();
  const submit = (): Promise<void> =>
    act(async () => {
      await call('volumes.remove', { hostId, name: volume.name });
      onClose();
    });
  return (
    <Dialog title={`Remove the volume ${volumeTitle(volume)}?`} onClose={onClose}>
      <div className="dialog-body">
        <p>
          <strong className="mono">{volume.name}</strong>
          {volume.size !== null && <> ({formatBytes(volume.size)})</>} and every file in it are deleted. This cannot be undone.
        </p>
        {volume.containerCount > 0 && <p>Used by: {volume.containers.join(', ')}</p>}
      </div>
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void submit()}>
          {busy ? 'Removing…' : 'Remove volume'}
        </button>
      </div>
    </Dialog>
  );
}

function VolumeDetailsDialog({ volume, onClose }: { volume: VolumeRow; onClose(): void }) {
  const rows: [string, string][] = [
    ['Name', volume.name],
    ['Driver', volume.driver],
    ['Scope', volume.scope],
    ['Mountpoint', volume.mountpoint],
    ['Created', volume.createdAt],
    ['Size', volume.size === null ? 'not measured' : formatBytes(volume.size)],
    ['Options', labelsText(volume.options)],
    ['Labels', labelsText(volume.labels)],
    ['Used by', volume.containers.join(', ')],
  ];
  return (
    <Dialog title={`Volume ${volumeTitle(volume)}`} onClose={onClose}>
      <dl className="res-kv res-wide" aria-label="Volume details">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function PruneVolumesDialog({ hostId, onClose }: { hostId: string; onClose(): void }) {
  const [scope, setScope] = useState<'anonymous' | 'unused'>('anonymous');
  const [preview, setPreview] = useState<VolumePrunePreview | null>(null);
  const [result, setResult] = useState<PruneResult | null>(null);
  const { busy, error: err, setError: setErr, run: act } = useAction();
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const pick = (s: 'anonymous' | 'unused'): void => {
    setScope(s);
    setPreview(null);
    setErr(null);
    setExcluded(new Set());
  };
  const chosen = preview?.items.filter((i) => !excluded.has(i.name)) ?? [];
  useEffect(() => {
    let live = true;
    call('volumes.prunePreview', { hostId, scope })
      .then((p) => live && setPreview(p))
      .catch((e) => live && setErr(shownError(e)));
    return () => {
      live = false;
    };
  }, [hostId, scope, setErr]);
  const prune = async (): Promise<void> => {
    if (chosen.length === 0) return;
    await act(async () => {
      setResult(await call('volumes.prune', { hostId, names: chosen.map((i) => i.name) }));
    });
  };
  const n = preview?.items.length ?? 0;
  const k = chosen.length;
  return (
    <Dialog title="Prune volumes" onClose={onClose}>
      {result ? (
        <div className="dialog-body" role="status" aria-label="Prune result">
          <p>
            Removed <strong>{result.removed.length}</strong> volume{result.removed.length === 1 ? '' : 's'}, freed <strong>{formatBytes(result.spaceFreed)}</strong>.
          </p>
          {result.failed.length > 0 && (
            <ul className="res-list">
              {result.failed.map((f) => (
                <li key={f.id}>
                  <span className="mono">{f.id}</span>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <div className="dialog-body">
          <div className="segmented" role="radiogroup" aria-label="What to prune">
            <button type="button" role="radio" aria-checked={scope === 'anonymous'} className={scope === 'anonymous' ? 'seg seg-on' : 'seg'} onClick={() => pick('anonymous')}>
              Anonymous only
            </button>
            <button type="button" role="radio" aria-checked={scope === 'unused'} className={scope === 'unused' ? 'seg seg-on' : 'seg'} onClick={() => pick('unused')}>
              All unused (named too)
            </button>
          </div>
          {!preview && !err && <p className="muted">Looking…</p>}
          {preview && n === 0 && <p>Nothing to prune: no unused {scope === 'anonymous' ? 'anonymous ' : ''}volumes.</p>}
          {preview && n > 0 && (
            <>
              <p>
                These <strong>{n}</strong> volumes and their files can be deleted ({formatBytes(preview.reclaimable)}). Untick what you want to keep:
              </p>
              <PruneList label="Volumes to remove" items={preview.items.map((i) => ({ id: i.name, label: i.name, size: i.size, detail: i.anonymous ? 'anonymous' : undefined }))} excluded={excluded} onExcluded={setExcluded} />
            </>
          )}
        </div>
      )}
      <ActionError error={err} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {result ? 'Close' : 'Cancel'}
        </button>
        {!result && (
          <button type="button" className="btn btn-danger" disabled={busy || k === 0} onClick={() => void prune()}>
            {busy ? 'Removing…' : `Remove ${k} volume${k === 1 ? '' : 's'}`}
          </button>
        )}
      </div>
    </Dialog>
  );
}

const volumeKey = (v: VolumeRow): string => v.name;

export function VolumesView() {
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const feed = useListFeed('volumes.watch', hostId, volumeKey);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<VolumeFilter>('all');
  const [sort, setSort] = useState<VolumeSortKey>('name');
  const [desc, setDesc] = useState(false);
  const [open, setOpen] = useState<Open>(null);
  const [measureErr, setMeasureErr] = useState<ShownError | null>(null);

  const views = useMemo(() => buildVolumeViews(feed.items.values(), { query, filter, sort, desc }), [feed.items, query, filter, sort, desc]);
  const counts = useMemo(() => volumeCounts(feed.items.values()), [feed.items]);
  const total = useMemo(() => [...feed.items.values()].reduce((n, v) => n + (v.size ?? 0), 0), [feed.items]);
  const onSort = (k: VolumeSortKey): void => {
    if (k === sort) setDesc(!desc);
    else {
      setSort(k);
      setDesc(k === 'size' || k === 'containers');
    }
  };

  return (
    <section className="view res-view" aria-label="Volumes">
      <header className="view-header res-header">
        <div>
          <h1>Volumes</h1>
          <p className="muted">{feed.loaded ? `${feed.items.size} on ${host?.name ?? hostId} · ${formatBytes(total)}` : host?.state === 'unreachable' ? 'Engine unreachable' : 'Loading…'}</p>
        </div>
        <div className="res-header-actions">
          <button type="button" className="btn" title="Sizes are measured when volumes change; files written inside a volume are not an engine event" onClick={() => call('volumes.measure', { hostId }).then(() => setMeasureErr(null), (e) => setMeasureErr(shownError(e)))}>
            Measure sizes
          </button>
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'prune' })}>
            Prune…
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'create' })}>
            Create a volume
          </button>
        </div>
      </header>
      <ActionError error={measureErr} />

      <div className="toolbar">
        <label className="search">
          <SearchIcon />
          <input type="search" placeholder="Filter by name, label or container" aria-label="Filter volumes" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <div className="segmented" role="radiogroup" aria-label="Volume filter">
          {FILTERS.map((f) => (
            <button key={f.key} type="button" role="radio" aria-checked={filter === f.key} className={filter === f.key ? 'seg seg-on' : 'seg'} onClick={() => setFilter(f.key)}>
              {f.label}
              <span className="seg-count">{counts[f.key]}</span>
            </button>
          ))}
        </div>
      </div>

      {feed.error && (
        <div className="banner banner-error" role="alert">
          Could not follow volumes: {feed.error}
        </div>
      )}

      <VirtualTable
        label="Volumes list"
        gridClass="res-grid-volumes"
        items={views}
        rowKey={(v) => v.name}
        empty={feed.loaded ? (feed.items.size === 0 ? 'No volumes on this host.' : 'No volume matches the filter.') : 'Loading…'}
        header={
          <>
            <SortButton k="name" label="Name" sort={sort} desc={desc} onSort={onSort} className="res-c-name" />
            <SortButton k="size" label="Size" sort={sort} desc={desc} onSort={onSort} className="res-c-size" />
            <SortButton k="driver" label="Driver" sort={sort} desc={desc} onSort={onSort} className="res-c-driver" />
            <SortButton k="containers" label="Used by" sort={sort} desc={desc} onSort={onSort} className="res-c-used" />
            <div role="columnheader" className="res-cell res-c-created">
              Labels
            </div>
            <div role="columnheader" className="res-cell res-c-actions">
              Actions
            </div>
          </>
        }
        renderRow={(v) => (
          <div role="row" className="res-row" aria-label={v.name}>
            <div role="cell" className="res-cell res-c-name">
              <span className="ellipsis mono" title={v.name}>
                {volumeTitle(v)}
              </span>
              <div className="sub mono" title={v.mountpoint}>
                {v.anonymous ? 'anonymous · ' : ''}
                {v.mountpoint}
              </div>
            </div>
            <div role="cell" className="res-cell res-c-size" data-label="Size">
              {v.size === null ? <span className="muted">—</span> : formatBytes(v.size)}
            </div>
            <div role="cell" className="res-cell res-c-driver" data-label="Driver">
              {v.driver}
            </div>
            <div role="cell" className={`res-cell res-c-used${v.containerCount === 0 ? ' muted' : ''}`} data-label="Used by" title={v.containers.join(', ')}>
              <span className="ellipsis">{usersText(v.containers, v.containerCount)}</span>
            </div>
            <div role="cell" className="res-cell res-c-created muted" data-label="Labels" title={labelsText(v.labels)}>
              <span className="ellipsis">{Object.keys(v.labels).length > 0 ? `${Object.keys(v.labels).length} label${Object.keys(v.labels).length === 1 ? '' : 's'}` : '—'}</span>
            </div>
            <div role="cell" className="res-cell res-c-actions">
              <button type="button" className="btn btn-sm btn-ghost" title="Browse, back up, restore or clone its files" onClick={() => setOpen({ kind: 'files', volume: v })}>
                Files
              </button>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen({ kind: 'details', volume: v })}>
                Details
              </button>
              <button type="button" className="icon-btn icon-btn-danger" aria-label={`Remove ${v.name}`} title="Remove the volume" onClick={() => setOpen({ kind: 'remove', volume: v })}>
                <TrashIcon />
              </button>
            </div>
          </div>
        )}
      />

      {open?.kind === 'create' && <CreateVolumeDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'prune' && <PruneVolumesDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'remove' && <RemoveVolumeDialog hostId={hostId} volume={open.volume} onClose={() => setOpen(null)} />}
      {open?.kind === 'files' && <VolumeFilesDialog hostId={hostId} volume={open.volume} onClose={() => setOpen(null)} />}
      {open?.kind === 'details' && <VolumeDetailsDialog volume={open.volume} onClose={() => setOpen(null)} />}
    </section>
  );
}
