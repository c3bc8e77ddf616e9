// compose.*: the projects list is a ResourcesService feed (kind 'project'); actions run the compose
// CLI found once per core, against the host's engine, in the project's working dir from its labels.
// A running CLI is stopped when its stream is torn down (unsubscribe, connection closed, shutdown).
// An SSH host's engine is reached through a local socket forwarded over the host's SSH connection:
// this service's own forward (not the user's hosts.forwardSocket one), made on the first action and
// removed when the host disconnects or is removed and when the core stops; the project's files are
// read from the server for each action (compose/remote-files.ts).
import { join } from 'node:path';
import { RpcError } from '../../contract/errors';
import type { StreamSink } from '../../contract/handlers';
import type { ComposeProject, ComposeRunEvent, composeProcedures } from '../../contract/procedures/compose';
import type { CoreContext, DomainHandlers } from '../context';
import { commandText, composeArgs, detectComposeCli, forwardArgs, fullArgs, hostArgs, runCompose, type ComposeCommand, type FetchedFiles } from '../compose/compose-cli';
import { checkCompose, deployTarget, invalidCompose, readComposeFiles, removeIfCreated, writeAtomic } from '../compose/compose-files';
import { fetchProjectRows } from '../compose/compose-projects';
import { fetchComposeFiles } from '../compose/remote-files';
import { SocketForwards } from '../hosts/socket-forwards';
import type { SshLinkOf } from '../hosts/ssh-link';
import { readRemoteFile } from '../ssh/remote-file';

const NO_CLI = 'Neither `docker compose` (v2) nor `docker-compose` (v1) was found on this machine.';

/** A compose file (or .env) read from an SSH host is refused above this size. */
const MAX_REMOTE_FILE = 1024 * 1024;

