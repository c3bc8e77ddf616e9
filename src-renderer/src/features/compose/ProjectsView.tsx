// The Projects page: compose projects of the host, found from their containers' labels (live through
// compose.watch), each with its services, ports, compose file and folder; up, start, stop, restart,
// pull and down (asked first, volumes optional) per project, Up… with build/pull first, start/stop/restart per service, and the
// merged logs. Actions run the compose CLI in the core; its output is shown under the project, and a
// failure shows the CLI's own stderr there.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ComposeAction, ComposeCli, ComposeProject } from '@contract/procedures/compose';
import { call } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { ConfirmDialog } from '../../components/Dialog';
import { SearchIcon } from '../../components/icons';
import { filterProjects, projectStateText, stateBadge } from '../../presenters/compose-presenter';
import { useListFeed } from '../resources/use-list-feed';
import { runKey, useComposeRuns, type ComposeRun } from './compose-runs';
import { DeployDialog, EditFileDialog, ScaleDialog, UpDialog } from './ComposeDialogs';
import '../resources/resources.css';
import './compose.css';

const projectKey = (p: ComposeProject): string => p.name;

const PROJECT_ACTIONS: { action: Exclude<ComposeAction, 'down' | 'scale'>; label: string; title: string }[] = [
  { action: 'up', label: 'Up', title: 'Create and start what is missing or changed (up -d)' },
  { action: 'start', label: 'Start', title: 'Start the stopped containers' },
  { action: 'stop', label: 'Stop', title: 'Stop every container' },
  { action: 'restart', label: 'Restart', title: 'Restart every container' },
  { action: 'pull', label: 'Pull', title: 'Pull the images of every service' },
];

