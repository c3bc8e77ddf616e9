// The tests' private dockerd leaves nothing on the host: a user network's bridge (br-<id>) outlives a
// stopped dockerd and keeps its address pool taken, and enough of them made every compose test fail
// with "no available, non-overlapping IPv4 address pool". disposePrivateDaemon() removes the networks
// while the daemon runs; removePrivateDaemon() finds the bridges of one that was already stopped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { disposePrivateDaemon, docker, removePrivateDaemon, startPrivateEngine, stopDockerd } from '../../support/docker-fixtures';

const AREA = 'privd';
const bridges = (): string[] => execFileSync('ip', ['-br', 'link', 'show', 'type', 'bridge']).toString().split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean);

async function engineWithNetwork(): Promise<{ engine: Awaited<ReturnType<typeof startPrivateEngine>>; bridge: string }> {
  const engine = await startPrivateEngine(AREA, { testImage: false });
  const id = await docker(['network', 'create', `wdtest-${AREA}-net`], { socket: engine.socket });
  const bridge = `br-${id.slice(0, 12)}`;
  expect(bridges(), 'the user network has its bridge on the host').toContain(bridge);
  expect(bridges()).toContain(engine.bridge);
  return { engine, bridge };
}

describe('private dockerd teardown', () => {
  it('disposePrivateDaemon: no user-network bridge, no own bridge, no dir left', async () => {
    const { engine, bridge } = await engineWithNetwork();
    await disposePrivateDaemon(engine);
    expect(bridges()).not.toContain(bridge);
    expect(bridges()).not.toContain(engine.bridge);
    expect(existsSync(engine.dir)).toBe(false);
  }, 120_000);

  it('removePrivateDaemon after a plain stop still deletes the bridge the stopped daemon left', async () => {
    const { engine, bridge } = await engineWithNetwork();
    try {
      await stopDockerd(engine);
      expect(bridges(), 'dockerd leaves the bridge behind when it stops').toContain(bridge);
      await removePrivateDaemon(engine);
      expect(bridges()).not.toContain(bridge);
      expect(bridges()).not.toContain(engine.bridge);
    } finally {
      await disposePrivateDaemon(engine);
    }
  }, 120_000);
});
