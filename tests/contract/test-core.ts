// A fake core for transport tests: a handful of procedures implemented in memory, with probes
// on every stream (its sink, its AbortSignal, whether its cleanup ran). Everything else throws,
// which the server reports as INTERNAL. Pure logic: the transports are what is under test.
import { RpcError, procedures, type Host, type SystemInfo } from '../../src-main/contract';
import type { Handlers, StreamSink } from '../../src-main/rpc/dispatcher';

export interface StreamProbe {
  proc: 'containers.watch' | 'hosts.watch';
  input: unknown;
  sink: StreamSink<unknown>;
  signal: AbortSignal;
  cleanedUp: boolean;
}

export const TEST_INFO: SystemInfo = {
  appVersion: '9.8.7-test',
  contractVersion: 1,
  mode: 'desktop',
  dataDir: '/nonexistent/wakedock-test',
  notices: [{ level: 'info', message: 'café ✓ — unicode survives the trip' }],
};

export const TEST_HOST: Host = {
  id: 'local',
  name: 'Local engine',
  kind: 'local',
  endpoint: { url: 'unix:///var/run/docker.sock', source: 'default-socket' },
  state: 'connected',
  engineVersion: '20.10.24',
};

export class TestCore {
  /** Every stream the handlers opened, in order. */
  readonly streams: StreamProbe[] = [];
  /** Ids passed to containers.start that reached the handler (i.e. passed validation). */
  readonly started: string[] = [];
  readonly handlers: Handlers;

  constructor() {
    const notImplemented = (name: string) => async (): Promise<never> => {
      throw new Error(`${name} is not implemented by the test core`);
    };
    const base = Object.fromEntries(Object.keys(procedures).map((p) => [p, notImplemented(p)]));
    const open = (proc: StreamProbe['proc'], input: unknown, sink: StreamSink<unknown>, signal: AbortSignal): StreamProbe => {
      const probe: StreamProbe = { proc, input, sink, signal, cleanedUp: false };
      this.streams.push(probe);
      return probe;
    };
    const implemented: Pick<Handlers, 'system.info' | 'containers.start' | 'containers.watch' | 'hosts.watch'> = {
      'system.info': async () => TEST_INFO,
      'containers.start': async ({ id }) => {
        if (id === 'missing') throw RpcError.from('NOT_FOUND', 'No such container: missing');
        // Let a few calls overlap, so answers can come back out of order.
        await new Promise((r) => setTimeout(r, id.length % 3));
        this.started.push(id);
        return null;
      },
      'containers.watch': (input, sink, signal) => {
        const probe = open('containers.watch', input, sink as StreamSink<unknown>, signal);
        return () => {
          probe.cleanedUp = true;
        };
      },
      'hosts.watch': (input, sink, signal) => {
        const probe = open('hosts.watch', input, sink as StreamSink<unknown>, signal);
        sink.next([TEST_HOST]); // like the real one: the current list first
        return () => {
          probe.cleanedUp = true;
        };
      },
    };
    this.handlers = { ...base, ...implemented } as unknown as Handlers;
  }

  /** Streams whose handler has not been torn down. */
  get openStreams(): StreamProbe[] {
    return this.streams.filter((s) => !s.signal.aborted);
  }
}
