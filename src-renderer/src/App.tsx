import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ALL_HOSTS, ALL_HOSTS_PAGES, hashFor, useApp } from './stores/app-store';
import { useContainers } from './stores/containers-store';
import { ContainersView } from './features/containers/ContainersView';
import { ActionDialogs } from './features/containers/ActionDialogs';
import { SettingsView, SOURCE_TEXT } from './features/settings/SettingsView';
import { AlertsNavItem } from './features/alerts/AlertsNavItem';
import { HostTerminalNavItem } from './features/terminal/HostTerminalNavItem';
import { ConnectionPill, EngineBanner, LinkBanner, NoticeBanners } from './components/StatusBanners';
import { BoxIcon, GearIcon, LogoIcon, MenuIcon } from './components/icons';
import { GaugeIcon } from './features/dashboard/GaugeIcon';
import { installCompositeKeys } from './components/composite-keys';
import { ResourceNavItems, resourceSection } from './features/resources/ResourceNavItems';
import { MoonIcon } from './features/wake/MoonIcon';
import { HostSwitcher } from './features/hosts/HostSwitcher';
import { pageAfterSwitch } from './presenters/routes';
import { HostPicker } from './features/hosts/HostPicker';
import { allHostsSummary, worstState } from './presenters/all-hosts-presenter';

// The list is the first screen and loads with the app; every other page (charts, xterm, forms)
// is its own chunk, loaded when first opened, so the first render parses a fraction of the code.
const DashboardView = lazy(() => import('./features/dashboard/DashboardView').then((m) => ({ default: m.DashboardView })));
const ContainerDetail = lazy(() => import('./features/container-detail/ContainerDetail').then((m) => ({ default: m.ContainerDetail })));
const ProjectLogs = lazy(() => import('./features/logs/ProjectLogs').then((m) => ({ default: m.ProjectLogs })));
const AlertsView = lazy(() => import('./features/alerts/AlertsView').then((m) => ({ default: m.AlertsView })));
const RunView = lazy(() => import('./features/run/RunView').then((m) => ({ default: m.RunView })));
const VolumesView = lazy(() => import('./features/volumes/VolumesView').then((m) => ({ default: m.VolumesView })));
const NetworksView = lazy(() => import('./features/networks/NetworksView').then((m) => ({ default: m.NetworksView })));
const ProjectsView = lazy(() => import('./features/compose/ProjectsView').then((m) => ({ default: m.ProjectsView })));
const DiskView = lazy(() => import('./features/disk/DiskView').then((m) => ({ default: m.DiskView })));
const ServicesView = lazy(() => import('./features/wake/ServicesView').then((m) => ({ default: m.ServicesView })));
const ImagesView = lazy(() => import('./features/images/ImagesView').then((m) => ({ default: m.ImagesView })));
const AllDashboard = lazy(() => import('./features/hosts/AllDashboard').then((m) => ({ default: m.AllDashboard })));
const AllHostsView = lazy(() => import('./features/hosts/AllHostsView').then((m) => ({ default: m.AllHostsView })));
const HostTerminalView = lazy(() => import('./features/terminal/HostTerminalView').then((m) => ({ default: m.HostTerminalView })));

