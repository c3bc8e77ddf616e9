import { useEffect } from 'react';
import { useApp } from './stores/app-store';
import { useContainers } from './stores/containers-store';
import { ContainersView } from './features/containers/ContainersView';
import { SettingsView, SOURCE_TEXT } from './features/settings/SettingsView';
import { ConnectionPill, EngineBanner, LinkBanner, NoticeBanners } from './components/StatusBanners';
import { BoxIcon, GearIcon, LogoIcon } from './components/icons';

export function App() {
  const init = useApp((a) => a.init);
  const view = useApp((a) => a.view);
  const setView = useApp((a) => a.setView);
  const theme = useApp((a) => a.settings?.theme ?? 'system');
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const watch = useContainers((s) => s.watch);

  useEffect(() => init(), [init]);
  useEffect(() => watch(hostId), [watch, hostId]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <LogoIcon />
          <span>WakeDock</span>
        </div>
        <button type="button" className={`nav-item${view === 'containers' ? ' nav-on' : ''}`} aria-current={view === 'containers' ? 'page' : undefined} onClick={() => setView('containers')}>
          <BoxIcon /> Containers
        </button>
        <button type="button" className={`nav-item${view === 'settings' ? ' nav-on' : ''}`} aria-current={view === 'settings' ? 'page' : undefined} onClick={() => setView('settings')}>
          <GearIcon /> Settings
        </button>
        <div className="sidebar-foot">
          <div className="host-card" title={host ? `${host.endpoint.url} (${SOURCE_TEXT[host.endpoint.source]})` : ''}>
            <div className="host-name">{host?.name ?? 'Local engine'}</div>
            <ConnectionPill host={host} />
            {host && (
              <div className="host-endpoint mono" data-testid="endpoint">
                {host.endpoint.url}
              </div>
            )}
            {host && <div className="muted small">{SOURCE_TEXT[host.endpoint.source]}</div>}
          </div>
        </div>
      </nav>
      <main className="content">
        <LinkBanner />
        <NoticeBanners />
        <EngineBanner host={host} />
        {view === 'containers' ? <ContainersView /> : <SettingsView />}
      </main>
    </div>
  );
}
