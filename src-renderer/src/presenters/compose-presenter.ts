// Compose projects for the Projects page: filter by project, service, image, container or path;
// running projects first, then by name; the state in words. Pure.
import type { ComposeProject } from '@contract/procedures/compose';

export function filterProjects(items: Iterable<ComposeProject>, query: string): ComposeProject[] {
  const q = query.trim().toLowerCase();
  const hit = (p: ComposeProject): boolean =>
    !q ||
    p.name.toLowerCase().includes(q) ||
    (p.workingDir?.toLowerCase().includes(q) ?? false) ||
    p.services.some((s) => s.name.toLowerCase().includes(q) || s.image.toLowerCase().includes(q) || s.containers.some((c) => c.name.toLowerCase().includes(q)));
  const rank = { running: 0, partial: 1, stopped: 2 } as const;
  return [...items].filter(hit).sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
}

export function projectStateText(p: Pick<ComposeProject, 'state' | 'running' | 'total'>): string {
  if (p.state === 'running') return p.total === 1 ? 'running' : `all ${p.total} running`;
  if (p.state === 'stopped') return p.total === 1 ? 'stopped' : `all ${p.total} stopped`;
  return `${p.running} of ${p.total} running`;
}

export const stateBadge = (running: number, total: number): 'ok' | 'warn' | 'idle' => (running === 0 ? 'idle' : running === total ? 'ok' : 'warn');
