// Alerts against the real engine, through the core's handlers behind a real RpcServer: a CPU rule
// fed by the StatsHub fires within its window and its webhook reaches a receiver on 127.0.0.1; a
// container exiting with code 3 (whose firing and resolved notices both reach the receiver) and an
// OOM-killed container raise their alerts from the shared engine events stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, ProcInput, ProcOutput } from '../../../src-main/contract';
import type { Alert } from '../../../src-main/contract/procedures/alerts';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, cleanupTestContainers, discoveryFor, docker, ensureTestImage, runContainer, uniqueName, waitFor } from '../../support/docker-fixtures';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { EventLog, connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'alerts';
const PREFIX = `wdtest-${AREA}-`;

let core: Core;
let server: RpcServer;
let link: InMemoryLink;
let dataDir: string;
let rx: Receiver;

function call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>> {
  return link.client.call(p, input) as Promise<ProcOutput<P>>;
}

async function openAlert(pred: (a: Alert) => boolean, what: string, timeoutMs: number): Promise<Alert> {
  return waitFor(what, async () => (await call('alerts.list', { state: 'open' })).find(pred), { timeoutMs, intervalMs: 100 });
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-alerts-'));
  core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  link = connectInMemory(server);
  rx = await startReceiver();
  await waitFor('the local host to connect', async () => (await call('hosts.list', {})).find((h) => h.id === 'local' && h.state === 'connected'), { timeoutMs: 15_000 });
});

afterEach(async () => {
  for (const r of await call('alerts.rules.list', {})) await call('alerts.rules.delete', { id: r.id });
  await cleanupTestContainers({ namePrefix: PREFIX });
});

