// Routes (pure): where the user is, mirrored in location.hash, with the host scope as its prefix.
/** Where the user is. Mirrored in location.hash so a reload (or a link) lands on the same page. */
export type Route =
  | { name: 'dashboard' }
  | { name: 'containers' }
  | { name: 'container'; id: string; tab: ContainerTab }
  | { name: 'settings' }
  | { name: 'terminal'; hostId?: string }
  | { name: 'alerts' }
  | { name: 'services' }
  | { name: 'run'; recreate?: string; image?: string }
  | { name: 'images' }
  | { name: 'volumes' }
  | { name: 'networks' }
  | { name: 'disk' }
  | { name: 'projects' }
  | { name: 'project-logs'; project: string };

export const CONTAINER_TABS = ['logs', 'terminal', 'inspect', 'stats'] as const;
export type ContainerTab = (typeof CONTAINER_TABS)[number];

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'dashboard') return { name: 'dashboard' };
  if (parts[0] === 'terminal') return parts[1] ? { name: 'terminal', hostId: parts[1] } : { name: 'terminal' };
  if (parts[0] === 'alerts') return { name: 'alerts' };
  if (parts[0] === 'services') return { name: 'services' };
  if (parts[0] === 'run') return parts[1] === 'recreate' && parts[2] ? { name: 'run', recreate: parts[2] } : parts[1] === 'image' && parts[2] ? { name: 'run', image: parts[2] } : { name: 'run' };
  if (parts[0] === 'images') return { name: 'images' };
  if (parts[0] === 'volumes') return { name: 'volumes' };
  if (parts[0] === 'networks') return { name: 'networks' };
  if (parts[0] === 'disk') return { name: 'disk' };
  if (parts[0] === 'projects' && parts[1] && parts[2] === 'logs') return { name: 'project-logs', project: parts[1] };
  if (parts[0] === 'projects') return { name: 'projects' };
  if (parts[0] === 'containers' && parts[1]) {
    const tab = (CONTAINER_TABS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as ContainerTab) : 'logs';
    return { name: 'container', id: parts[1], tab };
  }
  return { name: 'containers' };
}

/**
 * Which hosts a page shows: one host's id, ALL_HOSTS for the merged view, or '' for "the default
 * host" (a link without a host: the host chosen last, else the first in the registry).
 * In the URL as a prefix: `#/h/<hostId>/containers`, `#/all/containers`; none for ''.
 */
export type HostScope = string;
export const ALL_HOSTS = '*';

/** Pages with a merged All-hosts form; every other page is one host's (the switcher asks which). */
export const ALL_HOSTS_PAGES: ReadonlySet<Route['name']> = new Set(['containers', 'dashboard', 'alerts', 'settings', 'terminal', 'services']);

export function locationFromHash(hash: string): { scope: HostScope; route: Route } {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'all') return { scope: ALL_HOSTS, route: routeFromHash(`#/${parts.slice(1).join('/')}`) };
  if (parts[0] === 'h' && parts[1]) return { scope: decodeURIComponent(parts[1]), route: routeFromHash(`#/${parts.slice(2).join('/')}`) };
  return { scope: '', route: routeFromHash(hash) };
}

export function hashFor(scope: HostScope, r: Route): string {
  const rest = hashFromRoute(r).slice(1);
  if (scope === ALL_HOSTS) return `#/all${rest}`;
  return scope ? `#/h/${encodeURIComponent(scope)}${rest}` : `#${rest}`;
}

export function hashFromRoute(r: Route): string {
  if (r.name === 'settings') return '#/settings';
  if (r.name === 'dashboard') return '#/dashboard';
  if (r.name === 'terminal') return r.hostId ? `#/terminal/${encodeURIComponent(r.hostId)}` : '#/terminal';
  if (r.name === 'alerts') return '#/alerts';
  if (r.name === 'services') return '#/services';
  if (r.name === 'run') return r.recreate ? `#/run/recreate/${encodeURIComponent(r.recreate)}` : r.image ? `#/run/image/${encodeURIComponent(r.image)}` : '#/run';
  if (r.name === 'images') return '#/images';
  if (r.name === 'volumes') return '#/volumes';
  if (r.name === 'networks') return '#/networks';
  if (r.name === 'disk') return '#/disk';
  if (r.name === 'projects') return '#/projects';
  if (r.name === 'project-logs') return `#/projects/${encodeURIComponent(r.project)}/logs`;
  if (r.name === 'container') return `#/containers/${encodeURIComponent(r.id)}/${r.tab}`;
  return '#/containers';
}


/**
 * The page to show after choosing a host: the same page when it exists for that host (images on
 * another host, its dashboard), else its containers (a container's page, or a page that is not
 * per host at all, like Settings).
 */
export function pageAfterSwitch(route: Route, toAll: boolean): Route {
  if (route.name === 'dashboard') return route;
  if (!toAll && (route.name === 'images' || route.name === 'volumes' || route.name === 'networks' || route.name === 'disk' || route.name === 'projects')) return route;
  return { name: 'containers' };
}

