// App-wide state: the link to the core, hosts and their connection state, system info, settings.
import { create } from 'zustand';
import { CONTRACT_VERSION, type Host, type Settings, type SystemInfo } from '@contract/index';
import { call, errorText, onTransportStatus, subscribe } from '../transport/client';
import type { TransportStatus } from '../transport/transport';

export type View = 'containers' | 'settings';

interface AppState {
  link: TransportStatus;
  hosts: Host[];
  info: SystemInfo | null;
  settings: Settings | null;
  fatal: string | null;
  view: View;
  dismissedNotices: ReadonlySet<number>;
  init(): () => void;
  setView(v: View): void;
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
  view: 'containers',
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
    return () => {
      offStatus();
      offHosts();
    };
  },
  setView(view) {
    set({ view });
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
