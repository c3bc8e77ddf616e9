// Engine connectors: how a host reaches its engine. A connector opens (with an abort signal) a
// Docker client plus close() and a "connection lost" signal; HostConnection's state machine drives
// it (connect, reconnect with backoff, stop). Connectors are registered by URL scheme, so a host
// kind plugs in without touching the state machine: unix:// and npipe:// (local sockets), tcp://
// (plain or TLS with the Docker CLI's certificates), and ssh://, the slot the SSH-hosts feature
// fills — until it does, ssh:// says plainly that SSH engines are added as hosts (no reconnect loop).
import Dockerode from 'dockerode';
import { join } from 'node:path';
import type { Endpoint } from '../../contract';
import { currentContextName, type DiscoveryEnv } from './discovery';
import { dockerOptionsFor } from './docker-client';
import type { SshSession } from '../ssh/ssh-session';

export interface EngineConnection {
  docker: Dockerode;
  /** Release what open() holds (tunnels, agents). Idempotent. */
  close(): void;
  /** The transport went away on its own (a tunnel dropped). Sockets report loss through the events stream. */
  onLost(listener: (why: Error) => void): () => void;
  /** ssh hosts: the SSH connection the engine is reached through (a host shell, a socket forward use it too). */
  ssh?: SshSession;
}

export interface EngineConnector {
  /** The scheme it serves (unix, npipe, tcp, ssh…), shown in logs. */
  readonly kind: string;
  open(signal: AbortSignal): Promise<EngineConnection>;
}

/** A failure that retrying cannot fix (the endpoint's kind is not usable here): no reconnect loop. */
export class PermanentConnectError extends Error {
  readonly permanent = true;
  constructor(
    message: string,
    readonly hint: string,
    readonly code = 'EUNSUPPORTED',
  ) {
    super(message);
  }
}

export type ConnectorFactory = (endpoint: Endpoint) => EngineConnector;

const schemeOf = (url: string): string => /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? '';

/** Connectors keyed by URL scheme. */
export class ConnectorRegistry {
  private readonly kinds = new Map<string, ConnectorFactory>();

  register(scheme: string, factory: ConnectorFactory): this {
    this.kinds.set(scheme.toLowerCase(), factory);
    return this;
  }

  has(scheme: string): boolean {
    return this.kinds.has(scheme.toLowerCase());
  }

  /** The connector for this endpoint; an unknown scheme gets one that fails permanently, saying why. */
  forEndpoint(endpoint: Endpoint): EngineConnector {
    const scheme = schemeOf(endpoint.url);
    const f = this.kinds.get(scheme);
    if (f) return f(endpoint);
    return failing(scheme || 'unknown', new PermanentConnectError(`"${endpoint.url}" is not an engine address WakeDock can use`, 'Use a unix://, npipe:// or tcp:// address'));
  }
}

function failing(kind: string, error: Error): EngineConnector {
  return {
    kind,
    open: async () => {
      throw error;
    },
  };
}

const noLoss = (): (() => void) => () => {};

/** A connector over a client made synchronously (sockets, tcp): nothing to hold open besides the client's agent. */
export function clientConnector(kind: string, make: () => Dockerode): EngineConnector {
  return {
    kind,
    open: async (signal) => {
      signal.throwIfAborted();
      const docker = make();
      return {
        docker,
        close: () => {
          const agent = (docker.modem as { agent?: { destroy?: () => void } } | undefined)?.agent;
          agent?.destroy?.();
        },
        onLost: noLoss,
      };
    },
  };
}

export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
  /** Where it was read from (shown in logs). */
  from: string;
}

/**
 * TLS material for a tcp:// engine, as the Docker CLI finds it: DOCKER_CERT_PATH (or ~/.docker)
 * when DOCKER_TLS_VERIFY is set or the endpoint came from DOCKER_HOST with DOCKER_CERT_PATH set;
 * for a Docker context, its TLS dir (contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem).
 */
export function tlsMaterialFor(endpoint: Endpoint, d: DiscoveryEnv): TlsMaterial | undefined {
  const read = (dir: string): TlsMaterial | undefined => {
    const ca = d.readFile(join(dir, 'ca.pem'));
    const cert = d.readFile(join(dir, 'cert.pem'));
    const key = d.readFile(join(dir, 'key.pem'));
    return ca !== undefined && cert !== undefined && key !== undefined ? { ca, cert, key, from: dir } : undefined;
  };
  const configDir = d.env.DOCKER_CONFIG || join(d.home, '.docker');
  if (endpoint.source === 'context') {
    const tls = currentContextName(d);
    if (tls) {
      const m = read(join(configDir, 'contexts', 'tls', tls.hash, 'docker'));
      if (m) return m;
    }
  }
  const verify = !!d.env.DOCKER_TLS_VERIFY && d.env.DOCKER_TLS_VERIFY !== '0';
  if (verify || (endpoint.source === 'DOCKER_HOST' && d.env.DOCKER_CERT_PATH)) return read(d.env.DOCKER_CERT_PATH || configDir);
  return undefined;
}

export interface DefaultConnectorOptions {
  discovery: DiscoveryEnv;
  /** Tests inject a client maker (fake engines); default: dockerode with the endpoint's options. */
  makeClient?: (url: string, tls?: TlsMaterial) => Dockerode;
}

/** unix, npipe, tcp (with TLS when the Docker CLI would use it), and the ssh slot. */
export function defaultConnectors(o: DefaultConnectorOptions): ConnectorRegistry {
  const make =
    o.makeClient ??
    ((url: string, tls?: TlsMaterial): Dockerode => {
      const base = dockerOptionsFor(url);
      return new Dockerode(tls ? { ...base, protocol: 'https', ca: tls.ca, cert: tls.cert, key: tls.key } : base);
    });
  const socket: ConnectorFactory = (ep) => clientConnector(schemeOf(ep.url), () => make(ep.url));
  const tcp: ConnectorFactory = (ep) => clientConnector('tcp', () => make(ep.url, tlsMaterialFor(ep, o.discovery)));
  return new ConnectorRegistry()
    .register('unix', socket)
    .register('npipe', socket)
    .register('tcp', tcp)
    .register('http', tcp)
    .register('https', tcp)
    .register('ssh', (ep) =>
      failing(
        'ssh',
        new PermanentConnectError(
          `${ep.url} is an SSH engine: SSH engines are added as hosts, not used as the local engine`,
          'Add it as a host (Settings → Hosts); for this engine choose a unix:// socket or tcp:// address in Settings',
        ),
      ),
    );
}
