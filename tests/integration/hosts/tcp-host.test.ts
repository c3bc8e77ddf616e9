// Done-when of the hosts refactor: a second host added from a test through the connector registry —
// a private dockerd listening on TCP on 127.0.0.1 — works for the features behind the contract:
// it is listed with its state, its containers are listed, lifecycle actions change the engine's real
// state, and logs follow over the TCP (non-unix-socket) log path, all with hostId naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ContainerSummary, Host, ProcInput, ProcOutput } from '../../../src-main/contract';
import { silentLogger } from '../../../src-main/contract/handlers';
import { HostConnection } from '../../../src-main/core/engine/host-connection';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { disposePrivateDaemon, inspectContainer, runContainer, startPrivateEngine, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { EventLog, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'tcphost';
const HOST_ID = 'tcp-engine';

let spec: PrivateEngine;
let port: number;
let rig: CoreRig;
let link: InMemoryLink;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return rig.call(p, input);
}

beforeAll(async () => {
  spec = await startPrivateEngine(AREA, { tcp: true });
  port = spec.tcpPort!;
  rig = await startCoreRig({ area: AREA, mode: 'serve' });
  const core = rig.core;
  core.hosts.add(
    new HostConnection({
      id: HOST_ID,
      name: 'TCP engine',
      kind: 'local',
      endpoint: { url: `tcp://127.0.0.1:${port}`, source: 'settings', detail: 'added by the test' },
      connector: (ep) => core.connectors.forEndpoint(ep),
      logger: silentLogger,
    }),
  );
  link = rig.link;
  await waitFor('the TCP host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === HOST_ID && h.state === 'connected'), { timeoutMs: 20_000 });
}, 180_000);

afterAll(async () => {
  await rig?.dispose();
  if (spec) await disposePrivateDaemon(spec);
}, 120_000);

describe('a second host over TCP, added through the connector registry', () => {
  it('is listed next to the discovered engine, with its endpoint and engine version', async () => {
    const hosts = await call('hosts.list', {});
    const tcp = hosts.find((h) => h.id === HOST_ID) as Host;
    expect(tcp).toMatchObject({ name: 'TCP engine', state: 'connected', endpoint: { url: `tcp://127.0.0.1:${port}` } });
    expect(tcp.discovered).toBeUndefined();
    expect(hosts.some((h) => h.discovered)).toBe(true);
  });

  it('lists its own containers, and lifecycle actions change that engine', async () => {
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const list = (await call('containers.list', { hostId: HOST_ID })) as ContainerSummary[];
    expect(list.find((c) => c.id === box.id)).toMatchObject({ name: box.name, state: 'running' });
    // The discovered engine does not have it.
    expect(((await call('containers.list', { hostId: 'local' })) as ContainerSummary[]).some((c) => c.id === box.id)).toBe(false);

    await call('containers.stop', { hostId: HOST_ID, id: box.id, timeout: 1 });
    expect((await inspectContainer(box.id, { socket: spec.socket }))?.State.Running).toBe(false);
    await call('containers.start', { hostId: HOST_ID, id: box.id });
    expect((await inspectContainer(box.id, { socket: spec.socket }))?.State.Running).toBe(true);
  });

  it('follows logs over TCP (the non-unix-socket log path): history, then live lines', async () => {
    const talker = await runContainer({ area: AREA, socket: spec.socket, cmd: ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do echo tcp-line-$i; i=$((i+1)); sleep 0.01; done; sleep 3600'] });
    const log = new EventLog<ProcOutput<'logs.follow'>>();
    const sub = link.client.subscribe('logs.follow', { hostId: HOST_ID, id: talker.id, tail: 'all' }, log.handlers);
    try {
      const texts = (): string[] => log.events.flatMap((e) => (e.kind === 'lines' ? e.lines.map((l) => l.text) : []));
      await waitFor('all 400 lines over TCP', () => texts().includes('tcp-line-399'), { timeoutMs: 20_000 });
      const lines = texts().filter((t) => t.startsWith('tcp-line-'));
      expect(lines).toEqual(Array.from({ length: 400 }, (_, i) => `tcp-line-${i}`));
      expect(log.error).toBeUndefined();
    } finally {
      link.client.unsubscribe(sub);
    }
  });

  it('opens a terminal in a container of that engine and shows its output', async () => {
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const opened = (await call('terminal.open', { target: 'container', hostId: HOST_ID, id: box.id, command: 'sh -c "echo hello-from-$((6*7))"', cols: 80, rows: 24 })) as { sessionId: string; session: { hostId?: string } };
    expect(opened.session.hostId).toBe(HOST_ID);
    const log = new EventLog<ProcOutput<'terminal.attach'>>();
    const sub = link.client.subscribe('terminal.attach', { sessionId: opened.sessionId }, log.handlers);
    try {
      const text = (): string => log.events.map((e) => (e.type === 'replay' || e.type === 'output' ? e.data : '')).join('');
      await waitFor('the shell output', () => text().includes('hello-from-42'), { timeoutMs: 15_000 });
    } finally {
      link.client.unsubscribe(sub);
    }
  });

  it('live stats and their history for a watched container of that engine', async () => {
    const box = await runContainer({ area: AREA, socket: spec.socket });
    const log = new EventLog<ProcOutput<'stats.watch'>>();
    const sub = link.client.subscribe('stats.watch', { hostId: HOST_ID, ids: [box.id] }, log.handlers);
    try {
      await waitFor('a stats batch for it', () => log.events.some((b) => b.some((s) => s.id === box.id && s.hostId === HOST_ID)), { timeoutMs: 15_000 });
      // Watched containers are recorded at 1 s by the history service, which follows every host.
      await waitFor('history points for it', async () => (await call('stats.history', { hostId: HOST_ID, id: box.id, window: '5m' })).points.length >= 2, { timeoutMs: 15_000 });
    } finally {
      link.client.unsubscribe(sub);
    }
  });

  it('an alert rule naming that host fires on its engine\'s events', async () => {
    const crasher = await runContainer({ area: AREA, socket: spec.socket, cmd: ['sh', '-c', 'sleep 1; exit 5'] });
    await call('alerts.rules.save', { hostId: HOST_ID, name: 'tcp crash', scope: { kind: 'container', name: crasher.name }, condition: { kind: 'exit' }, cooldownSeconds: 0 });
    const alert = await waitFor('the alert', async () => (await call('alerts.list', { state: 'open', limit: 50 })).find((a) => a.ruleName === 'tcp crash'), { timeoutMs: 15_000 });
    expect(alert).toMatchObject({ hostId: HOST_ID, state: 'open' });
    expect(alert.message).toContain('5');
  });
});
