// App-wide state: the link to the core, hosts and their connection state, system info, settings.
import { create } from 'zustand';
import { CONTRACT_VERSION, type Host, type Settings, type SystemInfo } from '@contract/index';
import { call, errorText, onTransportStatus, subscribe } from '../transport/client';
import type { TransportStatus } from '../transport/transport';
import { hashFor, locationFromHash, type HostScope, type Route } from '../presenters/routes';

// Routes and the host in the URL are pure (presenters/routes.ts); re-exported for the features.
export { ALL_HOSTS, ALL_HOSTS_PAGES, CONTAINER_TABS, hashFor, hashFromRoute, locationFromHash, routeFromHash, type ContainerTab, type HostScope, type Route } from '../presenters/routes';


interface AppState {
  link: TransportStatus;
  hosts: Host[];
  info: SystemInfo | null;
  settings: Settings | null;
  fatal: string | null;
  route: Route;
  /** The host scope of the page (see HostScope). */
  scope: HostScope;
  dismissedNotices: ReadonlySet<number>;
  init(): () => void;
  /** Go to a page; `scope` changes the host (default: stay on the current one). */
  navigate(r: Route, scope?: HostScope): void;
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
  ...locationFromHash(typeof location === 'undefined' ? '' : location.hash),
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
    const onPop = (): void => set(locationFromHash(location.hash));
    window.addEventListener('popstate', onPop);
    return () => {
      offStatus();
      offHosts();
      window.removeEventListener('popstate', onPop);
    };
  },
  navigate(route, scope = get().scope) {
    set({ route, scope });
    const hash = hashFor(scope, route);
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
