// /metrics for serve mode: per-container CPU, memory, network and block I/O rates (the StatsHub's
// latest samples), container counts by state, engine up, open alerts. While metrics are on, the
// collector holds a stats subscription to every running container so rates are always current
// (a scrape then costs no engine request).
import type { ContainerState, DerivedSample } from '../../contract';
import { ContainerStateSchema, engineAnswering } from '../../contract/models';
import type { CoreContext } from '../context';
import { formatPrometheus, type MetricFamily } from './prometheus';

export interface MetricsSource {
  hosts(): { id: string; up: boolean; containers: { id: string; name: string; state: ContainerState; composeProject?: string }[] }[];
  samples(hostId: string): DerivedSample[];
  openAlerts(): { hostId: string; condition: string }[];
}

/** Pure: families from a source (unit-tested with a fake source). */
export function buildFamilies(src: MetricsSource): MetricFamily[] {
  const hosts = src.hosts();
  const fam = (name: string, help: string): MetricFamily => ({ name, help, type: 'gauge', samples: [] });
  const cpu = fam('wakedock_container_cpu_percent', 'CPU use in % of one core (100 = one core busy), as docker stats shows it.');
  const memUsed = fam('wakedock_container_memory_used_bytes', 'Memory used without the page cache, in bytes.');
  const memLimit = fam('wakedock_container_memory_limit_bytes', "The container's memory limit (the host's memory when unlimited), in bytes.");
  const rx = fam('wakedock_container_network_receive_bytes_per_second', 'Network bytes received per second.');
  const tx = fam('wakedock_container_network_transmit_bytes_per_second', 'Network bytes sent per second.');
  const br = fam('wakedock_container_block_read_bytes_per_second', 'Block device bytes read per second.');
  const bw = fam('wakedock_container_block_write_bytes_per_second', 'Block device bytes written per second.');
  const counts = fam('wakedock_containers', 'Containers by state.');
  const up = fam('wakedock_engine_up', '1 when the Docker engine of the host is reachable, else 0.');
  const alerts = fam('wakedock_alerts_open', 'Open alerts by host and condition.');

  for (const h of hosts) {
    up.samples.push({ labels: { host: h.id }, value: h.up ? 1 : 0 });
    const byState = new Map<string, number>(ContainerStateSchema.options.map((s) => [s, 0]));
    for (const c of h.containers) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
    for (const [state, n] of byState) counts.samples.push({ labels: { host: h.id, state }, value: n });
    const running = new Map(h.containers.filter((c) => c.state === 'running' || c.state === 'paused').map((c) => [c.id, c]));
    for (const s of src.samples(h.id)) {
      const c = running.get(s.id);
      if (!c) continue; // stopped since its last sample
      const labels = { host: h.id, id: s.id, name: c.name, compose_project: c.composeProject ?? '' };
      cpu.samples.push({ labels, value: round(s.cpuPercent) });
      memUsed.samples.push({ labels, value: s.memUsed });
      memLimit.samples.push({ labels, value: s.memLimit });
      rx.samples.push({ labels, value: round(s.netRxRate) });
      tx.samples.push({ labels, value: round(s.netTxRate) });
      br.samples.push({ labels, value: round(s.blockReadRate) });
      bw.samples.push({ labels, value: round(s.blockWriteRate) });
    }
  }
  const openAlerts = src.openAlerts();
  const open = new Map<string, { hostId: string; condition: string; n: number }>();
  for (const a of openAlerts) {
    const k = `${a.hostId}|${a.condition}`;
    const e = open.get(k) ?? { hostId: a.hostId, condition: a.condition, n: 0 };
    e.n++;
    open.set(k, e);
  }
  for (const e of open.values()) alerts.samples.push({ labels: { host: e.hostId, condition: e.condition }, value: e.n });
  const total: MetricFamily = { name: 'wakedock_alerts_open_total', help: 'Open alerts in all.', type: 'gauge', samples: [{ value: openAlerts.length }] };
  return [cpu, memUsed, memLimit, rx, tx, br, bw, counts, up, alerts, total];
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface MetricsCollector {
  render(): string;
  dispose(): void;
}

export function createMetricsCollector(ctx: CoreContext): MetricsCollector {
  const latest = new Map<string, Map<string, DerivedSample>>();
  const { stats, alerts } = ctx.services;
  // Every host, including hosts added later; a removed host's readings go with it.
  const stopFollowing = ctx.hosts.forEachHost((conn) => {
    const m = new Map<string, DerivedSample>();
    latest.set(conn.id, m);
    const off = stats.subscribe(conn.id, 'all', (batch) => {
      for (const s of batch) m.set(s.id, s);
    });
    return () => {
      off();
      latest.delete(conn.id);
    };
  });
  const source: MetricsSource = {
    hosts: () =>
      ctx.hosts.list().map((h) => {
        const conn = ctx.hosts.get(h.id);
        return { id: h.id, up: engineAnswering(h.state), containers: engineAnswering(h.state) ? conn.cached : [] };
      }),
    samples: (hostId) => [...(latest.get(hostId)?.values() ?? [])],
    openAlerts: () => alerts.listAlerts('open', 1000),
  };
  const collector: MetricsCollector = {
    render: () => {
      // Forget containers that are gone, so the map stays bounded.
      for (const h of source.hosts()) {
        const m = latest.get(h.id);
        const alive = new Set(h.containers.map((c) => c.id));
        if (m) for (const id of m.keys()) if (!alive.has(id)) m.delete(id);
      }
      return formatPrometheus(buildFamilies(source));
    },
    dispose: () => stopFollowing(),
  };
  ctx.onDispose(collector.dispose);
  return collector;
}
