// The container list: grouped by compose project, filtered, sorted, virtualized, live.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ContainerSummary } from '@contract/index';
import { buildRows, countStates, countsSummary, type ListRow, type StateFilter } from '../../presenters/container-presenter';
import { useContainers, type ContainerAction } from '../../stores/containers-store';
import { useApp } from '../../stores/app-store';
import { ChevronIcon, PlayIcon, StopIcon } from '../../components/icons';
import { ContainerRow } from './ContainerRow';
import { BulkBar, ListHead, SearchBox, StateSegments } from './ListParts';
import { useActionsBlocked } from './use-actions-blocked';
import { useLiveStats } from '../stats/use-stats';

const ROW_H = 52;
const ROW_ERR_H = 86;
const GROUP_H = 40;

// The groups of container-status.ts countStates, as the Dashboard and the tray count them.
// Restarting and Removing appear only while some container is in that state.
const FILTERS: { key: StateFilter; label: string; always?: boolean }[] = [
  { key: 'all', label: 'All', always: true },
  { key: 'running', label: 'Running', always: true },
  { key: 'restarting', label: 'Restarting' },
  { key: 'paused', label: 'Paused', always: true },
  { key: 'stopped', label: 'Stopped', always: true },
  { key: 'removing', label: 'Removing' },
];


