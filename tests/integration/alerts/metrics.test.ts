// `serve --metrics` on the real engine: a Prometheus scrape with the Bearer token sees a running
// test container's CPU and memory (labelled by name, id and compose project), the container
// counts, engine up and open alerts; without the token it is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { startHeadless, type Headless } from '../../../src-main/serve/headless';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, uniqueName, waitFor } from '../../support/docker-fixtures';

const AREA = 'metrics';
const PREFIX = `wdtest-${AREA}-`;
const TOKEN = 'metrics-it-token';
let app: Headless;
let dir: string;

const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<{ status: number; text: string }> => {
  const res = await fetch(`http://127.0.0.1:${app.http.port}/metrics`, { headers });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  dir = mkdtempSync(join(tmpdir(), 'wdtest-metrics-'));
  app = await startHeadless({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data'), token: TOKEN, staticDir: dir, appVersion: '0.0.0-test', logger: silentLogger, metrics: true });
  await waitFor('the engine to connect', () => app.core.hosts.list().find((h) => h.id === 'local' && h.state === 'connected'), { timeoutMs: 15_000 });
});

afterAll(async () => {
  await app?.stop();
  await cleanupTestContainers({ namePrefix: PREFIX });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/metrics on the real engine', () => {
  it('is refused without the token', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('shows a busy container with its labels, the counts by state, engine up and open alerts', async () => {
    const project = uniqueName('proj');
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'while :; do :; done'], labels: { 'com.docker.compose.project': project }, extra: ['--memory', '64m'] });
    const labels = `{host="local",id="${c.id}",name="${c.name}",compose_project="${project}"}`;
    const text = await waitFor(
      'a CPU sample of the container in /metrics',
      async () => {
        const r = await scrape();
        const m = new RegExp(`^wakedock_container_cpu_percent${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(r.text);
        return m && Number(m[1]) > 0 ? r.text : null;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(text).toContain(`wakedock_container_memory_limit_bytes${labels} ${64 * 1024 * 1024}\n`);
    expect(text).toMatch(new RegExp(`^wakedock_container_memory_used_bytes${labels.replace(/[{}]/g, '\\$&')} [1-9]\\d*$`, 'm'));
    expect(text).toContain(`# TYPE wakedock_container_network_receive_bytes_per_second gauge`);
    const running = Number(/^wakedock_containers\{host="local",state="running"\} (\d+)$/m.exec(text)?.[1]);
    // Other test runs share this engine, so only a lower bound is stable: ours is running.
    expect(running).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^wakedock_containers\{host="local",state="paused"\} \d+$/m);
    expect(text).toContain('wakedock_engine_up{host="local"} 1\n');
    expect(text).toContain('wakedock_alerts_open_total 0\n');

    // Gone from the engine, gone from the scrape.
    await docker(['rm', '-f', c.name]);
    await waitFor('the container to leave /metrics', async () => !(await scrape()).text.includes(c.id), { timeoutMs: 10_000 });
  });
});
