// SIGTERM to a running `wakedock serve` (the built CLI) during activity: the core is disposed and
// awaited before the process exits, so the shell open in a container is hung up (no exec process
// left in it) and the engine-driven alert write plus its delivery outcome reach the disk (before,
// `void dispose()` then `process.exit(0)` lost them).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, type Host } from '../../../src-main/contract';
import type { AlertsEvent } from '../../../src-main/contract/procedures/alerts';
import { STORE_FILE } from '../../../src-main/core/store/json-store';
import { SERVE_JS, ensureAppBuilt } from '../../support/build-app';
import { REPO_ROOT, SHARED_SOCKET, cleanupTestContainers, docker, ensureTestImage, runContainer, waitFor } from '../../support/docker-fixtures';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { openWsPort } from '../../support/rpc-harness';

const AREA = 'shutdown';
const PREFIX = `wdtest-${AREA}-`;

let dataDir: string;
let rx: Receiver;
let child: ChildProcess | undefined;

beforeAll(async () => {
  ensureAppBuilt();
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-shutdown-'));
  rx = await startReceiver();
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rx?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The processes running in a container (`docker top`, as the engine sees them). */
async function processesIn(name: string): Promise<string> {
  return docker(['top', name, '-o', 'pid,args']);
}

describe('SIGTERM to wakedock serve during activity', () => {
  it('hangs up the container shell and writes the last alert (with its delivery) before exiting', async () => {
    const token = randomBytes(16).toString('hex');
    const c = spawn(process.execPath, [SERVE_JS, 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, DOCKER_HOST: `unix://${SHARED_SOCKET}`, WAKEDOCK_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let out = '';
    let err = '';
    c.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    const exited = new Promise<number | null>((ok) => c.once('exit', (code) => ok(code)));
    const url = new URL(await waitFor('wakedock serve to print its URL', () => /WakeDock is running at (\S+)/.exec(out)?.[1], { timeoutMs: 20_000 }));
    const { port, ws } = await openWsPort(`ws://${url.host}/rpc?token=${token}`);
    const client = new RpcClient(port);
    try {
      const hostId = (await waitFor('the engine to connect', async () => ((await client.call('hosts.list', {})) as Host[]).find((h) => h.state === 'connected'))).id;

      // A shell in a container, running a process we can look for.
      const shellBox = await runContainer({ area: AREA });
      const opened = (await client.call('terminal.open', { target: 'container', hostId, id: shellBox.id, command: 'sleep 4321', cols: 80, rows: 24 })) as { sessionId: string };
      expect(opened.sessionId).toBeTruthy();
      await waitFor('the exec process to run in the container', async () => (await processesIn(shellBox.name)).includes('sleep 4321'));

      // An alert the engine drives (exit code 3), delivered to a local receiver. Its record is
      // written debounced; SIGTERM comes the moment the UI sees it fire.
      const channel = (await client.call('channels.save', { name: 'hook', kind: 'json', url: rx.url, enabled: true })) as { id: string };
      const crasher = await runContainer({ area: AREA, cmd: ['sh', '-c', 'sleep 1; exit 3'] });
      await client.call('alerts.rules.save', { hostId, name: 'crashed', scope: { kind: 'container', name: crasher.name }, condition: { kind: 'exit' }, cooldownSeconds: 0, channelIds: [channel.id] });
      const fired = new Promise<void>((resolve) => {
        client.subscribe('alerts.watch', {}, {
          next: (ev: unknown) => {
            const e = ev as AlertsEvent;
            if (e.kind === 'upsert' && e.fired) resolve();
          },
        });
      });
      await fired;
      c.kill('SIGTERM');
      const code = await exited;
      expect(code, `stderr:\n${err}`).toBe(0);

      // No exec process left behind in the container.
      expect(await processesIn(shellBox.name)).not.toContain('sleep 4321');
      // The alert and its delivery outcome are on disk.
      const stored = JSON.parse(readFileSync(join(dataDir, STORE_FILE), 'utf8')) as { alerts: { history: { ruleName: string; state: string; deliveries: { state: string }[] }[] } };
      const alert = stored.alerts.history.find((a) => a.ruleName === 'crashed');
      expect(alert).toMatchObject({ state: 'open', deliveries: [{ state: 'sent' }] });
      expect(rx.received.length).toBeGreaterThanOrEqual(1);
    } finally {
      ws.close();
    }
  }, 60_000);
});
