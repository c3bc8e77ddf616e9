// The "host unreachable" rule for every host (issue 10, several hosts): a private dockerd on TCP
// added as a host, an engine-down rule with hostId '*' (2 s). Stopping that dockerd fires one alert
// for that host only (the local engine stays up and has none), naming it; starting the dockerd again
// resolves it. A host added after the rule is watched too (the rule follows the registry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src-main/contract/procedures/alerts';
import { disposePrivateDaemon, startDockerd, startPrivateEngine, stopDockerd, waitFor, type PrivateEngine } from '../../support/docker-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'alhostdown';

let spec: PrivateEngine;
let port: number;
let rig: CoreRig;

beforeAll(async () => {
  spec = await startPrivateEngine(AREA, { tcp: true, testImage: false });
  port = spec.tcpPort!;
  rig = await startCoreRig({ area: AREA, mode: 'serve', options: { backoffMinMs: 200, backoffMaxMs: 1000 } });
}, 120_000);

afterAll(async () => {
  await rig?.dispose();
  if (spec) await disposePrivateDaemon(spec);
}, 120_000);

const alerts = async (state: 'open' | 'resolved'): Promise<Alert[]> => (await rig.call('alerts.list', { state })).filter((a) => a.condition === 'engine-down');

describe('host unreachable rule for every host (real private dockerd)', () => {
  it('fires for the host that went down after N seconds, names it, and resolves when it is back', async () => {
    // The rule exists before the host: it must pick up hosts added later.
    const rule = await rig.call('alerts.rules.save', { name: 'Any host down', hostId: '*', scope: { kind: 'host' }, condition: { kind: 'engine-down', forSeconds: 2 }, cooldownSeconds: 0, desktop: false, channelIds: [], enabled: true });
    expect(rule.hostId).toBe('*');
    const host = await rig.call('hosts.add', { name: 'Build box', config: { kind: 'tcp', url: `tcp://127.0.0.1:${port}` } });
    await waitFor('the TCP host to connect', async () => (await rig.call('hosts.list', {})).find((h) => h.id === host.id && h.state === 'connected'), { timeoutMs: 20_000 });
    expect(await alerts('open')).toEqual([]);

    const stoppedAt = Date.now();
    await stopDockerd(spec);
    const open = await waitFor('the host-unreachable alert', async () => (await alerts('open')).find((a) => a.hostId === host.id), { timeoutMs: 30_000, intervalMs: 100 });
    // Not before the 2 s the rule asks for (measured from when the stop began, so a conservative bound).
    expect(open.firedAt - stoppedAt).toBeGreaterThanOrEqual(2000);
    expect(open).toMatchObject({ ruleId: rule.id, hostId: host.id, target: { key: host.id, label: 'Build box' }, state: 'open' });
    expect(open.message).toMatch(/^The engine of Build box is unreachable/);
    // The local engine is up: nothing for it.
    expect((await alerts('open')).filter((a) => a.hostId !== host.id)).toEqual([]);

    await startDockerd(spec);
    const resolved = await waitFor('the alert to resolve', async () => (await alerts('resolved')).find((a) => a.id === open.id), { timeoutMs: 30_000, intervalMs: 100 });
    expect(resolved.resolution).toBe('the engine is reachable again');
    expect((await alerts('open')).filter((a) => a.hostId === host.id)).toEqual([]);
  }, 120_000);
});
