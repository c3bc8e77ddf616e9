// containers.inspect / containers.revealEnv: the inspect view with secrets masked in main, and the
// real values only on an explicit reveal.
import type { inspectProcedures } from '../../contract/procedures/inspect';
import { RpcError } from '../../contract';
import type { CoreContext, DomainHandlers } from '../context';
import { inspectContainer } from '../engine/engine-api';
import { rawJson, toInspectView, type RawInspect } from '../engine/inspect-view';
import { splitEnv } from '../engine/secret-mask';

export function inspectHandlers(ctx: CoreContext): DomainHandlers<typeof inspectProcedures> {
  const inspect = (hostId: string, id: string): Promise<RawInspect> => inspectContainer(ctx.hosts.get(hostId).client(), id);
  return {
    'containers.inspect': async ({ hostId, id }) => toInspectView(await inspect(hostId, id)),
    'containers.revealEnv': async ({ hostId, id, name, all }) => {
      const info = await inspect(hostId, id);
      const env = (info.Config?.Env ?? []).map(splitEnv);
      if (all) return { env, raw: rawJson(info, null) };
      const hit = env.filter((e) => e.name === name);
      if (hit.length === 0) throw RpcError.from('NOT_FOUND', `The container has no variable "${name}"`, { field: 'name' });
      return { env: hit };
    },
  };
}