export function ContainersView() {
  const s = useContainers();
  const settings = useApp((a) => a.settings);
  const host = useApp((a) => a.hosts.find((h) => h.id === s.hostId));
  const scrollRef = useRef<HTMLDivElement>(null);
  const blocked = useActionsBlocked();

  // Sorting by CPU or memory needs a reading of every running container, not only those on screen.
  const sortsByStats = s.sort === 'cpu' || s.sort === 'mem';
  const allStats = useLiveStats(s.hostId, sortsByStats ? 'all' : null);
  const sortStats = sortsByStats ? allStats : undefined;
  const rows: ListRow[] = useMemo(
    () => buildRows(s.byId.values(), { query: s.query, state: s.stateFilter, sort: s.sort, desc: s.desc, group: s.group, collapsed: s.collapsed, stats: sortStats }),
    [s.byId, s.query, s.stateFilter, s.sort, s.desc, s.group, s.collapsed, sortStats],
  );

  const stateCounts = useMemo(() => countStates(s.byId.values()), [s.byId]);
  const counts: Record<StateFilter, number> = { ...stateCounts, all: stateCounts.total };

  const visibleIds = useMemo(() => rows.flatMap((r) => (r.kind === 'container' ? [r.container.id] : [])), [rows]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh on every render, never memoized
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => {
      const r = rows[i];
      if (!r) return ROW_H;
      if (r.kind === 'group') return GROUP_H;
      return s.errors[r.container.id] ? ROW_ERR_H : ROW_H;
    },
    getItemKey: (i) => {
      const r = rows[i];
      return r ? (r.kind === 'group' ? `g:${r.project}` : r.container.id) : i;
    },
    overscan: 12,
  });

  useEffect(() => {
    virtualizer.measure();
  }, [s.errors, rows, virtualizer]);

  // Stats only for the running rows the virtualizer renders (on screen + overscan).
  const onScreenRunning = virtualizer.getVirtualItems().flatMap((vi) => {
    const r = rows[vi.index];
    return r?.kind === 'container' && r.container.state === 'running' ? [r.container.id] : [];
  });
  const liveStats = useLiveStats(s.hostId, onScreenRunning.length > 0 ? onScreenRunning : null);

  const byIds = useCallback((ids: Iterable<string>) => [...ids].flatMap((id) => s.byId.get(id) ?? []), [s.byId]);

  const confirmDestructive = settings?.confirmDestructive ?? true;
  const storeAsk = s.ask;
  const ask = useCallback((targets: ContainerSummary[], action: ContainerAction) => storeAsk(targets, action, { confirmDestructive }), [storeAsk, confirmDestructive]);

  const navigate = useApp((a) => a.navigate);
  const openDetail = useCallback((id: string) => navigate({ name: 'container', id, tab: 'logs' }), [navigate]);
  const onAction = useCallback((c: ContainerSummary, a: ContainerAction) => ask([c], a), [ask]);

  const allVisibleSelected = visibleIds.length > 0 && visibleIds.every((id) => s.selected.has(id));
  const selectedList = byIds(s.selected);

  return (
    <section className="view" aria-label="Containers">
      <header className="view-header">
        <div>
          <h1>Containers</h1>
          <p className="muted">
            {s.loaded ? `${s.byId.size} on ${host?.name ?? s.hostId}` : host?.state === 'unreachable' ? 'Engine unreachable' : 'Loading…'}
            {s.loaded && stateCounts.total > 0 && <span data-testid="state-counts">{` · ${countsSummary(stateCounts)}`}</span>}
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => navigate({ name: 'run' })}>
          Run a container
        </button>
      </header>

      <div className="toolbar">
        <SearchBox value={s.query} onChange={s.setQuery} />
        <StateSegments filters={FILTERS.filter((f) => f.always || counts[f.key] > 0 || s.stateFilter === f.key)} value={s.stateFilter} counts={counts} onChange={s.setStateFilter} />
        <label className="check toggle-group">
          <input type="checkbox" checked={s.group} onChange={(e) => s.setGroup(e.target.checked)} />
          <span>Group by compose project</span>
        </label>
      </div>

      {s.selected.size > 0 && <BulkBar count={s.selected.size} selected={selectedList} blocked={blocked} ask={ask} onClear={s.clearSelection} />}

      {s.streamError && <div className="banner banner-error" role="alert">Could not follow containers: {s.streamError}</div>}
      {blocked && s.byId.size > 0 && (
        <div className="banner banner-warn" role="status" data-testid="actions-blocked">
          {blocked}
        </div>
      )}

      <div className="table" role="table" aria-label="Containers list" aria-rowcount={visibleIds.length + 1}>
        <ListHead view={s} allSelected={allVisibleSelected} onSelectAll={(on) => (on ? s.setSelected(new Set([...s.selected, ...visibleIds])) : s.clearSelection())} />
        <div ref={scrollRef} className="tbody" role="rowgroup" data-testid="container-scroll">
          {s.loaded && rows.length === 0 && (
            <div className="empty">
              {s.byId.size === 0 ? (
                <>
                  <h2>No containers on this engine yet</h2>
                  <p>
                    Containers you create with <code>docker run</code> or <code>docker compose up</code> appear here by themselves.
                  </p>
                </>
              ) : (
                <>
                  <h2>No container matches</h2>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => {
                      s.setQuery('');
                      s.setStateFilter('all');
                    }}
                  >
                    Clear filters
                  </button>
                </>
              )}
            </div>
          )}
          {!s.loaded && host?.state !== 'unreachable' && <div className="empty muted">Connecting to the engine…</div>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const r = rows[vi.index];
              if (!r) return null;
              return (
                <div key={vi.key} className="vrow" style={{ transform: `translateY(${vi.start}px)`, height: vi.size }}>
                  {r.kind === 'group' ? (
                    <GroupHeader row={r} onAction={(ids, a) => ask(byIds(ids), a)} />
                  ) : (
                    <ContainerRow
                      c={r.container}
                      grouped={r.grouped}
                      selected={s.selected.has(r.container.id)}
                      pending={s.pending[r.container.id]}
                      error={s.errors[r.container.id]}
                      onToggle={s.toggleSelected}
                      onAction={onAction}
                      onDismiss={s.dismissError}
                      onOpen={openDetail}
                      stats={(sortStats ?? liveStats).get(r.container.id)}
                    />
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>

    </section>
  );
}

function GroupHeader({ row, onAction }: { row: Extract<ListRow, { kind: 'group' }>; onAction(ids: string[], a: ContainerAction): void }) {
  const toggle = useContainers((s) => s.toggleCollapsed);
  const blocked = useActionsBlocked();
  const selected = useContainers((s) => s.selected);
  const setSelected = useContainers((s) => s.setSelected);
  const all = row.ids.every((id) => selected.has(id));
  return (
    <div role="row" aria-label={`Compose project ${row.project}`} className="group-row" data-testid="group-row">
      <div role="cell" className="cell cell-check">
        <input
          type="checkbox"
          aria-label={`Select all in ${row.project}`}
          checked={all}
          onChange={(e) => {
            const next = new Set(selected);
            for (const id of row.ids) {
              if (e.target.checked) next.add(id);
              else next.delete(id);
            }
            setSelected(next);
          }}
        />
      </div>
      <div role="cell" className="cell group-title">
        <button type="button" className="group-toggle" aria-expanded={!row.collapsed} aria-label={`${row.collapsed ? 'Expand' : 'Collapse'} ${row.project}`} onClick={() => toggle(row.project)}>
          <ChevronIcon className={row.collapsed ? 'chev' : 'chev chev-open'} />
        </button>
        <span className="group-name">{row.project}</span>
        <span className="muted">
          {row.count} container{row.count === 1 ? '' : 's'} · {row.running} running
        </span>
      </div>
      <div role="cell" className="cell group-actions">
        <fieldset className="actions-set" disabled={blocked !== null} title={blocked ?? undefined}>
          <button type="button" className="btn btn-sm btn-ghost" aria-label={`Start all in ${row.project}`} onClick={() => onAction(row.ids, 'start')} disabled={row.running === row.count}>
            <PlayIcon /> Start all
          </button>
          <button type="button" className="btn btn-sm btn-ghost" aria-label={`Stop all in ${row.project}`} onClick={() => onAction(row.ids, 'stop')} disabled={row.running === 0}>
            <StopIcon /> Stop all
          </button>
        </fieldset>
        <button type="button" className="btn btn-sm btn-ghost" aria-label={`Logs of ${row.project}`} onClick={() => useApp.getState().navigate({ name: 'project-logs', project: row.project })}>
          Logs
        </button>
      </div>
    </div>
  );
}

