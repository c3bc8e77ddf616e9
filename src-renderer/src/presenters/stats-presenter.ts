// Pure presenters for stats numbers: bytes, rates, percentages (no React here).
import type { DerivedSample, StatsPoint } from '@contract/index';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB", like `docker stats` (binary units). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${UNITS[u]}`;
}

/** Bytes per second → "1.2 MiB/s". */
export function formatRate(n: number): string {
  return `${formatBytes(n)}/s`;
}

/** 12.345 → "12.3 %", 0.04 → "0.04 %" (small values keep their digits so idle ≠ zero). */
export function formatPercent(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n === 0) return '0 %';
  if (n < 1) return `${n.toFixed(2)} %`;
  if (n < 100) return `${n.toFixed(1)} %`;
  return `${Math.round(n)} %`;
}

/** Tone of a CPU % relative to the CPUs the container can use. */
export function cpuTone(s: DerivedSample): 'ok' | 'warn' | 'bad' {
  const share = s.onlineCpus > 0 ? s.cpuPercent / (s.onlineCpus * 100) : 0;
  return share >= 0.9 ? 'bad' : share >= 0.6 ? 'warn' : 'ok';
}

export function memTone(percent: number): 'ok' | 'warn' | 'bad' {
  return percent >= 90 ? 'bad' : percent >= 75 ? 'warn' : 'ok';
}

/** Axis tick for a time: HH:MM (windows up to a day) or a short date. */
export function formatTick(t: number, spanMs: number): string {
  const d = new Date(t);
  const pad = (x: number): string => String(x).padStart(2, '0');
  if (spanMs <= 10 * 60_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (spanMs <= 86_400_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}h`;
}

export interface Totals {
  cpuPercent: number;
  memUsed: number;
  count: number;
}

export function totalsOf(samples: Iterable<DerivedSample>): Totals {
  let cpuPercent = 0;
  let memUsed = 0;
  let count = 0;
  for (const s of samples) {
    cpuPercent += s.cpuPercent;
    memUsed += s.memUsed;
    count++;
  }
  return { cpuPercent, memUsed, count };
}

export type ChartRow = { t: number } & Partial<Omit<StatsPoint, 't'>>;

/** Insert an empty point where two points are further apart than 3 resolutions, so lines break. */
export function withGaps(points: readonly StatsPoint[], resolutionMs: number): ChartRow[] {
  const out: ChartRow[] = [];
  let prev: StatsPoint | undefined;
  for (const p of points) {
    if (prev && p.t - prev.t > 3 * resolutionMs) out.push({ t: prev.t + resolutionMs });
    out.push(p);
    prev = p;
  }
  return out;
}
