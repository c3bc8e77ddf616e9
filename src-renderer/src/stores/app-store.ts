// App-wide state: the link to the core, hosts and their connection state, system info, settings.
import { create } from 'zustand';
import { CONTRACT_VERSION, type Host, type Settings, type SystemInfo } from '@contract/index';
import { call, errorText, onTransportStatus, subscribe } from '../transport/client';
import type { TransportStatus } from '../transport/transport';

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

interface AppState {
  link: TransportStatus;
  hosts: Host[];
  info: SystemInfo | null;
  settings: Settings | null;
  fatal: string | null;
  route: Route;
  dismissedNotices: ReadonlySet<number>;
  init(): () => void;
  navigate(r: Route): void;
  saveSettings(patch: Partial<Settings>): Promise<void>;
  reconnect(hostId: string): Promise<void>;
  dismissNotice(i: number): void;
}

export const useApp = create<AppState>()((set, get) => ({
  link: 'connecting',
  hosts: [],
  info: null,
  settings: null,
  fatal: null,
  route: routeFromHash(typeof location === 'undefined' ? '' : location.hash),
  dismissedNotices: new Set(),

  init() {
    const load = async (): Promise<void> => {
      try {
        const [info, settings] = await Promise.all([call('system.info', {}), call('settings.get', {})]);
        if (info.contractVersion !== CONTRACT_VERSION) {
          set({ fatal: `This page speaks contract v${CONTRACT_VERSION} but the WakeDock core speaks v${info.contractVersion}. Reload the page.` });
        }
        set({ info, settings });
      } catch (e) {
        set({ fatal: errorText(e) });
      }
    };
    const offStatus = onTransportStatus((link) => {
      set({ link });
      if (link === 'open') void load();
    });
    const offHosts = subscribe('hosts.watch', {}, (hosts) => set({ hosts }));
    const onPop = (): void => set({ route: routeFromHash(location.hash) });
    window.addEventListener('popstate', onPop);
    return () => {
      offStatus();
      offHosts();
      window.removeEventListener('popstate', onPop);
    };
  },
  navigate(route) {
    set({ route });
    const hash = hashFromRoute(route);
    if (location.hash !== hash) history.pushState(null, '', hash);
  },
  async saveSettings(patch) {
    const settings = await call('settings.update', patch);
    set({ settings });
  },
  async reconnect(hostId) {
    await call('hosts.reconnect', { hostId });
  },
  dismissNotice(i) {
    set({ dismissedNotices: new Set([...get().dismissedNotices, i]) });
  },
}));
