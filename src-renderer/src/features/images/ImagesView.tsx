// The Images page: every image on the host, live (images.watch), searchable, filterable, sortable,
// virtualized. Actions: run, tag, untag, remove, details, pull, build and prune, each in its dialog
// where the engine's answer is shown.
import { useMemo, useState } from 'react';
import type { ImageRow } from '@contract/procedures/images';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { useNow } from '../../components/use-now';
import { CloseIcon, PlayIcon, SearchIcon, TrashIcon } from '../../components/icons';
import { formatBytes } from '../../presenters/stats-presenter';
import { relativeTime } from '../../presenters/container-presenter';
import { buildImageViews, imageCounts, usedByText, type ImageFilter, type ImageSortKey, type ImageView } from '../../presenters/image-presenter';
import { useListFeed } from '../resources/use-list-feed';
import { SortButton, VirtualTable } from '../resources/VirtualTable';
import { ImageDetailsDialog, PruneImagesDialog, PullDialog, RemoveImageDialog, TagDialog } from './ImageDialogs';
import { PushDialog, RegistriesDialog } from './RegistryDialogs';
import { BuildDialog } from './BuildDialog';
import { ArchiveDialog } from './ArchiveDialog';
import { useImageBuilds } from './image-builds';
import '../resources/resources.css';

const FILTERS: { key: ImageFilter; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'in-use', label: 'In use' },
  { key: 'unused', label: 'Unused' },
  { key: 'dangling', label: 'Dangling' },
];

type Open = { kind: 'pull' } | { kind: 'prune' } | { kind: 'registries' } | { kind: 'build' } | { kind: 'archive' } | { kind: 'tag' | 'remove' | 'details' | 'push'; view: ImageView } | { kind: 'untag'; view: ImageView; tag: string } | null;

const imageKey = (i: ImageRow): string => i.id;

