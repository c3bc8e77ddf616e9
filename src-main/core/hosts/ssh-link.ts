// What the host shell and the local socket forward need from a connected SSH host: its live SSH
// connection (the same one that carries the Docker API), without knowing how it was made.
import type { Duplex } from 'node:stream';
import type { SshShellOpener } from '../terminal/ssh-shell-backend';

export interface SshLink {
  /** The host's name, for messages ("the SSH connection to NAME was lost"). */
  hostName: string;
  /** A pty shell channel on the connection. */
  shell: SshShellOpener['shell'];
  /** A new channel to the remote engine socket (direct-streamlocal@openssh.com). */
  openEngineStream(): Promise<Duplex>;
  /** Called once when this connection is lost or closed; returns an unsubscribe. */
  onLost(listener: (why: Error) => void): () => void;
}

/**
 * The link of a connected SSH host. Throws a coded RpcError: NOT_SSH_HOST for other kinds,
 * NOT_CONNECTED while it is connecting or unreachable, HOST_NOT_FOUND for an unknown id.
 */
export type SshLinkOf = (hostId: string) => SshLink;