export function composeHandlers(ctx: CoreContext, sshLink?: SshLinkOf): DomainHandlers<typeof composeProcedures> {
  let detected: Promise<ComposeCommand | null> | null = null;
  // Found once; a miss is asked again next time (the user may install it meanwhile).
  const cli = async (): Promise<ComposeCommand | null> => {
    detected ??= detectComposeCli();
    const c = await detected;
    if (!c) detected = null;
    return c;
  };
  const running = new Set<AbortController>();
  // Builds nothing that runs: a forward starts with the first action on an SSH host.
  const forwards = new SocketForwards({ hosts: ctx.hosts, dataDir: join(ctx.opts.dataDir, 'compose'), logger: ctx.logger, sshLink });
  ctx.onDispose(() => {
    for (const a of running) a.abort();
    return forwards.dispose();
  });

  const ready = async (hostId: string) => {
    const conn = ctx.hosts.get(hostId);
    const c = await cli();
    if (!c) throw RpcError.from('NOT_FOUND', NO_CLI, { reason: 'COMPOSE_CLI_MISSING', hint: 'Install Docker Compose (the docker-compose-plugin package, or docker-compose).' });
    const reach = hostArgs(conn.host);
    if ('problem' in reach) throw RpcError.from('NOT_FOUND', reach.problem, { reason: 'COMPOSE_CLI_MISSING' });
    return { c, reach, conn };
  };

  /**
   * The engine flags for commands that read or write compose files on this machine (view, check,
   * save, deploy): an SSH host's files live on the server, so those stay local-engine/tcp only.
   */
  const localReady = async (hostId: string) => {
    const r = await ready(hostId);
    if ('viaForward' in r.reach) {
      throw RpcError.from('VALIDATION', `Viewing, editing and deploying compose files works for engines on this machine or over tcp; the files of ${r.conn.host.name} are on the server (its projects' up, down, start, stop, restart, pull and scale work).`, { reason: 'INVALID_INPUT', field: 'hostId' });
    }
    return { ...r, reach: r.reach };
  };

  /** Runs CLI commands one after the other into the stream; the first non-zero exit fails it. */
  const runSteps = (hostId: string, c: ComposeCommand, global: string[], steps: string[][], cwd: string, action: string, sink: StreamSink<ComposeRunEvent>, signal: AbortSignal, onDone?: () => void): (() => void) => {
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    signal.addEventListener('abort', stop, { once: true });
    running.add(abort);
    const resources = ctx.services.resources;
    void (async () => {
      for (const args of steps) {
        sink.next({ kind: 'start', command: [c.file, ...fullArgs({ cmd: c, global: [], args })].join(' '), cwd });
        const { exitCode, stderr } = await runCompose({
          cmd: c,
          global,
          args,
          cwd,
          signal: abort.signal,
          onLine: (stream, text) => sink.next({ kind: 'output', stream, text }),
          congested: () => sink.congested(),
          whenDrained: () => sink.whenDrained(),
        });
        if (abort.signal.aborted) return;
        if (exitCode !== 0) {
          const last = stderr.split('\n').filter(Boolean).pop() ?? '';
          sink.fail(RpcError.from('CONFLICT', `${commandText(c)} ${action} failed (exit ${exitCode})${last ? `: ${last}` : ''}`, { reason: 'COMPOSE_FAILED', detail: stderr || `exit code ${exitCode}` }));
          return;
        }
      }
      sink.next({ kind: 'done', exitCode: 0 });
      sink.end();
    })()
      .catch((e: unknown) => sink.fail(RpcError.from('NOT_FOUND', `Could not run ${commandText(c)}: ${(e as Error).message}`, { reason: 'COMPOSE_CLI_MISSING' })))
      .finally(() => {
        onDone?.();
        running.delete(abort);
        signal.removeEventListener('abort', stop);
        // Volumes and networks may have come or gone with the project.
        resources.touched(hostId, 'project', 'volume', 'network');
      });
    return stop;
  };

  return {
    'compose.watch': ({ hostId }, sink) => ctx.services.resources.feed<ComposeProject>(hostId, 'project').subscribe((e) => sink.next(e)),

    'compose.cli': async ({ hostId }) => {
      const host = ctx.hosts.get(hostId).host;
      const c = await cli();
      const reach = hostArgs(host);
      const problem = !c ? NO_CLI : 'problem' in reach ? reach.problem : undefined;
      return { kind: c?.kind ?? null, version: c?.version ?? null, command: c ? commandText(c) : null, ...(problem ? { problem } : {}) };
    },

    'compose.run': async ({ hostId, project, action, services, removeVolumes, build, pull, replicas }, sink, signal) => {
      const { c, reach, conn } = await ready(hostId);
      // Where the project lives comes from its containers' labels, read now (not from the page's copy).
      const p = (await fetchProjectRows(conn.client())).find((x) => x.name === project);
      if (!p) throw RpcError.from('NOT_FOUND', `No compose project "${project}" on this host.`, { reason: 'PROJECT_NOT_FOUND' });
      const known = new Set(p.services.map((s) => s.name));
      const unknown = services.filter((s) => !known.has(s));
      if (unknown.length > 0) throw RpcError.from('VALIDATION', `The project has no service ${unknown.join(', ')}.`, { reason: 'INVALID_INPUT', field: 'services' });

      let global: string[];
      let fetched: (FetchedFiles & { remove(): void }) | undefined;
      if ('viaForward' in reach) {
        // Throws NOT_CONNECTED (retryable) while the host has no live SSH connection.
        const link = sshLink?.(hostId);
        if (!link) throw RpcError.from('ENGINE_UNREACHABLE', 'This WakeDock cannot open SSH connections', { reason: 'SSH_UNAVAILABLE' });
        try {
          fetched = await fetchComposeFiles(p, (path) => readRemoteFile(link.exec, path, MAX_REMOTE_FILE));
        } catch (e) {
          throw RpcError.from('NOT_FOUND', `Could not read the project's files on ${conn.host.name}: ${(e as Error).message}`, { reason: 'COMPOSE_FAILED', detail: (e as Error).message });
        }
        try {
          global = forwardArgs((await forwards.set(hostId, true)).path!);
        } catch (e) {
          fetched.remove();
          throw e;
        }
      } else {
        global = reach.args;
      }

      const opts = { services, removeVolumes, build, replicas, pullAlways: pull && c.kind === 'v2' };
      const main = composeArgs(p, action, opts, fetched);
      // v1's up has no --pull: pull first, as its own step.
      const steps = action === 'up' && pull && c.kind === 'v1' ? [composeArgs(p, 'pull', { services, removeVolumes: false }, fetched).args, main.args] : [main.args];
      return runSteps(hostId, c, global, steps, main.cwd, action, sink, signal, () => fetched?.remove());
    },

    'compose.files': async ({ hostId, project }) => {
      const { conn } = await localReady(hostId);
      const p = (await fetchProjectRows(conn.client())).find((x) => x.name === project);
      if (!p) throw RpcError.from('NOT_FOUND', `No compose project "${project}" on this host.`, { reason: 'PROJECT_NOT_FOUND' });
      return { workingDir: p.workingDir, files: await readComposeFiles(p.configFiles) };
    },

    'compose.check': async ({ hostId, dir, file, otherFiles, content, project }, signal) => {
      const { c, reach } = await localReady(hostId);
      return checkCompose({ cmd: c, global: reach.args, dir, file, otherFiles, content, project, signal });
    },

    'compose.save': async ({ hostId, project, file, content }) => {
      const { c, reach, conn } = await localReady(hostId);
      const p = (await fetchProjectRows(conn.client())).find((x) => x.name === project);
      if (!p) throw RpcError.from('NOT_FOUND', `No compose project "${project}" on this host.`, { reason: 'PROJECT_NOT_FOUND' });
      // Only the project's own compose files are written (never an arbitrary path).
      if (!p.configFiles.includes(file)) throw RpcError.from('VALIDATION', `${file} is not a compose file of ${project}.`, { reason: 'INVALID_INPUT', field: 'file' });
      const check = await checkCompose({ cmd: c, global: reach.args, dir: p.workingDir ?? file.replace(/[\\/][^\\/]*$/, ''), file, otherFiles: p.configFiles, content, project });
      if (!check.valid) throw invalidCompose(check, file);
      return { path: file, bytes: await writeAtomic(file, content) };
    },

    'compose.deploy': async ({ hostId, dir, project, content, overwrite, build, pull }, sink, signal) => {
      const { c, reach } = await localReady(hostId);
      const target = await deployTarget(dir, c.kind, overwrite);
      const check = await checkCompose({ cmd: c, global: reach.args, dir, file: target.file, otherFiles: [], content, project: project || undefined, signal }).catch(async (e: unknown) => {
        await removeIfCreated(dir, target.created);
        throw e;
      });
      if (!check.valid) {
        await removeIfCreated(dir, target.created);
        throw invalidCompose(check, target.file);
      }
      await writeAtomic(target.file, content);
      const base = ['--ansi', 'never', ...(project ? ['-p', project] : []), '--project-directory', dir, '-f', target.file];
      const up = ['up', '-d', ...(build ? ['--build'] : []), ...(pull && c.kind === 'v2' ? ['--pull', 'always'] : [])];
      const steps = pull && c.kind === 'v1' ? [[...base, 'pull'], [...base, ...up]] : [[...base, ...up]];
      return runSteps(hostId, c, reach.args, steps, dir, 'up', sink, signal);
    },
  };
}