afterAll(async () => {
  link?.close();
  core?.dispose();
  await rx?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts on the real engine', () => {
  // The threshold is low on purpose: on a 2-core machine shared with other test runs (load average
  // 10-14 while this was written) even four busy loops with a high CPU weight measured 20-50 % of
  // a core, so "above 50 %" would test the machine's load rather than the rule.
  it('a CPU rule (15 % for 3 s) fires for a busy-looping container within its window + 5 s, and its webhook reaches the receiver', async () => {
    const channel = await call('channels.save', { name: 'receiver', kind: 'json', url: rx.url });
    const name = uniqueName(AREA);
    const rule = await call('alerts.rules.save', {
      hostId: 'local',
      name: 'busy CPU',
      scope: { kind: 'container', name },
      condition: { kind: 'cpu', thresholdPercent: 15, forSeconds: 3 },
      cooldownSeconds: 0,
      channelIds: [channel.id],
    });
    // Threshold rules subscribe to the StatsHub, and only for the containers they name.
    expect(core.services.alerts.statsSubscription).toBe(JSON.stringify([['local', [name]]]));

    const watch = new EventLog<ProcOutput<'alerts.watch'>>();
    const sub = link.client.subscribe('alerts.watch', {}, watch.handlers);

    const c = await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'for i in 1 2 3; do (while :; do :; done) & done; while :; do :; done'], extra: ['--cpu-shares', '8192'] });
    // The window is measured from when the engine started the container (a loaded machine can take
    // seconds to answer `docker run`).
    const started = Date.parse(await docker(['inspect', '-f', '{{.State.StartedAt}}', name]));
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the CPU alert', 30_000);
    expect(alert.firedAt - started).toBeLessThanOrEqual(3_000 + 5_000);
    // Held for the whole window: it cannot fire before 3 s of samples above the threshold.
    expect(alert.firedAt - started).toBeGreaterThanOrEqual(3_000);
    expect(alert).toMatchObject({ condition: 'cpu', state: 'open', target: { containerName: name, containerId: c.id, key: `local/${name}` } });
    expect(alert.value).toBeGreaterThan(15);

    const [hook] = await rx.waitFor(1, 15_000);
    expect(hook!.method).toBe('POST');
    const body = hook!.json as { source: string; alert: Alert };
    expect(body.source).toBe('wakedock');
    expect(body.alert).toMatchObject({ id: alert.id, ruleName: 'busy CPU', condition: 'cpu', target: { containerName: name } });
    await waitFor('the delivery to be recorded as sent', async () => (await call('alerts.list', {})).find((a) => a.id === alert.id && a.deliveries[0]?.state === 'sent'));

    // The watch stream told its subscriber about the new alert as it fired.
    await waitFor('alerts.watch to carry the fired alert', () => watch.events.some((e) => e.kind === 'upsert' && e.fired && e.alert.id === alert.id));

    // Stopping the container resolves the alert; deleting the rule drops the stats subscription.
    await docker(['rm', '-f', name]);
    await waitFor('the CPU alert to resolve', async () => (await call('alerts.list', {})).find((a) => a.id === alert.id && a.state === 'resolved'), { timeoutMs: 10_000 });
    await call('alerts.rules.delete', { id: rule.id });
    expect(core.services.alerts.statsSubscription).toBeNull();
    link.client.unsubscribe(sub);
  });

  it('a container exiting with code 3 raises the exit alert; its restart resolves it; the receiver hears both', async () => {
    const name = uniqueName(AREA);
    const channel = await call('channels.save', { name: 'receiver', kind: 'json', url: rx.url });
    expect(channel.sendResolved).toBe(true);
    const before = rx.received.length;
    // A long cool-down: it must hold back new fires only, never the resolve notice.
    const rule = await call('alerts.rules.save', { hostId: 'local', name: 'crashed', scope: { kind: 'container', name }, condition: { kind: 'exit' }, cooldownSeconds: 3600, channelIds: [channel.id] });
    // No threshold rule: no stats subscription at all.
    expect(core.services.alerts.statsSubscription).toBeNull();
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the exit alert', 15_000);
    expect(alert).toMatchObject({ condition: 'exit', value: 3, message: `${name} exited with code 3`, target: { containerName: name } });
    expect(await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).toBe('3');

    await docker(['start', name]);
    await waitFor('the exit alert to resolve on start', async () => (await call('alerts.list', {})).find((a) => a.id === alert.id && a.state === 'resolved'), { timeoutMs: 10_000 });
    expect((await call('alerts.list', {})).find((a) => a.id === alert.id)!.resolution).toBe('the container started again');

    // The receiver on 127.0.0.1 got the firing message, then the resolved one, for this alert.
    // (Filtered by alert id: the CPU test's resolve notice may still be arriving.)
    type Hook = { source: string; status: string; alert: Alert };
    const hooks = await waitFor(
      'the firing and the resolved message at the receiver',
      () => {
        const mine = rx.received.slice(before).map((r) => r.json as Hook).filter((h) => h.alert?.id === alert.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(hooks.map((h) => [h.source, h.status, h.alert.id])).toEqual([
      ['wakedock', 'firing', alert.id],
      ['wakedock', 'resolved', alert.id],
    ]);
    expect(hooks[1]!.alert).toMatchObject({ state: 'resolved', resolution: 'the container started again', target: { containerName: name } });
    expect(hooks[1]!.alert.resolvedAt! - hooks[1]!.alert.firedAt).toBeGreaterThanOrEqual(0);
    // Both outcomes are recorded on the alert, as the alert centre shows them.
    const recorded = await waitFor('both deliveries to be recorded as sent', async () => {
      const a = (await call('alerts.list', {})).find((x) => x.id === alert.id)!;
      return a.deliveries.every((d) => d.state === 'sent') ? a.deliveries : undefined;
    });
    expect(recorded.map((d) => [d.kind, d.channelName, d.state])).toEqual([
      ['fire', 'receiver', 'sent'],
      ['resolve', 'receiver', 'sent'],
    ]);
    await call('channels.delete', { id: channel.id });
  });

  it('an OOM-killed container (memory limit 8m, a shell that doubles a string) raises the OOM alert', async () => {
    const name = uniqueName(AREA);
    const rule = await call('alerts.rules.save', { hostId: 'local', name: 'oom', scope: { kind: 'container', name }, condition: { kind: 'oom' }, cooldownSeconds: 0 });
    await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'x=a; while :; do x=$x$x; done'], extra: ['--memory', '8m', '--memory-swap', '8m'] });
    const alert = await openAlert((a) => a.ruleId === rule.id, 'the OOM alert', 30_000);
    expect(alert).toMatchObject({ condition: 'oom', message: `${name} was killed for lack of memory (OOM)`, target: { containerName: name } });
    expect(await docker(['inspect', '-f', '{{.State.OOMKilled}}', name])).toBe('true');
  });
});