export function App() {
  const init = useApp((a) => a.init);
  const route = useApp((a) => a.route);
  const navigate = useApp((a) => a.navigate);
  const theme = useApp((a) => a.settings?.theme ?? 'system');
  const scope = useApp((a) => a.scope);
  const isAll = scope === ALL_HOSTS;
  const hostId = useContainers((s) => s.hostId);
  const hosts = useApp((a) => a.hosts);
  const host = hosts.find((h) => h.id === hostId);
  const watch = useContainers((s) => s.watch);

  useEffect(() => init(), [init]);
  useEffect(() => installCompositeKeys(), []);
  // Hosts come from the core's registry. The one host the per-host pages show is the URL's
  // (#/h/<id>/…); without one, the host chosen last, else the first. A link to a host that is not
  // (or no longer) in the registry falls back to the default host's list.
  const firstHost = hosts[0]?.id ?? '';
  const known = hosts.some((h) => h.id === hostId);
  const wanted = scope && !isAll ? scope : '';
  const wantedKnown = hosts.some((h) => h.id === wanted);
  // Decided here, not in an effect: watch() below makes the store's hostId this one.
  const shownHost = wanted && wantedKnown ? wanted : known ? hostId : firstHost;
  useEffect(() => {
    if (hosts.length === 0 || !wanted || wantedKnown) return;
    const route = useApp.getState().route;
    const next = route.name === 'container' || route.name === 'project-logs' || route.name === 'run' ? { name: 'containers' as const } : route;
    useApp.setState({ scope: '', route: next });
    history.replaceState(null, '', hashFor('', next));
  }, [hosts.length, wanted, wantedKnown]);
  // The single host's list is followed while a per-host page can show it (not in All hosts).
  useEffect(() => (shownHost && !isAll ? watch(shownHost) : undefined), [watch, shownHost, isAll]);
  const pickHost = (next: string): void => navigate(pageAfterSwitch(route, next === ALL_HOSTS), next);
  const worst = worstState(hosts);
  const perHostOnly = isAll && !ALL_HOSTS_PAGES.has(route.name);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Narrow windows (styles.css, "Responsive layout"): the sidebar shrinks to icons, then becomes a
  // drawer behind a Menu button. The drawer closes on navigation, Esc or a click outside, and gives
  // focus back to the Menu button.
  // Open for the route it was opened on: navigating anywhere closes it.
  const [navOpenOn, setNavOpenOn] = useState<typeof route | null>(null);
  const navOpen = navOpenOn === route;
  const setNavOpen = (open: boolean): void => setNavOpenOn(open ? route : null);
  const menuBtn = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!navOpen) return;
    nav.current?.querySelector<HTMLElement>('.nav-item')?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      setNavOpenOn(null);
      menuBtn.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);
  // Icon-only sidebar: every entry (also those other features add) gets its label as a tooltip.
  useEffect(() => {
    for (const b of nav.current?.querySelectorAll<HTMLElement>('.nav-item') ?? []) if (!b.title) b.title = (b.textContent ?? '').replace(/\d+\+?$/, '').trim();
  });

  const section = route.name === 'dashboard' ? 'dashboard' : route.name === 'settings' ? 'settings' : route.name === 'alerts' ? 'alerts' : route.name === 'services' ? 'services' : route.name === 'terminal' ? 'terminal' : (resourceSection(route) ?? 'containers');
  return (
    <div className={`app${navOpen ? ' nav-open' : ''}`}>
      <header className="topbar">
        <button ref={menuBtn} type="button" className="icon-btn topbar-menu" aria-label="Menu" aria-expanded={navOpen} aria-controls="main-nav" onClick={() => setNavOpen(!navOpen)}>
          <MenuIcon />
        </button>
        <span className="topbar-brand">
          <LogoIcon width={22} height={22} /> WakeDock
        </span>
        <span className={`topbar-state pill-${isAll ? worst : (host?.state ?? 'connecting')}`} title={isAll ? `All hosts: ${allHostsSummary(hosts)}` : host ? `${host.name}: ${host.state}` : ''}>
          <span className="dot" />
        </span>
      </header>
      {navOpen && <div className="scrim" aria-hidden onClick={() => setNavOpen(false)} />}
      <nav className="sidebar" aria-label="Main" id="main-nav" ref={nav}>
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
        <button type="button" className={`nav-item${section === 'services' ? ' nav-on' : ''}`} aria-current={section === 'services' ? 'page' : undefined} onClick={() => navigate({ name: 'services' })}>
          <MoonIcon /> Services
        </button>
        <ResourceNavItems section={section} navigate={navigate} />
        <AlertsNavItem active={section === 'alerts'} onClick={() => navigate({ name: 'alerts' })} />
        <HostTerminalNavItem active={section === 'terminal'} onClick={() => navigate({ name: 'terminal' })} />
        <button type="button" className={`nav-item${section === 'settings' ? ' nav-on' : ''}`} aria-current={section === 'settings' ? 'page' : undefined} onClick={() => navigate({ name: 'settings' })}>
          <GearIcon /> Settings
        </button>
        <HostSwitcher hosts={hosts} current={isAll ? ALL_HOSTS : hostId} onPick={pickHost} />
        <div className="sidebar-foot">
          {isAll ? (
            <div className="host-card" data-testid="all-hosts-card">
              <div className="host-name">All hosts</div>
              <div className={`pill pill-${worst}`} role="status">
                <span className="dot" />
                <span>{allHostsSummary(hosts)}</span>
              </div>
            </div>
          ) : (
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
          )}
        </div>
      </nav>
      <main className="content">
        <LinkBanner />
        <NoticeBanners />
        {!isAll && <EngineBanner host={host} />}
        <Suspense fallback={<div className="empty muted">Loading…</div>}>
          {perHostOnly && <HostPicker route={route} hosts={hosts} />}
          {route.name === 'dashboard' && (isAll ? <AllDashboard /> : <DashboardView />)}
          {route.name === 'containers' && (isAll ? <AllHostsView /> : <ContainersView />)}
          {!perHostOnly && route.name === 'container' && <ContainerDetail id={route.id} tab={route.tab} />}
          {!perHostOnly && route.name === 'project-logs' && <ProjectLogs project={route.project} />}
          {route.name === 'settings' && <SettingsView />}
          {route.name === 'alerts' && <AlertsView />}
          {route.name === 'services' && <ServicesView />}
          {route.name === 'terminal' && <HostTerminalView />}
          {!perHostOnly && route.name === 'run' && <RunView key={route.recreate ?? route.image ?? ''} recreate={route.recreate} image={route.image} />}
          {!perHostOnly && route.name === 'images' && <ImagesView />}
          {!perHostOnly && route.name === 'volumes' && <VolumesView />}
          {!perHostOnly && route.name === 'networks' && <NetworksView />}
          {!perHostOnly && route.name === 'disk' && <DiskView />}
          {!perHostOnly && route.name === 'projects' && <ProjectsView />}
        </Suspense>
        <ActionDialogs />
      </main>
    </div>
  );
}
