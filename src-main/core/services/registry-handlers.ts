// registry.* and images.push: logins checked by the engine and kept with the password sealed by the
// store's SecretBox (never sent back to the renderer); push with the login of the image's registry,
// progress per layer at a bounded rate (the pull's parser: push lines have the same shape).
import { RpcError } from '../../contract/errors';
import type { registryProcedures } from '../../contract/procedures/registry';
import type { CoreContext, DomainHandlers } from '../context';
import { engineError, engineMessage } from '../engine/engine-errors';
import { streamLayerProgress } from '../engine/layer-stream';
import { authConfig, normalServer, resolveAuth } from '../registry/registry-auth';

const PUSH_EMIT_MS = 200;

export function registryHandlers(ctx: CoreContext): DomainHandlers<typeof registryProcedures> {
  const { store, hosts } = ctx;
  return {
    'registry.list': async () => ({
      items: store.get('registries').map((l) => ({ server: l.server, username: l.username })),
      storage: store.secrets.description,
    }),

    'registry.login': async ({ hostId, server, username, password }, signal) => {
      const s = normalServer(server);
      try {
        await hosts.get(hostId).client().checkAuth({ ...authConfig({ server: s, username, password }), abortSignal: signal });
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        // The engine answers a refused login with 401 (or 500 wrapping the registry's 401).
        if (status === 401 || /unauthorized|authentication required|incorrect username or password/i.test(engineMessage(e as never))) {
          throw RpcError.from('VALIDATION', `The registry refused the login: ${engineMessage(e as never)}`, { reason: 'AUTH_FAILED', field: 'password', detail: engineMessage(e as never) });
        }
        throw engineError(e, { context: `Could not log in to ${s}` });
      }
      await store.update('registries', (list) => [...list.filter((l) => normalServer(l.server) !== s), { server: s, username, password }]);
      return { server: s, username };
    },

    'registry.logout': async ({ server }) => {
      const s = normalServer(server);
      if (!store.get('registries').some((l) => normalServer(l.server) === s)) throw RpcError.from('NOT_FOUND', `WakeDock is not logged in to ${s}.`, { reason: 'INVALID_INPUT', field: 'server' });
      await store.update('registries', (list) => list.filter((l) => normalServer(l.server) !== s));
      return null;
    },

    'images.push': ({ hostId, ref }, sink, signal) => {
      const docker = hosts.get(hostId).client();
      // The engine pushes one tag: the repository in the path, the tag as a parameter (as docker push does).
      const m = /^(.*?)(?::([\w][\w.-]{0,127}))?$/.exec(ref.includes('@') ? ref.split('@')[0]! : ref)!;
      const repo = m[1]!;
      const tag = m[2] ?? 'latest';
      return streamLayerProgress({
        docker,
        ref,
        // WakeDock's login of the registry, else the Docker CLI's credentials (config.json, helpers).
        open: (cb) =>
          void resolveAuth(store, ref, ctx.opts.dockerConfig).then(
            (a) => docker.getImage(repo).push({ tag }, cb, a?.auth ?? {}),
            (e: unknown) => cb(e),
          ),
        sink,
        signal,
        doneStatus: `Pushed ${repo}:${tag}`,
        failed: 'the push failed',
        mapOpenError: (e) => engineError(e, { context: `Could not push ${ref}` }),
        emitMs: PUSH_EMIT_MS,
      });
    },
  };
}
