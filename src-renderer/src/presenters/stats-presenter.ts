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

/** A chart row: a reading, or an empty row that breaks the line. `lone`: a reading with a break on both sides (drawn as a dot). */
export type ChartRow = { t: number; lone?: true } & Partial<Omit<StatsPoint, 't'>>;

/**
 * The longest spacing of two readings that the chart still connects. Readings are recorded at
 * their own pace, not the window's resolution: every second while someone watches, every
 * `recordingMs` (30 s) in the background. Two readings further apart than twice the recording
 * interval (or 3 points of a coarser window) mean nothing was recorded in between — the container
 * was not running, or history was off — and only there does the line break.
 */
export function maxGapMs(resolutionMs: number, recordingMs = 30_000): number {
  return Math.max(3 * resolutionMs, 2 * recordingMs);
}

/** Insert an empty row where two readings are further apart than `maxGap` ms, so lines break there and only there. */
export function withGaps(points: readonly StatsPoint[], maxGap: number): ChartRow[] {
  const out: ChartRow[] = [];
  let prev: StatsPoint | undefined;
  let runStart = 0; // index in out of the first reading of the current run
  const closeRun = (): void => {
    // A run of one reading draws no line: mark it so the chart shows a dot.
    if (out.length - runStart === 1 && out[runStart]!.cpuPercent !== undefined) out[runStart] = { ...out[runStart]!, lone: true };
  };
  for (const p of points) {
    if (prev && p.t - prev.t > maxGap) {
      closeRun();
      out.push({ t: prev.t + 1 });
      runStart = out.length;
    }
    out.push(p);
    prev = p;
  }
  if (out.length > 0) closeRun();
  return out;
}

export interface ByteAxis {
  ticks: number[];
  top: number;
  format(v: number): string;
}

/**
 * A byte (or byte-rate) axis from 0 to at least `max`: ticks on a round step in one binary unit,
 * labelled with exactly the digits the step needs, so no two ticks read the same
 * (no "1 B/s, 1 B/s, 2 B/s" when the rates are tiny).
 */
export function byteAxis(max: number, suffix = '', count = 4): ByteAxis {
  const m = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = m / count;
  let u = 0;
  while (u < UNITS.length - 1 && rough / 1024 ** u >= 512) u++;
  const r = rough / 1024 ** u;
  const mag = 10 ** Math.floor(Math.log10(r));
  const steps = u === 0 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let s = steps.map((k) => k * mag).find((x) => x >= r - 1e-12) ?? 10 * mag;
  if (u === 0) s = Math.max(1, Math.round(s)); // no fractions of a byte
  const step = s * 1024 ** u;
  const n = Math.max(1, Math.ceil(m / step - 1e-9));
  const ticks = Array.from({ length: n + 1 }, (_, i) => i * step);
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(s * 10 ** decimals) - s * 10 ** decimals) > 1e-6) decimals++;
  return {
    ticks,
    top: n * step,
    format: (v: number) => (v === 0 ? '0' : `${(v / 1024 ** u).toFixed(decimals)} ${UNITS[u]}${suffix}`),
  };
}
