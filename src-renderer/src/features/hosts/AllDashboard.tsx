// Dashboard in All hosts: the totals of every connected host (CPU, memory, containers by state)
// and one line per host with its own numbers and state; each line opens that host's dashboard.
// Each host's containers and stats are their own subscriptions: an unreachable host shows its
// reason on its line and the others stay live.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { engineAnswering, type DerivedSample } from '@contract/index';
import { STATE_GROUPS, countStates } from '@contract/container-status';
import { useApp } from '../../stores/app-store';
import { useAllHosts } from '../../stores/all-hosts-store';
import { hostProblem, countAll, stateText } from '../../presenters/all-hosts-presenter';
import { formatBytes, formatPercent, totalsOf } from '../../presenters/stats-presenter';
import { HostStats } from './AllHostsView';
import '../stats/stats.css';

export function AllDashboard() {
  const hosts = useApp((a) => a.hosts);
  const navigate = useApp((a) => a.navigate);
  const slices = useAllHosts((s) => s.slices);
  const hostIds = hosts.map((h) => h.id).join('\n');
  useEffect(() => useAllHosts.getState().follow(hostIds ? hostIds.split('\n') : []), [hostIds]);
  useEffect(() => () => useAllHosts.getState().stopAll(), []);

  const [samples, setSamples] = useState<ReadonlyMap<string, ReadonlyMap<string, DerivedSample>>>(new Map());
  const onSamples = useCallback((hostId: string, m: ReadonlyMap<string, DerivedSample>) => {
    setSamples((prev) => {
      if (prev.get(hostId) === m || (m.size === 0 && !prev.get(hostId)?.size)) return prev;
      return new Map(prev).set(hostId, m);
    });
  }, []);
  const connected = hosts.filter((h) => engineAnswering(h.state));
  const perHost = hosts.map((h) => {
    const slice = slices[h.id];
    const problem = hostProblem(h, slice);
    const counts = countStates(problem === null && slice ? slice.byId.values() : []);
    const t = totalsOf(engineAnswering(h.state) ? (samples.get(h.id)?.values() ?? []) : []);
    return { host: h, problem, counts, totals: t };
  });
  const counts = useMemo(() => countAll(hosts, slices), [hosts, slices]);
  const total = perHost.reduce((a, p) => ({ cpuPercent: a.cpuPercent + p.totals.cpuPercent, memUsed: a.memUsed + p.totals.memUsed }), { cpuPercent: 0, memUsed: 0 });

  return (
    <section className="view dash" aria-label="Dashboard, all hosts">
      {connected.map((h) => (
        <HostStats key={h.id} hostId={h.id} ids="all" onSamples={onSamples} />
      ))}
      <header className="view-header">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">
            All hosts · {connected.length} of {hosts.length} connected · live, once per second
          </p>
        </div>
      </header>
      <div className="dash-grid">
        <div className="dash-card" aria-label="Total CPU">
          <h2>CPU, all hosts</h2>
          <div className="dash-big" data-testid="total-cpu">
            {formatPercent(total.cpuPercent)}
          </div>
          <span className="muted small">% of one core, summed over the running containers of every connected host</span>
        </div>
        <div className="dash-card" aria-label="Total memory">
          <h2>Memory, all hosts</h2>
          <div className="dash-big" data-testid="total-mem">
            {formatBytes(total.memUsed)}
          </div>
          <span className="muted small">page cache excluded</span>
        </div>
        <div className="dash-card" aria-label="Containers by state">
          <h2>Containers</h2>
          <div className="counts">
            {STATE_GROUPS.filter((g) => counts[g] > 0 || g === 'running' || g === 'stopped').map((g) => (
              <span key={g} data-testid={`count-${g}`}>
                <b>{counts[g]}</b> {g}
              </span>
            ))}
          </div>
          <span className="muted small">{counts.total} on the connected hosts</span>
        </div>
      </div>
      <div className="dash-section" aria-label="Per host">
        <h2>Per host</h2>
        <table className="host-table">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">State</th>
              <th scope="col">Containers</th>
              <th scope="col">Running</th>
              <th scope="col">CPU</th>
              <th scope="col">Memory</th>
            </tr>
          </thead>
          <tbody>
            {perHost.map(({ host: h, problem, counts: c, totals: t }) => (
              <tr key={h.id} data-testid="host-line" data-host={h.id}>
                <th scope="row">
                  <a
                    href={`#/h/${encodeURIComponent(h.id)}/dashboard`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate({ name: 'dashboard' }, h.id);
                    }}
                  >
                    {h.name}
                  </a>
                </th>
                <td className={problem && (h.state === 'unreachable' || h.state === 'unresponsive') ? 'host-problem-bad' : problem || h.state === 'degraded' ? 'host-problem-warn' : ''}>
                  <span className={`pill pill-${h.state}`}>
                    <span className="dot" />
                    <span>{problem ?? stateText(h)}</span>
                  </span>
                </td>
                <td>{problem ? '—' : c.total}</td>
                <td>{problem ? '—' : c.running}</td>
                <td>{problem ? '—' : formatPercent(t.cpuPercent)}</td>
                <td>{problem ? '—' : formatBytes(t.memUsed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
