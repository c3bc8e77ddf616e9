// The four charts of a container or a compose project (recharts, SVG): CPU %, memory with its
// limit line, network rx/tx and block I/O, over a time window. Readings are connected within the
// recording interval (30 s background readings draw a line, not dots); only where nothing was
// recorded (the container was stopped, history was off) does the line break. A reading alone
// between two breaks is drawn as a dot. Each chart is a named focus stop (recharts' keyboard
// layer: arrows move the tooltip), named after what it shows.
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsPoint } from '@contract/index';
import { byteAxis, formatBytes, formatPercent, formatRate, formatTick, maxGapMs, withGaps, type ChartRow } from '../../presenters/stats-presenter';
import './stats.css';

const tooltipStyle = {
  contentStyle: { background: 'var(--panel-2)', border: '1px solid var(--line-2)', borderRadius: 6, fontSize: 12, color: 'var(--text)' },
  labelStyle: { color: 'var(--muted)' },
};

function spanText(ms: number): string {
  if (ms >= 86_400_000) return `${Math.round(ms / 86_400_000)} days`.replace(/^1 days$/, '24 hours');
  if (ms >= 3_600_000) return `${Math.round(ms / 3_600_000)} hour${ms >= 7_200_000 ? 's' : ''}`;
  return `${Math.round(ms / 60_000)} minutes`;
}

function TimeAxis({ start, end }: { start: number; end: number }) {
  // Five evenly spaced ticks: recharts picks none inside a time domain on its own.
  const ticks = [0, 1, 2, 3, 4].map((i) => Math.round(start + ((end - start) * i) / 4));
  return <XAxis dataKey="t" type="number" scale="time" domain={[start, end]} ticks={ticks} tickFormatter={(t: number) => formatTick(t, end - start)} minTickGap={24} stroke="var(--line-2)" />;
}

/** recharts `dot`: a dot only on a reading that has no neighbour to draw a line to. */
function loneDot(color: string) {
  return function LoneDot(props: { cx?: number; cy?: number; index?: number; payload?: ChartRow }) {
    if (!props.payload?.lone || props.cx === undefined || props.cy === undefined) return <g key={props.index} />;
    return <circle key={props.index} cx={props.cx} cy={props.cy} r={2.5} fill={color} stroke="none" className="chart-lone-dot" />;
  };
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

export function StatsCharts({
  points,
  resolutionSec,
  recordingSec,
  start,
  end,
  memLimit,
}: {
  points: readonly StatsPoint[];
  resolutionSec: number;
  /** Longest interval between two recorded readings (stats.history recordingSec; 30 s). */
  recordingSec?: number;
  start: number;
  end: number;
  memLimit?: number;
}) {
  const rows = withGaps(points, maxGapMs(resolutionSec * 1000, recordingSec !== undefined ? recordingSec * 1000 : undefined));
  const empty = points.length === 0;
  const last = points[points.length - 1];
  const peakMem = points.reduce((m, p) => Math.max(m, p.memUsed), 0);
  // Draw the limit line when it is on a readable scale; an unlimited container's "limit" is the
  // host's memory, which would flatten the usage line to zero.
  const limitOnScale = memLimit !== undefined && memLimit > 0 && memLimit <= Math.max(peakMem, 1) * 4;
  const label = (t: unknown): string => new Date(Number(t)).toLocaleString();
  const common = { data: rows, margin: { top: 4, right: 8, bottom: 0, left: 0 } };
  const span = `the last ${spanText(end - start)}`;
  const netAxis = byteAxis(points.reduce((m, p) => Math.max(m, p.netRxRate, p.netTxRate), 0), '/s');
  const ioAxis = byteAxis(points.reduce((m, p) => Math.max(m, p.blockReadRate, p.blockWriteRate), 0), '/s');
  return (
    <div className="charts">
      <Card title="CPU" now={last ? formatPercent(last.cpuPercent) : undefined} empty={empty}>
        <AreaChart {...common} aria-label={`CPU over ${span}${last ? `, now ${formatPercent(last.cpuPercent)}` : ''}`}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={56} tickFormatter={(v: number) => formatPercent(v)} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v) => [formatPercent(Number(v)), 'CPU']} />
          <Area type="monotone" dataKey="cpuPercent" name="CPU" stroke="var(--accent)" fill="var(--accent)" fillOpacity={0.18} isAnimationActive={false} connectNulls={false} dot={loneDot('var(--accent)')} />
        </AreaChart>
      </Card>
      <Card
        title="Memory"
        now={last ? `${formatBytes(last.memUsed)}${memLimit ? ` / ${formatBytes(memLimit)}${limitOnScale ? '' : ' limit'}` : ''}` : undefined}
        empty={empty}
      >
        <AreaChart {...common} aria-label={`Memory used over ${span}${last ? `, now ${formatBytes(last.memUsed)}` : ''}`}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={64} tickFormatter={(v: number) => formatBytes(v)} stroke="var(--line-2)" domain={[0, limitOnScale ? Math.max(memLimit!, peakMem) * 1.05 : 'auto']} />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v) => [formatBytes(Number(v)), 'Used']} />
          {limitOnScale && <ReferenceLine y={memLimit} stroke="var(--bad)" strokeDasharray="6 4" label={{ value: `limit ${formatBytes(memLimit!)}`, position: 'insideTopRight', fill: 'var(--bad)', fontSize: 11 }} />}
          <Area type="monotone" dataKey="memUsed" name="Used" stroke="var(--ok)" fill="var(--ok)" fillOpacity={0.18} isAnimationActive={false} connectNulls={false} dot={loneDot('var(--ok)')} />
        </AreaChart>
      </Card>
      <Card title="Network" now={last ? `↓ ${formatRate(last.netRxRate)} ↑ ${formatRate(last.netTxRate)}` : undefined} empty={empty}>
        <LineChart {...common} aria-label={`Network received and sent over ${span}${last ? `, now ${formatRate(last.netRxRate)} in, ${formatRate(last.netTxRate)} out` : ''}`}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={72} ticks={netAxis.ticks} domain={[0, netAxis.top]} tickFormatter={netAxis.format} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v, n) => [formatRate(Number(v)), n]} />
          <Line type="monotone" dataKey="netRxRate" name="Received" stroke="var(--accent)" dot={loneDot('var(--accent)')} isAnimationActive={false} connectNulls={false} />
          <Line type="monotone" dataKey="netTxRate" name="Sent" stroke="var(--busy)" dot={loneDot('var(--busy)')} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </Card>
      <Card title="Block I/O" now={last ? `R ${formatRate(last.blockReadRate)} W ${formatRate(last.blockWriteRate)}` : undefined} empty={empty}>
        <LineChart {...common} aria-label={`Block I/O read and written over ${span}${last ? `, now ${formatRate(last.blockReadRate)} read, ${formatRate(last.blockWriteRate)} written` : ''}`}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <TimeAxis start={start} end={end} />
          <YAxis width={72} ticks={ioAxis.ticks} domain={[0, ioAxis.top]} tickFormatter={ioAxis.format} stroke="var(--line-2)" />
          <Tooltip {...tooltipStyle} labelFormatter={label} formatter={(v, n) => [formatRate(Number(v)), n]} />
          <Line type="monotone" dataKey="blockReadRate" name="Read" stroke="var(--ok)" dot={loneDot('var(--ok)')} isAnimationActive={false} connectNulls={false} />
          <Line type="monotone" dataKey="blockWriteRate" name="Write" stroke="var(--warn)" dot={loneDot('var(--warn)')} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </Card>
    </div>
  );
}
