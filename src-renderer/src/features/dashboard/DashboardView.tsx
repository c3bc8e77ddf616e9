// Dashboard: the engine's host (/info), totals over all running containers, top consumers,
// counts by state, and the charts of a compose project as a whole.
import { useEffect, useMemo, useState } from 'react';
import { engineAttached, type StatsWindow } from '@contract/index';
import { STATE_GROUPS, countStates, type StateGroup } from '@contract/container-status';
import type { EngineHostInfo } from '@contract/procedures/stats';
import { call, errorText } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { formatBytes, formatPercent, totalsOf } from '../../presenters/stats-presenter';
import { useLiveStats } from '../stats/use-stats';
import { StatsPanel, WindowPicker } from '../stats/StatsPanel';
import '../stats/stats.css';

// Counted by container-status.ts countStates, like the Containers page and the tray.
const SHOWN_ALWAYS: ReadonlySet<StateGroup> = new Set(['running', 'stopped']);

export function DashboardView() {
  const hostId = useContainers((s) => s.hostId);
  const byId = useContainers((s) => s.byId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const navigate = useApp((a) => a.navigate);
  const [info, setInfo] = useState<EngineHostInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const connected = engineAttached(host?.state);

  useEffect(() => {
    if (!connected) return;
    let cancelled = false;
    call('stats.engineHost', { hostId }).then(
      (i) => !cancelled && (setInfo(i), setInfoError(null)),
      (e: unknown) => !cancelled && setInfoError(errorText(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [hostId, connected]);

  const live = useLiveStats(hostId, connected ? 'all' : null);
  const samples = useMemo(() => [...live.values()], [live]);
  const totals = totalsOf(samples);
  const topCpu = [...samples].sort((a, b) => b.cpuPercent - a.cpuPercent).slice(0, 5);
  const topMem = [...samples].sort((a, b) => b.memUsed - a.memUsed).slice(0, 5);
  const counts = useMemo(() => countStates(byId.values()), [byId]);
  const projects = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const c of byId.values()) if (c.composeProject) m.set(c.composeProject, [...(m.get(c.composeProject) ?? []), c.id]);
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [byId]);
  const [project, setProject] = useState<string>('');
  const [win, setWin] = useState<StatsWindow>('5m');
  const selected = projects.find(([p]) => p === project) ?? projects[0];
  const runningIdsOf = (ids: string[]): string[] => ids.filter((id) => byId.get(id)?.state === 'running');

  const open = (id: string): void => navigate({ name: 'container', id, tab: 'stats' });
  const cpus = info?.cpus ?? samples[0]?.onlineCpus ?? 0;

  return (
    <section className="view dash" aria-label="Dashboard">
      <header className="view-header">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">{host?.name ?? 'Local engine'} · live, once per second</p>
        </div>
      </header>
      {infoError && (
        <div className="banner banner-error" role="alert">
          Could not read the engine's host: {infoError}
        </div>
      )}
      <div className="dash-grid">
        <div className="dash-card" aria-label="Engine host">
          <h2>Engine host</h2>
          {info ? (
            <dl className="dash-kv">
              <dt>CPUs</dt>
              <dd data-testid="engine-cpus">{info.cpus}</dd>
              <dt>Memory</dt>
              <dd>{formatBytes(info.memTotal)}</dd>
              <dt>OS</dt>
              <dd title={info.os}>{info.os}</dd>
              <dt>Kernel</dt>
              <dd title={info.kernel}>{info.kernel}</dd>
              <dt>Engine</dt>
              <dd>
                {info.engineVersion} ({info.arch})
              </dd>
              <dt>Storage</dt>
              <dd>
                {info.storageDriver} · cgroup v{info.cgroupVersion}
              </dd>
            </dl>
          ) : (
            <span className="muted">{connected ? 'Loading…' : 'Engine not connected'}</span>
          )}
        </div>
        <div className="dash-card" aria-label="Total CPU">
          <h2>CPU, all containers</h2>
          <div className="dash-big" data-testid="total-cpu">
            {formatPercent(totals.cpuPercent)}
          </div>
          <span className="muted small">{cpus > 0 ? `of ${cpus * 100} % (${cpus} CPUs) · ${formatPercent(totals.cpuPercent / cpus)} of the host` : ''}</span>
        </div>
        <div className="dash-card" aria-label="Total memory">
          <h2>Memory, all containers</h2>
          <div className="dash-big" data-testid="total-mem">
            {formatBytes(totals.memUsed)}
          </div>
          <span className="muted small">{info ? `of ${formatBytes(info.memTotal)} · ${formatPercent((totals.memUsed / info.memTotal) * 100)}` : ''} (page cache excluded)</span>
        </div>
        <div className="dash-card" aria-label="Containers by state">
          <h2>Containers</h2>
          <div className="counts">
            {STATE_GROUPS.filter((g) => counts[g] > 0 || SHOWN_ALWAYS.has(g)).map((g) => (
              <span key={g} data-testid={`count-${g}`}>
                <b>{counts[g]}</b> {g}
              </span>
            ))}
          </div>
          <span className="muted small">{byId.size} in total</span>
        </div>
        <div className="dash-card" aria-label="Top CPU">
          <h2>Top CPU</h2>
          <TopList items={topCpu.map((s) => ({ id: s.id, name: s.name, value: formatPercent(s.cpuPercent) }))} open={open} running={counts.running} />
        </div>
        <div className="dash-card" aria-label="Top memory">
          <h2>Top memory</h2>
          <TopList items={topMem.map((s) => ({ id: s.id, name: s.name, value: formatBytes(s.memUsed) }))} open={open} running={counts.running} />
        </div>
      </div>

      <div className="dash-section" aria-label="Compose project stats">
        <h2>Compose projects</h2>
        {selected ? (
          <>
            <div className="stats-toolbar">
              <label className="field-inline">
                <span className="muted small">Project </span>
                <select aria-label="Compose project" value={selected[0]} onChange={(e) => setProject(e.target.value)}>
                  {projects.map(([p, ids]) => (
                    <option key={p} value={p}>
                      {p} ({ids.length})
                    </option>
                  ))}
                </select>
              </label>
              <WindowPicker value={win} onChange={setWin} />
            </div>
            <StatsPanel key={selected[0]} hostId={hostId} target={{ kind: 'project', project: selected[0], ids: runningIdsOf(selected[1]) }} window={win} />
          </>
        ) : (
          <p className="muted">No compose project on this engine. Containers started by docker compose are summed here per project.</p>
        )}
      </div>
    </section>
  );
}

function TopList({ items, open, running }: { items: { id: string; name: string; value: string }[]; open(id: string): void; running: number }) {
  // The first numbers need two engine readings (~2 s): say so instead of "nothing is running".
  if (items.length === 0) return <span className="muted small">{running > 0 ? 'Measuring…' : 'No running container'}</span>;
  return (
    <ol className="top-list">
      {items.map((i) => (
        <li key={i.id}>
          <a
            href={`#/containers/${encodeURIComponent(i.id)}/stats`}
            onClick={(e) => {
              e.preventDefault();
              open(i.id);
            }}
          >
            {i.name}
          </a>
          <span className="stat-num">{i.value}</span>
        </li>
      ))}
    </ol>
  );
}
