// A per-host page (images, volumes, networks, disk, a container, run) opened in All hosts: say so
// and offer the hosts, each with its state; choosing one opens the same page on that host.
import type { Host } from '@contract/index';
import { switcherEntries } from '../../presenters/all-hosts-presenter';
import { useApp, type Route } from '../../stores/app-store';

const TITLE: Partial<Record<Route['name'], string>> = {
  images: 'Images',
  volumes: 'Volumes',
  networks: 'Networks',
  disk: 'Disk',
  projects: 'Compose projects',
  container: 'This container',
  'project-logs': 'Project logs',
  run: 'Run a container',
};

export function HostPicker({ route, hosts }: { route: Route; hosts: readonly Host[] }) {
  const navigate = useApp((a) => a.navigate);
  const what = TITLE[route.name] ?? 'This page';
  return (
    <section className="view" aria-label="Choose a host">
      <header className="view-header">
        <div>
          <h1>{what}: choose a host</h1>
          <p className="muted">{what} belong{route.name === 'container' || route.name === 'run' ? 's' : ''} to one engine. Pick the host to open it on.</p>
        </div>
      </header>
      <ul className="host-pick-list">
        {switcherEntries(hosts).map((e) => (
          <li key={e.id}>
            <button type="button" className="btn host-pick" onClick={() => navigate(route, e.id)}>
              <span className={`pill pill-${e.state}`}>
                <span className="dot" />
              </span>
              <strong>{e.name}</strong>
              <span className="muted small">{e.text}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
