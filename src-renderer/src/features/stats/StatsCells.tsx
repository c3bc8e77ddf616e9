// The CPU and memory cells of a container row (live for rows on screen).
import type { DerivedSample } from '@contract/index';
import { cpuTone, formatBytes, formatPercent, memTone } from '../../presenters/stats-presenter';
import './stats.css';

export function StatsCells({ running, stats }: { running: boolean; stats?: DerivedSample }) {
  if (!running) {
    return (
      <>
        <div role="cell" className="cell cell-cpu muted">—</div>
        <div role="cell" className="cell cell-mem muted">—</div>
      </>
    );
  }
  if (!stats) {
    return (
      <>
        <div role="cell" className="cell cell-cpu muted" aria-label="CPU: waiting for the first sample">…</div>
        <div role="cell" className="cell cell-mem muted" aria-label="Memory: waiting for the first sample">…</div>
      </>
    );
  }
  const memPct = stats.memPercent;
  return (
    <>
      <div role="cell" className={`cell cell-cpu stat-${cpuTone(stats)}`} data-testid="cpu-cell" title={`${stats.cpuPercent.toFixed(2)} % of one core (${stats.onlineCpus} CPUs)`}>
        <span className="stat-num">{formatPercent(stats.cpuPercent)}</span>
      </div>
      <div
        role="cell"
        className={`cell cell-mem stat-${memTone(memPct)}`}
        data-testid="mem-cell"
        title={`${formatBytes(stats.memUsed)} of ${formatBytes(stats.memLimit)} (${formatPercent(memPct)}), page cache excluded`}
      >
        <span className="stat-num">{formatBytes(stats.memUsed)}</span>
        <span className="meter" aria-hidden>
          <span style={{ width: `${Math.min(100, memPct)}%` }} />
        </span>
      </div>
    </>
  );
}
