// Formatting for the log view: clock times, full timestamps, service colours, counts.

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** 12:03:04 in local time. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 2024-05-01 12:03:04.123 in local time (the timestamp column). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A stable colour slot (0-7) per service name, so each service keeps its colour across views. */
export function serviceSlot(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % 8;
}

/** <input type="datetime-local"> value (local time) → ISO string for the contract, or undefined. */
export function localInputToIso(v: string): string | undefined {
  if (!v) return undefined;
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