export function ImagesView() {
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const navigate = useApp((a) => a.navigate);
  const feed = useListFeed('images.watch', hostId, imageKey);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<ImageFilter>('all');
  const [sort, setSort] = useState<ImageSortKey>('name');
  const [desc, setDesc] = useState(false);
  const [open, setOpen] = useState<Open>(null);
  const building = useImageBuilds((s) => s.builds.filter((b) => b.hostId === hostId && b.status === 'running').length);
  const now = useNow(60_000);

  const views = useMemo(() => buildImageViews(feed.items.values(), { query, filter, sort, desc }), [feed.items, query, filter, sort, desc]);
  const counts = useMemo(() => imageCounts(feed.items.values()), [feed.items]);
  const total = useMemo(() => [...feed.items.values()].reduce((n, i) => n + i.size, 0), [feed.items]);
  const onSort = (k: ImageSortKey): void => {
    if (k === sort) setDesc(!desc);
    else {
      setSort(k);
      setDesc(k !== 'name');
    }
  };

  return (
    <section className="view res-view" aria-label="Images">
      <header className="view-header res-header">
        <div>
          <h1>Images</h1>
          <p className="muted">{feed.loaded ? `${feed.items.size} on ${host?.name ?? hostId} · ${formatBytes(total)}` : host?.state === 'unreachable' ? 'Engine unreachable' : 'Loading…'}</p>
        </div>
        <div className="res-header-actions">
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'registries' })}>
            Registries…
          </button>
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'prune' })}>
            Prune…
          </button>
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'archive' })}>
            Save / load…
          </button>
          <button type="button" className="btn" onClick={() => setOpen({ kind: 'build' })}>
            {building > 0 ? `Building (${building})…` : 'Build…'}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'pull' })}>
            Pull an image
          </button>
        </div>
      </header>

      <div className="toolbar">
        <label className="search">
          <SearchIcon />
          <input type="search" placeholder="Filter by name, tag, id or container" aria-label="Filter images" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <div className="segmented" role="radiogroup" aria-label="Image filter">
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
          Could not follow images: {feed.error}
        </div>
      )}

      <VirtualTable
        label="Images list"
        gridClass="res-grid-images"
        items={views}
        rowKey={(v) => v.image.id}
        empty={feed.loaded ? (feed.items.size === 0 ? 'No images on this host. Pull one to start.' : 'No image matches the filter.') : 'Loading…'}
        header={
          <>
            <SortButton k="name" label="Name" sort={sort} desc={desc} onSort={onSort} className="res-c-name" />
            <SortButton k="size" label="Size" sort={sort} desc={desc} onSort={onSort} className="res-c-size" />
            <SortButton k="created" label="Created" sort={sort} desc={desc} onSort={onSort} className="res-c-created" />
            <SortButton k="containers" label="Used by" sort={sort} desc={desc} onSort={onSort} className="res-c-used" />
            <div role="columnheader" className="res-cell res-c-actions">
              Actions
            </div>
          </>
        }
        renderRow={(v) => (
          <div role="row" className="res-row" aria-label={v.dangling ? v.shortId : v.title}>
            <div role="cell" className="res-cell res-c-name">
              <div className="res-tags">
                {v.dangling ? (
                  <span className="res-tag res-tag-none">&lt;none&gt;</span>
                ) : (
                  v.tags.map((t) => (
                    <span key={t} className="res-tag">
                      <span className="mono">{t}</span>
                      <button type="button" className="res-tag-x" aria-label={`Remove tag ${t}`} title="Remove this tag" onClick={() => setOpen({ kind: 'untag', view: v, tag: t })}>
                        <CloseIcon />
                      </button>
                    </span>
                  ))
                )}
              </div>
              <div className="sub mono">{v.shortId}</div>
            </div>
            <div role="cell" className="res-cell res-c-size" data-label="Size">
              {formatBytes(v.image.size)}
            </div>
            <div role="cell" className="res-cell res-c-created muted" data-label="Created">
              {relativeTime(v.image.created, now)}
            </div>
            <div role="cell" className={`res-cell res-c-used${v.image.containerCount === 0 ? ' muted' : ''}`} data-label="Used by" title={v.image.containers.join(', ')}>
              <span className="ellipsis">{usedByText(v.image)}</span>
            </div>
            <div role="cell" className="res-cell res-c-actions">
              <button type="button" className="icon-btn" aria-label={`Run ${v.title}`} title="Run a container from this image" onClick={() => navigate({ name: 'run', image: v.dangling ? v.image.id : v.title })}>
                <PlayIcon />
              </button>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen({ kind: 'tag', view: v })}>
                Tag
              </button>
              {!v.dangling && (
                <button type="button" className="btn btn-sm btn-ghost" aria-label={`Push ${v.title}`} onClick={() => setOpen({ kind: 'push', view: v })}>
                  Push
                </button>
              )}
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen({ kind: 'details', view: v })}>
                Details
              </button>
              <button type="button" className="icon-btn icon-btn-danger" aria-label={`Remove ${v.dangling ? v.shortId : v.title}`} title="Remove the image" onClick={() => setOpen({ kind: 'remove', view: v })}>
                <TrashIcon />
              </button>
            </div>
          </div>
        )}
      />

      {open?.kind === 'pull' && <PullDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'archive' && <ArchiveDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'build' && <BuildDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'prune' && <PruneImagesDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'tag' && <TagDialog hostId={hostId} view={open.view} onClose={() => setOpen(null)} />}
      {open?.kind === 'remove' && <RemoveImageDialog hostId={hostId} view={open.view} onClose={() => setOpen(null)} />}
      {open?.kind === 'untag' && <RemoveImageDialog hostId={hostId} view={open.view} untag={open.tag} onClose={() => setOpen(null)} />}
      {open?.kind === 'registries' && <RegistriesDialog hostId={hostId} onClose={() => setOpen(null)} />}
      {open?.kind === 'push' && <PushDialog hostId={hostId} view={open.view} onClose={() => setOpen(null)} />}
      {open?.kind === 'details' && <ImageDetailsDialog hostId={hostId} view={open.view} onClose={() => setOpen(null)} />}
    </section>
  );
}
