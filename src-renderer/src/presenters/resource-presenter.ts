// Pure presenters for the Volumes and Networks pages (no React here).
import type { VolumeRow } from '@contract/procedures/volumes';
import type { NetworkRow } from '@contract/procedures/networks';

export type VolumeFilter = 'all' | 'in-use' | 'unused' | 'anonymous';
export type VolumeSortKey = 'name' | 'size' | 'driver' | 'containers';

/** "key=value" lines → a record; the first bad line is named (1-based). Blank lines and # comments are skipped. */
export function parseKeyValues(text: string): { values: Record<string, string>; error?: string } {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { values, error: `line ${i + 1}: use key=value` };
    const k = line.slice(0, eq).trim();
    if (!k) return { values, error: `line ${i + 1}: the key is empty` };
    if (k in values) return { values, error: `line ${i + 1}: "${k}" is given twice` };
    values[k] = line.slice(eq + 1).trim();
  }
  return { values };
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

export function matchesVolume(v: VolumeRow, f: VolumeFilter, q: string): boolean {
  if (f === 'in-use' && v.containerCount === 0) return false;
  if (f === 'unused' && v.containerCount > 0) return false;
  if (f === 'anonymous' && !v.anonymous) return false;
  const s = q.trim().toLowerCase();
  if (!s) return true;
  return [v.name, v.driver, ...v.containers, ...Object.entries(v.labels).map(([k, val]) => `${k}=${val}`)].some((t) => t.toLowerCase().includes(s));
}

export function buildVolumeViews(items: Iterable<VolumeRow>, o: { query: string; filter: VolumeFilter; sort: VolumeSortKey; desc: boolean }): VolumeRow[] {
  const list = [...items].filter((v) => matchesVolume(v, o.filter, o.query));
  const cmp = (a: VolumeRow, b: VolumeRow): number => {
    if (o.sort === 'size') return (a.size ?? -1) - (b.size ?? -1);
    if (o.sort === 'driver') return a.driver.localeCompare(b.driver);
    if (o.sort === 'containers') return a.containerCount - b.containerCount;
    // Named volumes before anonymous ones.
    if (a.anonymous !== b.anonymous) return a.anonymous ? 1 : -1;
    return a.name.localeCompare(b.name);
  };
  return list.sort((a, b) => (o.desc ? -cmp(a, b) : cmp(a, b)) || a.name.localeCompare(b.name));
}

export function volumeCounts(items: Iterable<VolumeRow>): Record<VolumeFilter, number> {
  const c: Record<VolumeFilter, number> = { all: 0, 'in-use': 0, unused: 0, anonymous: 0 };
  for (const v of items) {
    c.all++;
    c[v.containerCount > 0 ? 'in-use' : 'unused']++;
    if (v.anonymous) c.anonymous++;
  }
  return c;
}

/** An anonymous volume's 64-hex name, shortened for display. */
export const volumeTitle = (v: { name: string; anonymous: boolean }): string => (v.anonymous ? `${v.name.slice(0, 12)}…` : v.name);

export function usersText(names: string[], count: number, max = 2): string {
  if (count === 0) return 'Unused';
  const shown = names.slice(0, max);
  return count > shown.length ? `${shown.join(', ')} and ${count - shown.length} more` : shown.join(', ');
}

export function matchesNetwork(n: NetworkRow, q: string): boolean {
  const s = q.trim().toLowerCase();
  if (!s) return true;
  return [n.name, n.id.slice(0, 12), n.driver, ...n.subnets.map((x) => x.subnet), ...n.containers.map((c) => c.name)].some((t) => t.toLowerCase().includes(s));
}

/** Custom networks first (by name), then the engine's own (bridge, host, none). */
export function buildNetworkViews(items: Iterable<NetworkRow>, q: string): NetworkRow[] {
  return [...items].filter((n) => matchesNetwork(n, q)).sort((a, b) => (a.builtin === b.builtin ? a.name.localeCompare(b.name) : a.builtin ? 1 : -1));
}
