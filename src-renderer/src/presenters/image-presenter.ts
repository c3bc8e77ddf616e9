// Pure presenters for the Images page: names, filters, search and sort (no React here).
import type { ImageRow } from '@contract/procedures/images';

export type ImageFilter = 'all' | 'in-use' | 'unused' | 'dangling';
export type ImageSortKey = 'name' | 'size' | 'created' | 'containers';

export interface ImageView {
  image: ImageRow;
  /** The first name, or "<none>" for a dangling image. */
  title: string;
  /** Every repo:tag (a dangling image has none). */
  tags: string[];
  shortId: string;
  dangling: boolean;
}

export const shortImageId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

export function isDangling(i: ImageRow): boolean {
  return i.repoTags.length === 0;
}

export function matchesImageFilter(i: ImageRow, f: ImageFilter): boolean {
  if (f === 'in-use') return i.containerCount > 0;
  if (f === 'unused') return i.containerCount === 0;
  if (f === 'dangling') return isDangling(i);
  return true;
}

/** Case-insensitive search over tags, digests, id and the names of the containers using it. */
export function matchesImageQuery(i: ImageRow, q: string): boolean {
  const s = q.trim().toLowerCase();
  if (!s) return true;
  if (i.id.replace(/^sha256:/, '').startsWith(s.replace(/^sha256:/, ''))) return true;
  return [...i.repoTags, ...i.repoDigests, ...i.containers].some((t) => t.toLowerCase().includes(s));
}

function titleOf(i: ImageRow): string {
  return i.repoTags[0] ?? (i.repoDigests[0] ? `${i.repoDigests[0].split('@')[0]}:<none>` : '<none>');
}

export function compareImages(a: ImageRow, b: ImageRow, key: ImageSortKey): number {
  if (key === 'size') return a.size - b.size;
  if (key === 'created') return a.created - b.created;
  if (key === 'containers') return a.containerCount - b.containerCount;
  // Dangling images sort after named ones.
  const da = isDangling(a);
  const db = isDangling(b);
  if (da !== db) return da ? 1 : -1;
  return titleOf(a).localeCompare(titleOf(b)) || a.id.localeCompare(b.id);
}

export function buildImageViews(items: Iterable<ImageRow>, o: { query: string; filter: ImageFilter; sort: ImageSortKey; desc: boolean }): ImageView[] {
  const list = [...items].filter((i) => matchesImageFilter(i, o.filter) && matchesImageQuery(i, o.query));
  list.sort((a, b) => {
    const c = compareImages(a, b, o.sort);
    return (o.desc ? -c : c) || a.id.localeCompare(b.id);
  });
  return list.map((image) => ({ image, title: titleOf(image), tags: [...image.repoTags].sort(), shortId: shortImageId(image.id), dangling: isDangling(image) }));
}

export function imageCounts(items: Iterable<ImageRow>): Record<ImageFilter, number> {
  const c: Record<ImageFilter, number> = { all: 0, 'in-use': 0, unused: 0, dangling: 0 };
  for (const i of items) {
    c.all++;
    if (i.containerCount > 0) c['in-use']++;
    else c.unused++;
    if (isDangling(i)) c.dangling++;
  }
  return c;
}

/** "repo:tag" → { repo, tag } (a registry port is not a tag). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  if (colon > slash) return { repo: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repo: base, tag: 'latest' };
}

/** "Used by web, db and 3 more". */
export function usedByText(i: ImageRow, max = 2): string {
  if (i.containerCount === 0) return 'Unused';
  const shown = i.containers.slice(0, max);
  const more = i.containerCount - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
