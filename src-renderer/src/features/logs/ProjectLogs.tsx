// Merged logs of a compose project (route #/projects/<name>/logs): every container of the project
// interleaved by timestamp, each line prefixed with its service in the service's colour.
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { LogView } from './LogView';

export function ProjectLogs({ project }: { project: string }) {
  const hostId = useContainers((s) => s.hostId);
  const navigate = useApp((a) => a.navigate);
  return (
    <section className="view detail" aria-label={`Logs of compose project ${project}`}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/containers" onClick={(e) => (e.preventDefault(), navigate({ name: 'containers' }))}>
          Containers
        </a>
        <span className="muted"> / {project}</span>
      </nav>
      <header className="detail-header">
        <div className="detail-title">
          <h1>{project}</h1>
          <span className="muted small">merged logs of the compose project</span>
        </div>
      </header>
      <div className="tab-panel">
        <LogView key={`${hostId}:${project}`} source={{ kind: 'project', hostId, project }} label={`project ${project}`} />
      </div>
    </section>
  );
}
