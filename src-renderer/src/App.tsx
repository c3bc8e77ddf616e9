import { useEffect } from 'react';
import { useApp } from './stores/app-store';
import { useContainers } from './stores/containers-store';
import { ContainersView } from './features/containers/ContainersView';
import { DashboardView } from './features/dashboard/DashboardView';
import { ActionDialogs } from './features/containers/ActionDialogs';
import { ContainerDetail } from './features/container-detail/ContainerDetail';
import { ProjectLogs } from './features/logs/ProjectLogs';
import { SettingsView, SOURCE_TEXT } from './features/settings/SettingsView';
import { AlertsNavItem, AlertsView } from './features/alerts/AlertsView';
import { RunView } from './features/run/RunView';
import { HostTerminalNavItem, HostTerminalView } from './features/terminal/HostTerminalView';
import { ConnectionPill, EngineBanner, LinkBanner, NoticeBanners } from './components/StatusBanners';
import { BoxIcon, GearIcon, LogoIcon } from './components/icons';
import { GaugeIcon } from './features/dashboard/GaugeIcon';

export function App() {
  const init = useApp((a) => a.init);
  const route = useApp((a) => a.route);
  const navigate = useApp((a) => a.navigate);
  const theme = useApp((a) => a.settings?.theme ?? 'system');
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const watch = useContainers((s) => s.watch);

  useEffect(() => init(), [init]);
  useEffect(() => watch(hostId), [watch, hostId]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const section = route.name === 'dashboard' ? 'dashboard' : route.name === 'settings' ? 'settings' : route.name === 'alerts' ? 'alerts' : route.name === 'terminal' ? 'terminal' : 'containers';
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <LogoIcon />
          <span>WakeDock</span>
        </div>
        <button type="button" className={`nav-item${section === 'dashboard' ? ' nav-on' : ''}`} aria-current={section === 'dashboard' ? 'page' : undefined} onClick={() => navigate({ name: 'dashboard' })}>
          <GaugeIcon /> Dashboard
        </button>
        <button type="button" className={`nav-item${section === 'containers' ? ' nav-on' : ''}`} aria-current={section === 'containers' ? 'page' : undefined} onClick={() => navigate({ name: 'containers' })}>
          <BoxIcon /> Containers
        </button>
        <AlertsNavItem active={section === 'alerts'} onClick={() => navigate({ name: 'alerts' })} />
        <HostTerminalNavItem active={section === 'terminal'} onClick={() => navigate({ name: 'terminal' })} />
        <button type="button" className={`nav-item${section === 'settings' ? ' nav-on' : ''}`} aria-current={section === 'settings' ? 'page' : undefined} onClick={() => navigate({ name: 'settings' })}>
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
        {route.name === 'dashboard' && <DashboardView />}
        {route.name === 'containers' && <ContainersView />}
        {route.name === 'container' && <ContainerDetail id={route.id} tab={route.tab} />}
        {route.name === 'project-logs' && <ProjectLogs project={route.project} />}
        {route.name === 'settings' && <SettingsView />}
        {route.name === 'alerts' && <AlertsView />}
        {route.name === 'terminal' && <HostTerminalView />}
        {route.name === 'run' && <RunView key={route.recreate ?? ''} recreate={route.recreate} />}
        <ActionDialogs />
      </main>
    </div>
  );
}
