// Pure view-model functions for the Services page (wake on demand).
import { cpuSavedAt, type WakeFileStatus, type WakeImportResult, type WakeProxyStatus, type WakeServiceView, type WakeWebhookInfo } from '@contract/wake-service';
import { formatBytes } from '../../presenters/stats-presenter';

export const STATE_LABEL: Record<WakeServiceView['state'], string> = {
  sleeping: 'Sleeping',
  waking: 'Waking',
  awake: 'Awake',
  failed: 'Failed',
  unavailable: 'Unavailable',
};

export const STATE_TONE: Record<WakeServiceView['state'], 'ok' | 'warn' | 'bad' | 'idle'> = {
  sleeping: 'idle',
  waking: 'warn',
  awake: 'ok',
  failed: 'bad',
  unavailable: 'bad',
};

/** "4m 05s", "1h 02m", "12s". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** "12 s ago", "just now", "never". */
export function ago(at: number | undefined, now: number): string {
  if (!at) return 'never';
  const d = now - at;
  return d < 2000 ? 'just now' : `${formatSpan(d)} ago`;
}

/** What the state column says beyond the label: the idle countdown, the wake's progress, the error. */
export function stateDetail(v: WakeServiceView, now: number): string {
  if (v.state === 'awake' && v.sleepsAt) {
    if (v.inFlight > 0) return `${v.inFlight} request${v.inFlight === 1 ? '' : 's'} in flight`;
    if (v.neededBy?.length) return `needed by ${v.neededBy.join(', ')}`;
    if (v.busy) return `busy: ${v.busy}`;
    return v.sleepsAt <= now ? 'going to sleep' : `sleeps in ${formatSpan(v.sleepsAt - now)}`;
  }
  if (v.state === 'waking' && v.wakingSince) return `for ${formatSpan(now - v.wakingSince)}${v.medianColdStartMs ? ` (usually ${formatSpan(v.medianColdStartMs)})` : ''}`;
  if ((v.state === 'failed' || v.state === 'unavailable') && v.message) return v.message;
  if (v.state === 'sleeping' && v.asleepSince !== undefined) return `for ${formatSpan(now - v.asleepSince)}`;
  return '';
}

/** The URL a hostname is served at through WakeDock's Caddy. */
export function hostUrl(host: string, proxy: WakeProxyStatus): string {
  const port = proxy.port && proxy.port !== 80 ? `:${proxy.port}` : '';
  return `http://${host}${port}/`;
}

export function targetText(v: WakeServiceView): string {
  const d = v.definition;
  if (d.compose) return `${d.compose.project}/${d.compose.service} (compose)`;
  if (d.containers) return d.containers.join(', ');
  return d.container ?? '';
}

export const PROXY_TEXT: Record<WakeProxyStatus['caddy'], string> = {
  running: 'Caddy is running',
  starting: 'Caddy is starting…',
  restarting: 'Caddy stopped; restarting…',
  failed: 'Caddy could not start',
  stopped: 'Caddy is stopped',
  absent: 'Caddy is not installed',
  disabled: 'Wake on demand is off',
};

/** Time asleep in total, the current sleep included (kept across restarts of WakeDock). */
export function totalAsleepMs(v: WakeServiceView, now: number): number {
  return (v.asleepMs ?? 0) + (v.asleepSince !== undefined ? Math.max(0, now - v.asleepSince) : 0);
}

/** CPU time as "1h 02m", "4m 05s", "12s", or "0.4s" under a second. */
export function formatCpuTime(ms: number): string {
  return ms < 1000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : formatSpan(ms);
}

/**
 * The Asleep column: total time asleep, "frees 48 MiB" (the memory its containers used when last put
 * to sleep) and "saved 12m 30s CPU" (their average CPU while awake × the time asleep), with the
 * sentence that says what the CPU figure means.
 */
export function savedText(v: WakeServiceView, now: number): { asleep: string; memory: string | null; cpu: string | null; cpuTitle: string | null } {
  const t = totalAsleepMs(v, now);
  const saved = cpuSavedAt(v, now);
  const showCpu = v.cpuPercent !== undefined && (saved > 0 || v.asleepSince !== undefined);
  const pct = v.cpuPercent !== undefined ? (v.cpuPercent >= 10 ? Math.round(v.cpuPercent) : Math.round(v.cpuPercent * 10) / 10) : 0;
  return {
    asleep: t >= 1000 ? formatSpan(t) : '—',
    memory: v.memoryBytes ? `frees ${formatBytes(v.memoryBytes)}` : null,
    cpu: showCpu ? `saved ${formatCpuTime(saved)} CPU` : null,
    cpuTitle: showCpu ? `CPU time saved: it used ${pct}% of one core on average while awake, × the time it has slept` : null,
  };
}

/** "created web, db; updated shop; 1 unchanged" — what an import did. */
export function importSummary(r: WakeImportResult): string {
  const parts: string[] = [];
  if (r.created.length) parts.push(`created ${r.created.join(', ')}`);
  if (r.updated.length) parts.push(`updated ${r.updated.join(', ')}`);
  if (r.removed.length) parts.push(`removed ${r.removed.join(', ')}`);
  if (r.unchanged.length) parts.push(`${r.unchanged.length} unchanged`);
  return parts.length ? parts.join('; ') : 'no services in the file';
}

/** The watched file's strip: where, when last applied, and the problem of the last edit. */
export function fileStatusText(f: WakeFileStatus, now: number): { main: string; error: string | null } {
  const n = f.services.length;
  const main = f.appliedAt ? `applied ${ago(f.appliedAt, now)} · ${n} service${n === 1 ? '' : 's'}` : 'not applied yet';
  const e = f.error;
  const error = e ? `${e.line > 0 ? `${e.file}:${e.line}: ` : ''}${e.field ? `${e.field}: ` : ''}${e.message}${f.appliedAt ? ' — the last good version stays applied' : ''}` : null;
  return { main, error };
}

/** "Webhook on started, failed · last sent 12s ago" / "… not delivered: HTTP 500 after 3 attempts". */
export function webhookText(w: WakeWebhookInfo | undefined, now = Date.now()): string {
  if (!w) return '';
  const base = `Webhook on ${w.events.join(', ')}`;
  const d = w.lastDelivery;
  if (!d) return base;
  return d.ok ? `${base} · ${d.event} sent ${ago(d.at, now)}` : `${base} · ${d.event} not delivered: ${d.error ?? 'failed'} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
}
