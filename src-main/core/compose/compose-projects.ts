// Compose projects from the host's containers: grouped by com.docker.compose.project, services by
// com.docker.compose.service, the working dir and config files from the project labels. v1 (1.27+)
// and v2 write the same label set; v1 writes config files relative to the working dir, v2 absolute.
// One-off containers (`compose run`) are left out, as `compose ps` does. Pure but for the list call.
import { isAbsolute, join } from 'node:path';
import type Dockerode from 'dockerode';
import type { ComposeProject, ComposeService } from '../../contract/procedures/compose';
import { serverPathOf } from './remote-files';

export const PROJECT_LABEL = 'com.docker.compose.project';
const SERVICE_LABEL = 'com.docker.compose.service';
const WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';
const CONFIG_FILES_LABEL = 'com.docker.compose.project.config_files';
const VERSION_LABEL = 'com.docker.compose.version';
const ONEOFF_LABEL = 'com.docker.compose.oneoff';

const nameOf = (c: Dockerode.ContainerInfo): string => {
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  return names.find((n) => !n.includes('/')) ?? names[0] ?? c.Id.slice(0, 12);
};

/** "8080->80/tcp", with the host address only when it is not every interface. */
export function portText(p: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }): string | null {
  if (!p.PublicPort) return null;
  const ip = p.IP && p.IP !== '0.0.0.0' && p.IP !== '::' ? `${p.IP.includes(':') ? `[${p.IP}]` : p.IP}:` : '';
  return `${ip}${p.PublicPort}->${p.PrivatePort}/${p.Type}`;
}

/** Config files from the label: comma-separated, resolved against the working dir (our copies of an SSH host's files: the server's path). */
export function configFilesOf(label: string | undefined, workingDir: string | null): string[] {
  if (!label) return [];
  return label
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (isAbsolute(f) || !workingDir ? serverPathOf(f) : join(workingDir, f)));
}

export function groupProjects(containers: readonly Dockerode.ContainerInfo[]): ComposeProject[] {
  const byProject = new Map<string, Dockerode.ContainerInfo[]>();
  for (const c of containers) {
    const labels = c.Labels ?? {};
    const project = labels[PROJECT_LABEL];
    if (!project || labels[ONEOFF_LABEL] === 'True') continue;
    let list = byProject.get(project);
    if (!list) byProject.set(project, (list = []));
    list.push(c);
  }
  const projects: ComposeProject[] = [];
  for (const [name, list] of byProject) {
    // Labels of the newest container win (a project re-created from another folder moves with it).
    const newest = [...list].sort((a, b) => b.Created - a.Created)[0]!.Labels ?? {};
    const workingDir = newest[WORKING_DIR_LABEL] || null;
    const services = new Map<string, Dockerode.ContainerInfo[]>();
    for (const c of list) {
      const s = c.Labels?.[SERVICE_LABEL] ?? '(no service)';
      let sl = services.get(s);
      if (!sl) services.set(s, (sl = []));
      sl.push(c);
    }
    const serviceRows: ComposeService[] = [...services]
      .map(([sName, cs]) => {
        cs.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
        const ports = [...new Set(cs.flatMap((c) => (c.Ports ?? []).map(portText).filter((p): p is string => p !== null)))].sort();
        return {
          name: sName,
          image: cs[0]!.Image,
          running: cs.filter((c) => c.State === 'running').length,
          total: cs.length,
          ports,
          containers: cs.map((c) => ({ id: c.Id, name: nameOf(c), state: String(c.State ?? ''), status: c.Status ?? '' })),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    const running = serviceRows.reduce((n, s) => n + s.running, 0);
    const total = serviceRows.reduce((n, s) => n + s.total, 0);
    projects.push({
      name,
      workingDir,
      configFiles: configFilesOf(newest[CONFIG_FILES_LABEL], workingDir),
      composeVersion: newest[VERSION_LABEL] || null,
      state: running === 0 ? 'stopped' : running === total ? 'running' : 'partial',
      running,
      total,
      services: serviceRows,
    });
  }
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

export async function fetchProjectRows(docker: Dockerode): Promise<ComposeProject[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [PROJECT_LABEL] }) });
  return groupProjects(list);
}
