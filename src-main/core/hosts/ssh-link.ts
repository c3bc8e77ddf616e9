// What the host shell and the local socket forward need from a connected SSH host: its live SSH
// connection (the same one that carries the Docker API), without knowing how it was made.
import type { Duplex } from 'node:stream';
import { RpcError } from '../../contract';
import type { HostRegistry } from '../host-registry';
import type { Exec } from '../ssh/remote-file';
import type { SshShellOpener } from '../terminal/ssh-shell-backend';

export interface SshLink {
  /** The host's name, for messages ("the SSH connection to NAME was lost"). */
  hostName: string;
  /** A pty shell channel on the connection. */
  shell: SshShellOpener['shell'];
  /** A new channel to the remote engine socket (direct-streamlocal@openssh.com). */
  openEngineStream(): Promise<Duplex>;
  /** A command on the server (an exec channel: stdout, stderr, exit code). */
  exec: Exec;
  /** Called once when this connection is lost or closed; returns an unsubscribe. */
  onLost(listener: (why: Error) => void): () => void;
}

/**
 * The link of a connected SSH host. Throws a coded RpcError: NOT_SSH_HOST for other kinds,
 * NOT_CONNECTED while it is connecting or unreachable, HOST_NOT_FOUND for an unknown id.
 */
export type SshLinkOf = (hostId: string) => SshLink;

/** The links of the registry's SSH hosts (their HostConnection's live session). */
export function sshLinkOf(hosts: HostRegistry): SshLinkOf {
  return (hostId) => {
    const conn = hosts.get(hostId);
    const host = conn.host;
    if (host.kind !== 'ssh') throw RpcError.from('VALIDATION', `${host.name} is not an SSH host`, { reason: 'NOT_SSH_HOST', field: 'hostId' });
    const session = conn.sshSession();
    const socket = conn.sshEngineSocket();
    if (!session || session.closed || !socket) {
      throw RpcError.from('ENGINE_UNREACHABLE', `${host.name} is ${host.state}${host.reason ? ` (${host.reason})` : ''}: connect it first`, { reason: 'NOT_CONNECTED', retryable: true });
    }
    return {
      hostName: host.name,
      shell: (pty) => session.shell(pty),
      openEngineStream: () => session.forwardOutStreamLocal(socket),
      exec: (command) => session.exec(command),
      onLost: (l) => session.onClose(l),
    };
  };
}