function RunOutput({ run, project, onDismiss }: { run: ComposeRun; project: string; onDismiss(): void }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [run.lines]);
  const statusText = { running: 'running…', done: 'done', failed: 'failed', cancelled: 'cancelled' }[run.status];
  return (
    <div className={`cmp-run cmp-run-${run.status}`}>
      <div className="cmp-run-head">
        <span className={`badge badge-${run.status === 'running' ? 'busy' : run.status === 'done' ? 'ok' : run.status === 'failed' ? 'bad' : 'idle'}`} role="status" aria-label={`${run.title} of ${project}`}>
          <span className="dot" />
          <span className="mono">{run.title}</span> {statusText}
        </span>
        {run.status === 'running' ? (
          <button type="button" className="btn btn-sm" onClick={run.cancel}>
            Cancel
          </button>
        ) : (
          <button type="button" className="btn btn-sm btn-ghost" onClick={onDismiss}>
            Hide output
          </button>
        )}
      </div>
      {run.error && (
        <div className="res-error" role="alert">
          <strong>Failed:</strong> <span className="res-error-msg">{run.error.message}</span>
          {run.error.hint && <div className="res-error-hint">{run.error.hint}</div>}
        </div>
      )}
      <pre ref={ref} className="cmp-log" role="log" aria-label={`Output of ${project}`}>
        {run.dropped > 0 && <span className="muted">… {run.dropped} earlier lines not kept{'\n'}</span>}
        {run.lines.map((l, i) => (
          <span key={i + run.dropped} className={`cmp-line-${l.stream}`}>
            {l.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}

function ProjectCard({ hostId, project, cli }: { hostId: string; project: ComposeProject; cli: ComposeCli | null }) {
  const navigate = useApp((a) => a.navigate);
  const run = useComposeRuns((s) => s.runs[runKey(hostId, project.name)]);
  const start = useComposeRuns((s) => s.start);
  const dismiss = useComposeRuns((s) => s.dismiss);
  const [askDown, setAskDown] = useState(false);
  const [dialog, setDialog] = useState<'up' | 'scale' | 'file' | null>(null);
  const [downOpts, setDownOpts] = useState<Record<string, boolean>>({ volumes: false });
  const blocked = run?.status === 'running' || !cli || !cli.kind || !!cli.problem;
  const blockedWhy = run?.status === 'running' ? 'An action is running on this project' : cli?.problem;
  const act = (action: ComposeAction, services?: string[]): void => start(hostId, project.name, action, { services });
  return (
    <article className="cmp-card" aria-label={`Project ${project.name}`}>
      <header className="cmp-head">
        <div className="cmp-title">
          <h2>{project.name}</h2>
          <span className={`badge badge-${stateBadge(project.running, project.total)}`}>
            <span className="dot" />
            {projectStateText(project)}
          </span>
        </div>
        <div className="cmp-actions" role="group" aria-label={`Actions on ${project.name}`}>
          {PROJECT_ACTIONS.map((a) => (
            <button key={a.action} type="button" className="btn btn-sm" title={blockedWhy ?? a.title} disabled={blocked} onClick={() => act(a.action)}>
              {a.label}
            </button>
          ))}
          <button type="button" className="btn btn-sm" title={blockedWhy ?? 'Up with options: build images first, pull images first'} disabled={blocked} onClick={() => setDialog('up')}>
            Up…
          </button>
          <button type="button" className="btn btn-sm" title={blockedWhy ?? 'Change the number of containers of a service'} disabled={blocked} onClick={() => setDialog('scale')}>
            Scale…
          </button>
          <button type="button" className="btn btn-sm" title="View and edit the compose file (checked with the CLI's config)" disabled={project.configFiles.length === 0} onClick={() => setDialog('file')}>
            Compose file…
          </button>
          <button type="button" className="btn btn-sm" onClick={() => navigate({ name: 'project-logs', project: project.name })}>
            Logs
          </button>
          <button type="button" className="btn btn-sm btn-danger" title={blockedWhy ?? 'Stop and remove the containers and network (down)'} disabled={blocked} onClick={() => setAskDown(true)}>
            Down…
          </button>
        </div>
      </header>
      <dl className="cmp-meta">
        <dt>Compose file</dt>
        <dd className="mono">{project.configFiles.length > 0 ? project.configFiles.join(', ') : <span className="muted">not recorded in the labels</span>}</dd>
        <dt>Folder</dt>
        <dd className="mono">{project.workingDir ?? <span className="muted">not recorded</span>}</dd>
        {project.composeVersion && (
          <>
            <dt>Made by</dt>
            <dd>compose {project.composeVersion}</dd>
          </>
        )}
      </dl>
      <table className="cmp-services" aria-label={`Services of ${project.name}`}>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Image</th>
            <th scope="col">Ports</th>
            <th scope="col" className="cmp-c-actions">
              <span className="cmp-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {project.services.map((s) => (
            <tr key={s.name} aria-label={s.name}>
              <th scope="row" data-label="Service">
                <span className="cmp-svc">{s.name}</span>
                <span className="sub muted" title={s.containers.map((c) => `${c.name}: ${c.status}`).join('\n')}>
                  {s.containers.length === 1 ? s.containers[0]!.name : `${s.containers.length} containers`}
                </span>
              </th>
              <td data-label="State">
                <span className={`badge badge-${stateBadge(s.running, s.total)}`}>
                  <span className="dot" />
                  {s.total === 1 ? s.containers[0]!.state : `${s.running}/${s.total} running`}
                </span>
              </td>
              <td data-label="Image" className="mono small cmp-wrap">
                {s.image}
              </td>
              <td data-label="Ports" className="mono small cmp-wrap">
                {s.ports.length > 0 ? s.ports.join(', ') : <span className="muted">—</span>}
              </td>
              <td className="cmp-c-actions">
                {s.running < s.total && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Start service ${s.name}`} title={blockedWhy} disabled={blocked} onClick={() => act('start', [s.name])}>
                    Start
                  </button>
                )}
                {s.running > 0 && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Stop service ${s.name}`} title={blockedWhy} disabled={blocked} onClick={() => act('stop', [s.name])}>
                    Stop
                  </button>
                )}
                <button type="button" className="btn btn-sm btn-ghost" aria-label={`Restart service ${s.name}`} title={blockedWhy} disabled={blocked} onClick={() => act('restart', [s.name])}>
                  Restart
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {run && <RunOutput run={run} project={project.name} onDismiss={() => dismiss(hostId, project.name)} />}
      {dialog === 'up' && <UpDialog hostId={hostId} project={project} cli={cli} onClose={() => setDialog(null)} />}
      {dialog === 'scale' && <ScaleDialog hostId={hostId} project={project} onClose={() => setDialog(null)} />}
      {dialog === 'file' && <EditFileDialog hostId={hostId} project={project} onClose={() => setDialog(null)} />}
      {askDown && (
        <ConfirmDialog
          title={`Take ${project.name} down?`}
          body={
            <p>
              Stops and removes the {project.total} container{project.total === 1 ? '' : 's'} and the networks of <strong>{project.name}</strong>. The compose file stays; Up brings it back.
            </p>
          }
          confirmLabel="Down"
          danger
          options={[{ key: 'volumes', label: 'Also remove the project’s volumes', hint: 'Named volumes of the compose file and anonymous ones: their data is lost.' }]}
          values={downOpts}
          onValues={setDownOpts}
          onCancel={() => setAskDown(false)}
          onConfirm={() => {
            setAskDown(false);
            start(hostId, project.name, 'down', { removeVolumes: downOpts.volumes === true });
          }}
        />
      )}
    </article>
  );
}

export function ProjectsView() {
  const hostId = useContainers((s) => s.hostId);
  const host = useApp((a) => a.hosts.find((h) => h.id === hostId));
  const feed = useListFeed('compose.watch', hostId, projectKey);
  const [query, setQuery] = useState('');
  const [deploy, setDeploy] = useState(false);
  const [cli, setCli] = useState<{ hostId: string; cli: ComposeCli } | null>(null);
  useEffect(() => {
    let live = true;
    call('compose.cli', { hostId })
      .then((c) => live && setCli({ hostId, cli: c }))
      .catch(() => live && setCli(null));
    return () => {
      live = false;
    };
  }, [hostId]);
  const cliNow = cli?.hostId === hostId ? cli.cli : null;
  const projects = useMemo(() => filterProjects(feed.items.values(), query), [feed.items, query]);

  return (
    <section className="view res-view res-scroll" aria-label="Compose projects">
      <header className="view-header res-header">
        <div>
          <h1>Projects</h1>
          <p className="muted">
            {feed.loaded ? `${feed.items.size} compose project${feed.items.size === 1 ? '' : 's'} on ${host?.name ?? hostId}` : host?.state === 'unreachable' ? 'Engine unreachable' : 'Loading…'}
            {cliNow?.command && (
              <span data-testid="compose-cli">
                {' '}
                · actions run <span className="mono">{cliNow.command}</span> {cliNow.version}
              </span>
            )}
          </p>
        </div>
        <div className="res-header-actions">
          <button type="button" className="btn btn-primary" disabled={!cliNow?.kind || !!cliNow.problem} title={cliNow?.problem} onClick={() => setDeploy(true)}>
            Deploy a project…
          </button>
        </div>
      </header>
      {deploy && <DeployDialog hostId={hostId} onClose={() => setDeploy(false)} />}

      {cliNow?.problem && (
        <div className="banner banner-warn" role="status">
          {cliNow.problem} Projects are listed, but their actions cannot run.
        </div>
      )}
      {feed.error && (
        <div className="banner banner-error" role="alert">
          Could not follow the projects: {feed.error}
        </div>
      )}

      <div className="toolbar">
        <label className="search">
          <SearchIcon />
          <input type="search" placeholder="Filter by project, service, image or folder" aria-label="Filter projects" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
      </div>

      <div className="cmp-list">
        {feed.loaded && projects.length === 0 && (
          <p className="empty muted">{feed.items.size === 0 ? 'No compose project on this host. Projects appear here once `docker compose up` (or docker-compose) made their containers.' : 'No project matches the filter.'}</p>
        )}
        {projects.map((p) => (
          <ProjectCard key={`${hostId}/${p.name}`} hostId={hostId} project={p} cli={cliNow} />
        ))}
      </div>
    </section>
  );
}
