// The four charts of a container or a compose project (recharts, SVG): CPU %, memory with its
// limit line, network rx/tx and block I/O, over a time window. Gaps (the container was stopped)
// break the lines instead of drawing a straight bridge.
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsPoint } from '@contract/index';
import { formatBytes, formatPercent, formatRate, formatTick, withGaps } from '../../presenters/stats-presenter';
import './stats.css';

const tooltipStyle = {
  contentStyle: { background: 'var(--panel-2)', border: '1px solid var(--line-2)', borderRadius: 6, fontSize: 12, color: 'var(--text)' },
  labelStyle: { color: 'var(--muted)' },
};

function TimeAxis({ start, end }: { start: number; end: number }) {
  // Five evenly spaced ticks: recharts picks none inside a time domain on its own.
  const ticks = [0, 1, 2, 3, 4].map((i) => Math.round(start + ((end - start) * i) / 4));
  return <XAxis dataKey="t" type="number" scale="time" domain={[start, end]} ticks={ticks} tickFormatter={(t: number) => formatTick(t, end - start)} minTickGap={24} stroke="var(--line-2)" />;
}

function Card({ title, now, children, empty }: { title: string; now?: string; children: React.ReactElement; empty: boolean }) {
  return (
    <div className="chart-card" role="figure" aria-label={`${title} chart`}>
      <h3>
        {title}
        {now && <span className="muted">{now}</span>}
      </h3>
      {empty ? (
        <div className="chart-empty">No samples in this window yet</div>
      ) : (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height="100%" minWidth={0}>
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

export function StatsCharts({ points, resolutionSec, start, end, memLimit }: { points: readonly StatsPoint[]; resolutionSec: number; start: number; end: number; memLimit?: number }) {
  const rows = withGaps(points, resolutionSec * 1000);
  const empty = points.length === 0;
  const last = points[points.length - 1];
  const peakMem = points.reduce((m, p) => Math.max(m, p.memUsed), 0);
  // Draw the limit line when it is on a readable scale; an unlimited container's "limit" is the
  // host's memory, which would flatten the usage line to zero.
  const limitOnScale = memLimit !== undefined && memLimit > 0 && memLimit <= Math.max(peakMem, 1) * 4;
  const label = (t: unknown): string => new Date(Number(t)).toLocaleString();
  const common = { data: rows, margin: { top: 4, right: 8, bottom: 0, left: 0 } };
  return (
    <div className="charts">
      <Card title="CPU" now={last ? formatPercent(last.cpuPercent) : undefined} empty={empty}>
        <AreaChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={56} tickFormatter={(v: number) => formatPercent(v)} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v) => [formatPercent(Number(v)), 'CPU']} />
          <Area type="monotone" dataKey="cpuPercent" name="CPU" stroke="var(--accent)" fill="var(--accent)" fillOpacity={0.18} isAnimationActive={false} connectNulls={false} />
        </AreaChart>
      </Card>
      <Card
        title="Memory"
        now={last ? `${formatBytes(last.memUsed)}${memLimit ? ` / ${formatBytes(memLimit)}${limitOnScale ? '' : ' limit'}` : ''}` : undefined}
        empty={empty}
      >
        <AreaChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={64} tickFormatter={(v: number) => formatBytes(v)} stroke="var(--line-2)" domain={[0, limitOnScale ? Math.max(memLimit!, peakMem) * 1.05 : 'auto']} />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v) => [formatBytes(Number(v)), 'Used']} />
          {limitOnScale && <ReferenceLine y={memLimit} stroke="var(--bad)" strokeDasharray="6 4" label={{ value: `limit ${formatBytes(memLimit!)}`, position: 'insideTopRight', fill: 'var(--bad)', fontSize: 11 }} />}
          <Area type="monotone" dataKey="memUsed" name="Used" stroke="var(--ok)" fill="var(--ok)" fillOpacity={0.18} isAnimationActive={false} connectNulls={false} />
        </AreaChart>
      </Card>
      <Card title="Network" now={last ? `↓ ${formatRate(last.netRxRate)} ↑ ${formatRate(last.netTxRate)}` : undefined} empty={empty}>
        <LineChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={72} tickFormatter={(v: number) => formatRate(v)} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v, n) => [formatRate(Number(v)), n]} />
          <Line type="monotone" dataKey="netRxRate" name="Received" stroke="var(--accent)" dot={false} isAnimationActive={false} connectNulls={false} />
          <Line type="monotone" dataKey="netTxRate" name="Sent" stroke="var(--busy)" dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </Card>
      <Card title="Block I/O" now={last ? `R ${formatRate(last.blockReadRate)} W ${formatRate(last.blockWriteRate)}` : undefined} empty={empty}>
        <LineChart {...common}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={72} tickFormatter={(v: number) => formatRate(v)} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v, n) => [formatRate(Number(v)), n]} />
          <Line type="monotone" dataKey="blockReadRate" name="Read" stroke="var(--ok)" dot={false} isAnimationActive={false} connectNulls={false} />
          <Line type="monotone" dataKey="blockWriteRate" name="Write" stroke="var(--warn)" dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </Card>
    </div>
  );
}
