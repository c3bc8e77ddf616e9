// stats.* procedures (adapters over the stats and history services): the live stream (through the shared StatsHub), the persisted history and
// the engine host summary for the dashboard.
import type { statsProcedures, EngineHostInfo } from '../../contract/procedures/stats';
import type { CoreContext, DomainHandlers } from '../context';

export function statsHandlers(ctx: CoreContext): DomainHandlers<typeof statsProcedures> {
  const { stats, history } = ctx.services;
  return {
    'stats.watch': ({ hostId, ids }, sink) => {
      ctx.hosts.get(hostId); // NOT_FOUND for an unknown host, before anything is opened
      return stats.subscribe(hostId, ids ?? 'all', (batch) => sink.next(batch));
    },
    'stats.history': async ({ hostId, id, project, window }) => {
      ctx.hosts.get(hostId);
      const recordingSec = stats.backgroundMs / 1000;
      return { ...(history.store?.query({ hostId, id, project, window }) ?? { resolutionSec: 1, points: [] }), recordingSec };
    },
    'stats.engineHost': async ({ hostId }): Promise<EngineHostInfo> => {
      const info = (await ctx.hosts.get(hostId).client().info()) as Record<string, unknown>;
      const str = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
      const num = (k: string): number => (typeof info[k] === 'number' ? (info[k] as number) : 0);
      return {
        name: str('Name'),
        cpus: num('NCPU'),
        memTotal: num('MemTotal'),
        os: str('OperatingSystem'),
        osType: str('OSType'),
        arch: str('Architecture'),
        kernel: str('KernelVersion'),
        engineVersion: str('ServerVersion'),
        storageDriver: str('Driver'),
        cgroupVersion: str('CgroupVersion') || '1',
        containers: num('Containers'),
        running: num('ContainersRunning'),
        paused: num('ContainersPaused'),
        stopped: num('ContainersStopped'),
        images: num('Images'),
      };
    },
  };
}
