// History + live for one container or one compose project: loads stats.history for the window,
// appends live samples (5-minute window) or refetches every minute (longer windows), and stops
// both while the window is hidden.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DerivedSample, StatsPoint, StatsWindow } from '@contract/index';
import { call, errorText } from '../../transport/client';
import { StatsCharts } from './StatsCharts';
import { useDocumentVisible, useLiveStats } from './use-stats';

export const WINDOWS: { key: StatsWindow; label: string; ms: number }[] = [
  { key: '5m', label: '5 min', ms: 5 * 60_000 },
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '24h', label: '24 hours', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
];

export type StatsTarget = { kind: 'container'; id: string } | { kind: 'project'; project: string; ids: readonly string[] };

function toPoint(s: DerivedSample): StatsPoint {
  return { t: s.t, cpuPercent: s.cpuPercent, memUsed: s.memUsed, memLimit: s.memLimit, netRxRate: s.netRxRate, netTxRate: s.netTxRate, blockReadRate: s.blockReadRate, blockWriteRate: s.blockWriteRate, pids: s.pids };
}

function sumPoint(samples: DerivedSample[], t: number): StatsPoint {
  const p: StatsPoint = { t, cpuPercent: 0, memUsed: 0, memLimit: 0, netRxRate: 0, netTxRate: 0, blockReadRate: 0, blockWriteRate: 0, pids: 0 };
  for (const s of samples) {
    p.cpuPercent += s.cpuPercent;
    p.memUsed += s.memUsed;
    p.netRxRate += s.netRxRate;
    p.netTxRate += s.netTxRate;
    p.blockReadRate += s.blockReadRate;
    p.blockWriteRate += s.blockWriteRate;
    p.pids += s.pids;
  }
  return p;
}

export function WindowPicker({ value, onChange }: { value: StatsWindow; onChange(w: StatsWindow): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="Time window">
      {WINDOWS.map((w) => (
        <button key={w.key} type="button" role="radio" aria-checked={value === w.key} className={value === w.key ? 'seg seg-on' : 'seg'} onClick={() => onChange(w.key)}>
          {w.label}
        </button>
      ))}
    </div>
  );
}

export function StatsPanel({
  hostId,
  target,
  window: win,
  live: liveOn = true,
  header,
}: {
  hostId: string;
  target: StatsTarget;
  window: StatsWindow;
  live?: boolean;
  /** Rendered above the charts with the latest live samples (the Stats tab's "now" strip). */
  header?: (latest: ReadonlyMap<string, DerivedSample>) => React.ReactNode;
}) {
  const visible = useDocumentVisible();
  const [points, setPoints] = useState<StatsPoint[]>([]);
  const [resolutionSec, setResolutionSec] = useState(1);
  const [recordingSec, setRecordingSec] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const spec = WINDOWS.find((w) => w.key === win)!;
  const targetKey = target.kind === 'container' ? `c:${target.id}` : `p:${target.project}`;

  // History: on open, on window change, when shown again, and every minute for the long windows.
  useEffect(() => {
    if (!visible) return;
    let cancelled = false;
    const load = async (): Promise<void> => {
      try {
        const h = await call('stats.history', target.kind === 'container' ? { hostId, id: target.id, window: win } : { hostId, project: target.project, window: win });
        if (cancelled) return;
        setPoints(h.points);
        setResolutionSec(h.resolutionSec);
        setRecordingSec(h.recordingSec);
        setNow(Date.now());
        setError(null);
      } catch (e) {
        if (!cancelled) setError(errorText(e));
      }
    };
    void load();
    const timer = win === '5m' ? null : setInterval(() => void load(), 60_000);
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- targetKey stands for target
  }, [hostId, targetKey, win, visible]);

  // Live: the 5-minute window grows by one point per batch (1 s resolution like the history).
  const ids = target.kind === 'container' ? [target.id] : target.ids.length > 0 ? target.ids : null;
  // A project's live point is the sum of the latest sample of each of its containers.
  const projectLatest = useRef(new Map<string, DerivedSample>());
  const onBatch = useCallback(
    (batch: DerivedSample[]) => {
      if (win !== '5m') return;
      const t = Date.now();
      setNow(t);
      const latestOfProject = projectLatest.current;
      for (const s of batch) latestOfProject.set(s.id, s);
      for (const [id, s] of latestOfProject) if (s.t < t - 10_000) latestOfProject.delete(id);
      const sum = sumPoint([...latestOfProject.values()], t);
      setPoints((prev) => {
        const cut = t - spec.ms;
        let next = prev.filter((p) => p.t >= cut);
        if (target.kind === 'container') {
          const s = batch.find((x) => x.id === target.id || x.name === target.id);
          if (s && (next.length === 0 || s.t > next[next.length - 1]!.t)) next = [...next, toPoint(s)];
        } else {
          next = [...next, sum];
        }
        return next;
      });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- targetKey stands for target
    [win, targetKey, spec.ms],
  );
  const latest = useLiveStats(hostId, liveOn ? ids : null, onBatch);

  const memLimit = target.kind === 'container' ? (latest.values().next().value?.memLimit ?? points[points.length - 1]?.memLimit) : undefined;
  return (
    <div className="stats-panel">
      {header?.(latest)}
      {error && (
        <div className="banner banner-error" role="alert">
          Could not load the history: {error}
        </div>
      )}
      <StatsCharts points={points} resolutionSec={win === '5m' ? 1 : resolutionSec} recordingSec={recordingSec} start={now - spec.ms} end={now} memLimit={memLimit} />
    </div>
  );
}
