// Endpoint URL → dockerode instance. The seam for other transports (SSH tunnels) is the
// `DockerFactory` type: a host kind supplies its own factory.
import Dockerode from 'dockerode';
import { RpcError } from '../../contract';
import { socketPathOf } from './discovery';

export type DockerFactory = (url: string) => Dockerode;

export function dockerOptionsFor(url: string): Dockerode.DockerOptions {
  if (url.startsWith('unix://') || url.startsWith('npipe://')) {
    const socketPath = socketPathOf(url);
    if (!socketPath) throw RpcError.from('VALIDATION', `"${url}" has no socket path`, { field: 'engineOverride' });
    return { socketPath };
  }
  if (url.startsWith('tcp://') || url.startsWith('http://') || url.startsWith('https://')) {
    const u = new URL(url.replace(/^tcp:/, 'http:'));
    const port = Number(u.port || (u.protocol === 'https:' ? 2376 : 2375));
    return { host: u.hostname, port, protocol: u.protocol === 'https:' ? 'https' : 'http' };
  }
  if (url.startsWith('ssh://')) {
    throw RpcError.from('VALIDATION', `"${url}": ssh:// engines are added as SSH hosts, not as the local engine`, {
      field: 'engineOverride',
      hint: 'Use a unix:// socket or tcp:// address for the local engine',
    });
  }
  throw RpcError.from('VALIDATION', `"${url}" is not an engine address (unix://, tcp:// or npipe://)`, { field: 'engineOverride' });
}

export const defaultDockerFactory: DockerFactory = (url) => new Dockerode(dockerOptionsFor(url));
