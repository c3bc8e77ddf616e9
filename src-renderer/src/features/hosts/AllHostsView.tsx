// All hosts: the container list merged across hosts with a Host column, filter by host, grouping by
// host. Each host is its own subscription (stores/all-hosts-store.ts): a host that is unreachable,
// slow or failing shows its state in its own group while the other hosts' rows stay live.
// Virtualized like the single-host list.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { engineAnswering, type ContainerSummary, type DerivedSample } from '@contract/index';
import { countsSummary, type StateFilter } from '../../presenters/container-presenter';
import { buildAllRows, countAll, rowKey, splitKey, stateText, type AllRow, type HostedContainer } from '../../presenters/all-hosts-presenter';
import { allHostsRunner, useAllHosts } from '../../stores/all-hosts-store';
import { useContainers, type ContainerAction } from '../../stores/containers-store';
import { useApp } from '../../stores/app-store';
import { ChevronIcon, PlayIcon, StopIcon } from '../../components/icons';
import { ContainerRow } from '../containers/ContainerRow';
import { BulkBar, ListHead, SearchBox, StateSegments } from '../containers/ListParts';
import { useLiveStats } from '../stats/use-stats';

const ROW_H = 52;
const ROW_ERR_H = 86;
const GROUP_H = 40;

const FILTERS: { key: StateFilter; label: string }[] = [
  { key: 'all', label: 'All' },
  { key: 'running', label: 'Running' },
  { key: 'paused', label: 'Paused' },
  { key: 'stopped', label: 'Stopped' },
];

/** Live stats of one host's on-screen rows, reported to the list under their row keys. */
export function HostStats({ hostId, ids, onSamples }: { hostId: string; ids: readonly string[] | 'all'; onSamples(hostId: string, m: ReadonlyMap<string, DerivedSample>): void }) {
  const latest = useLiveStats(hostId, ids);
  useEffect(() => onSamples(hostId, latest), [hostId, latest, onSamples]);
  useEffect(() => () => onSamples(hostId, new Map()), [hostId, onSamples]);
  return null;
}


