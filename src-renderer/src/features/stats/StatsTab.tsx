// The Stats tab of a container: the numbers now, and charts over 5 minutes to 7 days.
import { useState } from 'react';
import type { ContainerSummary, DerivedSample, StatsWindow } from '@contract/index';
import { useContainers } from '../../stores/containers-store';
import { formatBytes, formatPercent, formatRate } from '../../presenters/stats-presenter';
import { StatsPanel, WindowPicker } from './StatsPanel';
import './stats.css';

export function StatsTab({ container }: { container: ContainerSummary }) {
  const hostId = useContainers((s) => s.hostId);
  const [win, setWin] = useState<StatsWindow>('5m');
  const running = container.state === 'running';
  // One subscription for the strip and the charts: the panel owns it and hands us its latest sample.
  const header = (latest: ReadonlyMap<string, DerivedSample>) => {
    const s = latest.get(container.id);
    return (
      <div className="stats-toolbar">
        <WindowPicker value={win} onChange={setWin} />
        {s ? (
          <div className="stats-now" aria-label="Current stats">
            <span>
              CPU <b>{formatPercent(s.cpuPercent)}</b>
            </span>
            <span>
              Memory <b>{formatBytes(s.memUsed)}</b> / {formatBytes(s.memLimit)} ({formatPercent(s.memPercent)})
            </span>
            <span>
              Net ↓ <b>{formatRate(s.netRxRate)}</b> ↑ <b>{formatRate(s.netTxRate)}</b>
            </span>
            <span>
              Disk R <b>{formatRate(s.blockReadRate)}</b> W <b>{formatRate(s.blockWriteRate)}</b>
            </span>
            <span>
              PIDs <b>{s.pids}</b>
            </span>
          </div>
        ) : (
          <span className="muted small">{running ? 'Waiting for the first sample…' : 'Not running: showing recorded history.'}</span>
        )}
      </div>
    );
  };
  return (
    <div className="stats-tab" data-testid="stats-tab">
      <StatsPanel hostId={hostId} target={{ kind: 'container', id: container.id }} window={win} live={running} header={header} />
    </div>
  );
}
