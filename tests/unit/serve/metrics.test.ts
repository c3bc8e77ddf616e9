// /metrics: the Prometheus text format (HELP/TYPE, label escaping, special values), the families
// built from hosts, samples and alerts, and the route behind the token (cookie, ?token=, Bearer).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerivedSample } from '../../../src-main/contract';
import { buildFamilies, type MetricsSource } from '../../../src-main/core/metrics/collector';
import { escapeLabelValue, formatPrometheus } from '../../../src-main/core/metrics/prometheus';
import { RpcServer, type Handlers } from '../../../src-main/rpc/dispatcher';
import { sessionValue } from '../../../src-main/edge/auth';
import { startHttpServer, type RunningServer } from '../../../src-main/serve/http-server';
import { metricsRoute } from '../../../src-main/serve/metrics-route';

describe('formatPrometheus', () => {
  it('writes HELP and TYPE once per family, then one line per sample', () => {
    const text = formatPrometheus([
      { name: 'a_gauge', help: 'The first.', type: 'gauge', samples: [{ labels: { x: '1' }, value: 1.5 }, { labels: { x: '2' }, value: 0 }] },
      { name: 'b_total', help: 'No labels.', type: 'counter', samples: [{ value: 7 }] },
    ]);
    expect(text).toBe('# HELP a_gauge The first.\n# TYPE a_gauge gauge\na_gauge{x="1"} 1.5\na_gauge{x="2"} 0\n# HELP b_total No labels.\n# TYPE b_total counter\nb_total 7\n');
  });

  it('escapes backslash, double quote and newline in label values, and backslash and newline in HELP', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = formatPrometheus([{ name: 'm', help: 'line1\nback\\slash "quotes stay"', type: 'gauge', samples: [{ labels: { name: 'we"ird\\name\n' }, value: 1 }] }]);
    expect(text).toContain('# HELP m line1\\nback\\\\slash "quotes stay"\n');
    expect(text).toContain('m{name="we\\"ird\\\\name\\n"} 1\n');
    // Every sample line is one physical line.
    expect(text.trimEnd().split('\n')).toHaveLength(3);
  });

  it('writes NaN and infinities the way Prometheus reads them', () => {
    const text = formatPrometheus([{ name: 'm', help: 'h', type: 'gauge', samples: [{ value: NaN }, { value: Infinity }, { value: -Infinity }] }]);
    expect(text.split('\n').slice(2, 5)).toEqual(['m NaN', 'm +Inf', 'm -Inf']);
  });

  it('refuses invalid metric and label names', () => {
    expect(() => formatPrometheus([{ name: '1bad', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() => formatPrometheus([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => formatPrometheus([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }])).toThrow(/label name/);
  });
});

const sample = (id: string, name: string, over: Partial<DerivedSample> = {}): DerivedSample => ({
  hostId: 'local',
  id,
  name,
  t: 1,
  cpuPercent: 12.3456,
  onlineCpus: 2,
  memUsed: 1024,
  memLimit: 8 * 1024 * 1024,
  memPercent: 0.01,
  netRxRate: 10,
  netTxRate: 20,
  blockReadRate: 30,
  blockWriteRate: 40,
  pids: 1,
  ...over,
});

const source: MetricsSource = {
  hosts: () => [
    {
      id: 'local',
      up: true,
      containers: [
        { id: 'aaa', name: 'web', state: 'running', composeProject: 'shop' },
        { id: 'bbb', name: 'job', state: 'exited' },
        { id: 'ccc', name: 'we"ird', state: 'running' },
      ],
    },
  ],
  samples: () => [sample('aaa', 'web'), sample('bbb', 'job'), sample('ccc', 'we"ird', { cpuPercent: 200 })],
  openAlerts: () => [
    { hostId: 'local', condition: 'cpu' },
    { hostId: 'local', condition: 'cpu' },
    { hostId: 'local', condition: 'exit' },
  ],
};

describe('buildFamilies', () => {
  const text = formatPrometheus(buildFamilies(source));

  it('per-container gauges labelled by host, id, name and compose project', () => {
    expect(text).toContain('wakedock_container_cpu_percent{host="local",id="aaa",name="web",compose_project="shop"} 12.346\n');
    expect(text).toContain('wakedock_container_memory_used_bytes{host="local",id="aaa",name="web",compose_project="shop"} 1024\n');
    expect(text).toContain('wakedock_container_memory_limit_bytes{host="local",id="aaa",name="web",compose_project="shop"} 8388608\n');
    expect(text).toContain('wakedock_container_network_receive_bytes_per_second{host="local",id="aaa",name="web",compose_project="shop"} 10\n');
    expect(text).toContain('wakedock_container_block_write_bytes_per_second{host="local",id="aaa",name="web",compose_project="shop"} 40\n');
    expect(text).toContain('wakedock_container_cpu_percent{host="local",id="ccc",name="we\\"ird",compose_project=""} 200\n');
  });

  it('a stopped container has no per-container lines even if a stale sample is left', () => {
    expect(text).not.toMatch(/id="bbb"/);
  });

  it('container counts by state (every state, zeros included), engine up, open alerts', () => {
    expect(text).toContain('wakedock_containers{host="local",state="running"} 2\n');
    expect(text).toContain('wakedock_containers{host="local",state="exited"} 1\n');
    expect(text).toContain('wakedock_containers{host="local",state="paused"} 0\n');
    expect(text).toContain('wakedock_engine_up{host="local"} 1\n');
    expect(text).toContain('wakedock_alerts_open{host="local",condition="cpu"} 2\n');
    expect(text).toContain('wakedock_alerts_open{host="local",condition="exit"} 1\n');
    expect(text).toContain('wakedock_alerts_open_total 3\n');
  });

  it('declares each family once with HELP before TYPE', () => {
    const helps = text.split('\n').filter((l) => l.startsWith('# HELP '));
    const names = helps.map((l) => l.split(' ')[2]);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(text.indexOf(`# HELP ${n} `)).toBeLessThan(text.indexOf(`# TYPE ${n} gauge`));
  });
});

describe('GET /metrics behind the token', () => {
  const TOKEN = 'metrics-token-42';
  let dir: string;
  let on: RunningServer;
  let off: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wakedock-metrics-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>INDEX');
    const rpc = new RpcServer({} as Handlers);
    const collector = { render: () => formatPrometheus(buildFamilies(source)), dispose: () => {} };
    on = await startHttpServer({ rpc, token: TOKEN, host: '127.0.0.1', port: 0, staticDir: dir, appVersion: 't', routes: [metricsRoute(collector)] });
    off = await startHttpServer({ rpc, token: TOKEN, host: '127.0.0.1', port: 0, staticDir: dir, appVersion: 't', routes: [metricsRoute(null)] });
  });
  afterAll(async () => {
    await on.close();
    await off.close();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (s: RunningServer, q = ''): string => `http://127.0.0.1:${s.port}/metrics${q}`;

  it('refuses a scrape without the token or with a wrong one', async () => {
    expect((await fetch(url(on))).status).toBe(401);
    expect((await fetch(url(on), { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(url(on), { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it('answers with the text format for Authorization: Bearer, the cookie, or ?token=', async () => {
    const inits: RequestInit[] = [{ headers: { authorization: `Bearer ${TOKEN}` } }, { headers: { cookie: `wakedock_session_${on.port}=${sessionValue(TOKEN, '127.0.0.1')}` } }];
    for (const init of inits) {
      const res = await fetch(url(on), init);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(await res.text()).toContain('# TYPE wakedock_engine_up gauge\nwakedock_engine_up{host="local"} 1\n');
    }
    expect((await fetch(url(on, `?token=${TOKEN}`))).status).toBe(200);
  });

  it('without --metrics it is a 404 that says how to turn it on (not the app page)', async () => {
    const res = await fetch(url(off), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/--metrics/);
  });
});