export function AllHostsView() {
  const s = useAllHosts();
  const hosts = useApp((a) => a.hosts);
  const settings = useApp((a) => a.settings);
  const navigate = useApp((a) => a.navigate);
  const scrollRef = useRef<HTMLDivElement>(null);

  // One subscription per host in the registry; the list follows hosts added and removed.
  const hostIds = hosts.map((h) => h.id).join('\n');
  useEffect(() => useAllHosts.getState().follow(hostIds ? hostIds.split('\n') : []), [hostIds]);
  useEffect(() => () => useAllHosts.getState().stopAll(), []);
  // A host filter for a host that is gone shows every host again.
  useEffect(() => {
    if (s.hostFilter && !hosts.some((h) => h.id === s.hostFilter)) s.setHostFilter('');
  });

  const [samples, setSamples] = useState<ReadonlyMap<string, ReadonlyMap<string, DerivedSample>>>(new Map());
  const onSamples = useCallback((hostId: string, m: ReadonlyMap<string, DerivedSample>) => {
    setSamples((prev) => {
      if (prev.get(hostId) === m || (m.size === 0 && !prev.get(hostId)?.size)) return prev;
      const next = new Map(prev);
      next.set(hostId, m);
      return next;
    });
  }, []);
  const sortsByStats = s.sort === 'cpu' || s.sort === 'mem';
  const statsByKey = useMemo(() => {
    const m = new Map<string, DerivedSample>();
    for (const [hostId, per] of samples) for (const [id, v] of per) m.set(rowKey(hostId, id), v);
    return m;
  }, [samples]);

  const rows: AllRow[] = useMemo(
    () =>
      buildAllRows(hosts, s.slices, {
        query: s.query,
        state: s.stateFilter,
        host: s.hostFilter,
        sort: s.sort,
        desc: s.desc,
        group: s.group,
        collapsed: s.collapsed,
        ...(sortsByStats ? { stats: statsByKey } : {}),
      }),
    [hosts, s.slices, s.query, s.stateFilter, s.hostFilter, s.sort, s.desc, s.group, s.collapsed, sortsByStats, statsByKey],
  );
  const counts = useMemo(() => countAll(hosts, s.slices, s.hostFilter), [hosts, s.slices, s.hostFilter]);
  const filterCounts: Record<string, number> = { ...counts, all: counts.total };
  const visibleKeys = useMemo(() => rows.flatMap((r) => (r.kind === 'container' ? [r.key] : [])), [rows]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh on every render, never memoized
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => {
      const r = rows[i];
      if (!r) return ROW_H;
      if (r.kind === 'host') return r.problem ? ROW_H : GROUP_H;
      return s.errors[r.key] ? ROW_ERR_H : ROW_H;
    },
    getItemKey: (i) => {
      const r = rows[i];
      return r ? (r.kind === 'host' ? `h:${r.hostId}` : r.key) : i;
    },
    overscan: 12,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [s.errors, rows, virtualizer]);

  // Live stats per host: the running rows on screen (or every running one while sorting by them).
  const onScreen = new Map<string, string[]>();
  for (const vi of virtualizer.getVirtualItems()) {
    const r = rows[vi.index];
    if (r?.kind === 'container' && r.container.state === 'running') onScreen.set(r.hostId, [...(onScreen.get(r.hostId) ?? []), r.container.id]);
  }
  const statsFeeds = sortsByStats
    ? hosts.filter((h) => engineAnswering(h.state) && (!s.hostFilter || h.id === s.hostFilter)).map((h) => [h.id, 'all'] as const)
    : [...onScreen.entries()];

  const byKeys = useCallback(
    (keys: Iterable<string>): HostedContainer[] =>
      [...keys].flatMap((k) => {
        const { hostId, id } = splitKey(k);
        return s.slices[hostId]?.byId.get(id) ?? [];
      }),
    [s.slices],
  );
  const confirmDestructive = settings?.confirmDestructive ?? true;
  const ask = useCallback(
    (targets: ContainerSummary[], action: ContainerAction) => useContainers.getState().ask(targets, action, { confirmDestructive, runner: allHostsRunner }),
    [confirmDestructive],
  );
  const onAction = useCallback((c: ContainerSummary, a: ContainerAction) => ask([c], a), [ask]);
  const openDetail = useCallback(
    (key: string) => {
      const { hostId, id } = splitKey(key);
      navigate({ name: 'container', id, tab: 'logs' }, hostId);
    },
    [navigate],
  );
  const selectedList = byKeys(s.selected);
  const allVisibleSelected = visibleKeys.length > 0 && visibleKeys.every((k) => s.selected.has(k));
  const selectedHosts = new Set(selectedList.map((c) => c.hostId)).size;
  const anyLoaded = Object.values(s.slices).some((x) => x.loaded);

  return (
    <section className="view" aria-label="All hosts">
      {statsFeeds.map(([hostId, ids]) => (
        <HostStats key={hostId} hostId={hostId} ids={ids} onSamples={onSamples} />
      ))}
      <header className="view-header">
        <div>
          <h1>All hosts</h1>
          <p className="muted" data-testid="all-hosts-summary">
            {`${counts.total} container${counts.total === 1 ? '' : 's'} on ${hosts.filter((h) => engineAnswering(h.state)).length} of ${hosts.length} host${hosts.length === 1 ? '' : 's'}`}
            {counts.total > 0 && ` · ${countsSummary(counts)}`}
          </p>
        </div>
      </header>

      <div className="toolbar">
        <SearchBox value={s.query} onChange={s.setQuery} />
        <label className="host-filter">
          <span className="muted">Host</span>
          <select aria-label="Filter by host" value={s.hostFilter} onChange={(e) => s.setHostFilter(e.target.value)}>
            <option value="">Every host</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <StateSegments filters={FILTERS} value={s.stateFilter} counts={filterCounts} onChange={s.setStateFilter} />
        <label className="check toggle-group">
          <input type="checkbox" checked={s.group} onChange={(e) => s.setGroup(e.target.checked)} />
          <span>Group by host</span>
        </label>
      </div>

      {s.selected.size > 0 && <BulkBar count={s.selected.size} note={selectedHosts > 1 ? ` on ${selectedHosts} hosts` : ''} selected={selectedList} ask={ask} onClear={s.clearSelection} />}

      <div className="table table-hosts" role="table" aria-label="Containers on all hosts" aria-rowcount={visibleKeys.length + 1}>
        <ListHead view={s} hostColumn allSelected={allVisibleSelected} onSelectAll={(on) => (on ? s.setSelected(new Set([...s.selected, ...visibleKeys])) : s.clearSelection())} />
        <div ref={scrollRef} className="tbody" role="rowgroup" data-testid="container-scroll">
          {hosts.length === 0 && <div className="empty muted">Waiting for the host list…</div>}
          {anyLoaded && visibleKeys.length === 0 && rows.every((r) => r.kind !== 'host' || !r.problem) && (
            <div className="empty">
              {counts.total === 0 ? (
                <h2>No containers on any connected host</h2>
              ) : (
                <>
                  <h2>No container matches</h2>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => {
                      s.setQuery('');
                      s.setStateFilter('all');
                      s.setHostFilter('');
                    }}
                  >
                    Clear filters
                  </button>
                </>
              )}
            </div>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const r = rows[vi.index];
              if (!r) return null;
              return (
                <div key={vi.key} className="vrow" style={{ transform: `translateY(${vi.start}px)`, height: vi.size }}>
                  {r.kind === 'host' ? (
                    <HostGroupHeader row={r} onAction={(keys, a) => ask(byKeys(keys), a)} />
                  ) : (
                    <ContainerRow
                      c={r.container}
                      rowKey={r.key}
                      host={{ id: r.hostId, name: r.hostName }}
                      grouped={r.grouped}
                      selected={s.selected.has(r.key)}
                      pending={s.pending[r.key]}
                      error={s.errors[r.key]}
                      onToggle={s.toggleSelected}
                      onAction={onAction}
                      onDismiss={s.dismissError}
                      onOpen={openDetail}
                      stats={statsByKey.get(r.key)}
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

function HostGroupHeader({ row, onAction }: { row: Extract<AllRow, { kind: 'host' }>; onAction(keys: string[], a: ContainerAction): void }) {
  const toggle = useAllHosts((s) => s.toggleCollapsed);
  const selected = useAllHosts((s) => s.selected);
  const setSelected = useAllHosts((s) => s.setSelected);
  const navigate = useApp((a) => a.navigate);
  const reconnect = useApp((a) => a.reconnect);
  const all = row.keys.length > 0 && row.keys.every((k) => selected.has(k));
  const tone = row.state === 'unreachable' || row.state === 'unresponsive' || (row.problem && row.loaded) ? 'bad' : row.problem || row.state === 'degraded' ? 'warn' : 'ok';
  return (
    <div role="row" aria-label={`Host ${row.name}`} className={`group-row host-group host-group-${tone}`} data-testid="host-group" data-host={row.hostId} data-state={row.state}>
      <div role="cell" className="cell cell-check">
        {!row.problem && (
          <input
            type="checkbox"
            aria-label={`Select all on ${row.name}`}
            checked={all}
            onChange={(e) => {
              const next = new Set(selected);
              for (const k of row.keys) {
                if (e.target.checked) next.add(k);
                else next.delete(k);
              }
              setSelected(next);
            }}
          />
        )}
      </div>
      <div role="cell" className="cell group-title">
        {!row.problem && (
          <button type="button" className="group-toggle" aria-expanded={!row.collapsed} aria-label={`${row.collapsed ? 'Expand' : 'Collapse'} ${row.name}`} onClick={() => toggle(row.hostId)}>
            <ChevronIcon className={row.collapsed ? 'chev' : 'chev chev-open'} />
          </button>
        )}
        <span className={`pill pill-${row.state}`}>
          <span className="dot" />
        </span>
        <a
          className="group-name"
          href={`#/h/${encodeURIComponent(row.hostId)}/containers`}
          onClick={(e) => {
            e.preventDefault();
            navigate({ name: 'containers' }, row.hostId);
          }}
        >
          {row.name}
        </a>
        {row.state === 'degraded' && !row.problem && (
          <span className="host-problem host-problem-warn" role="status" data-testid="host-problem">
            {stateText(row)}
          </span>
        )}
        {row.problem ? (
          <span className={`host-problem host-problem-${tone}`} role={tone === 'bad' ? 'alert' : 'status'} data-testid="host-problem" title={row.hint}>
            {row.problem}
          </span>
        ) : (
          <span className="muted">
            {row.count} container{row.count === 1 ? '' : 's'} · {row.running} running
          </span>
        )}
      </div>
      <div role="cell" className="cell group-actions">
        {row.state === 'unreachable' ? (
          <button type="button" className="btn btn-sm" onClick={() => void reconnect(row.hostId)}>
            Retry now
          </button>
        ) : (
          !row.problem && (
            <>
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Start all on ${row.name}`} onClick={() => onAction(row.keys, 'start')} disabled={row.running === row.count}>
                <PlayIcon /> Start all
              </button>
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Stop all on ${row.name}`} onClick={() => onAction(row.keys, 'stop')} disabled={row.running === 0}>
                <StopIcon /> Stop all
              </button>
            </>
          )
        )}
      </div>
    </div>
  );
}
