import { describe, expect, it } from 'vitest';
import { dependencyCycle, WakeServiceSchema } from '../../../../src-main/contract/wake-service';
import { serviceFromLabels } from '../../../../src-main/core/wake/service-labels';
import { busyReason } from '../../../../src-main/core/wake/wake-controller';
import { formatProblem, parseWakeYaml, toWakeYaml } from '../../../../src-main/core/wake/wake-yaml';

const GOOD = `version: 1
services:
  - name: db
    hosts: [db.localhost]
    container: shop-db
    port: 5432
    ready: {tcp: true, timeout: 30s}
  - name: web
    hosts:
      - web.localhost
      - www.localhost
    compose: {project: shop, service: web}
    port: 80
    idle:
      after: 15m
      grace: 1m
      cpu_below_percent: 5
      memory_below_mb: 200
      window: 2m
    depends_on: [db]
    loading_page: {title: Shop, theme: dark}
    ignore: {user_agents: [Uptime-Kuma]}
`;

function problem(text: string): string {
  const r = parseWakeYaml(text, 'wakedock.yml');
  if (r.ok) throw new Error('parsed');
  return formatProblem(r.problem);
}

describe('wakedock.yml', () => {
  it('reads every field of the issue, with the model defaults', () => {
    const r = parseWakeYaml(GOOD);
    if (!r.ok) throw new Error(formatProblem(r.problem));
    expect(r.services.map((s) => s.name)).toEqual(['db', 'web']);
    const web = r.services[1]!;
    expect(web).toMatchObject({
      hosts: ['web.localhost', 'www.localhost'],
      compose: { project: 'shop', service: 'web' },
      idle: { after: '15m', grace: '1m', action: 'stop', cpu_below_percent: 5, memory_below_mb: 200, window: '2m' },
      depends_on: ['db'],
      ready: { timeout: '60s', settle: '0s' },
      loading_page: { title: 'Shop', theme: 'dark' },
      ignore: { user_agents: ['Uptime-Kuma'], paths: [] },
    });
    expect(r.services[0]!.ready).toEqual({ tcp: true, timeout: '30s', settle: '0s' });
  });

  it('exports what it imports (round trip), sorted and stable', () => {
    const r = parseWakeYaml(GOOD);
    if (!r.ok) throw new Error('bad');
    const text = toWakeYaml([...r.services].reverse());
    expect(text).toMatch(/^# WakeDock services/);
    const again = parseWakeYaml(text);
    if (!again.ok) throw new Error(formatProblem(again.problem));
    expect(again.services).toEqual(r.services);
    expect(toWakeYaml(again.services)).toBe(text);
  });

  it.each([
    ['a bad duration', GOOD.replace('after: 15m', 'after: 15 minutes'), 'wakedock.yml:15: services.1.idle.after: is not a duration'],
    ['a bad hostname', GOOD.replace('- www.localhost', '- "not a host"'), 'wakedock.yml:11: services.1.hosts.1: is not a hostname'],
    ['an unknown key (typo)', GOOD.replace('    port: 80\n', '    port: 80\n    prot: 81\n'), 'wakedock.yml:8: services.1: Unrecognized key: "prot"'],
    ['a missing port', GOOD.replace('    port: 5432\n', ''), 'wakedock.yml:3: services.0.port: the port must be a number'],
    ['two targets', GOOD.replace('    container: shop-db\n', '    container: shop-db\n    containers: [a]\n'), 'wakedock.yml:5: services.0.container: give exactly one target'],
    ['a name twice', GOOD.replace('name: db', 'name: web'), 'wakedock.yml:8: services.1.name: web is already the name of services.0'],
    ['a hostname twice', GOOD.replace('- www.localhost', '- db.localhost'), 'wakedock.yml:11: services.1.hosts.1: db.localhost is already served by db'],
    ['a YAML syntax error', GOOD.replace('hosts: [db.localhost]', 'hosts: [db.localhost'), 'wakedock.yml:'],
    ['a key twice', GOOD.replace('    port: 5432\n', '    port: 5432\n    port: 5433\n'), 'wakedock.yml:7: Map keys must be unique'],
    ['an unknown top-level key', `servics: []\n`, 'wakedock.yml:1: servics: unknown key'],
    ['services not a list', `services: {web: {}}\n`, 'wakedock.yml:1: services: is a list of services'],
    ['a thresholds typo', GOOD.replace('cpu_below_percent: 5', 'cpu_below_percent: lots'), 'wakedock.yml:17: services.1.idle.cpu_below_percent: cpu_below_percent must be a number'],
  ])('names the file, line and field: %s', (_what, text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('refuses a dependency cycle, naming it', () => {
    const text = GOOD.replace('    ready: {tcp: true, timeout: 30s}\n', '    ready: {tcp: true, timeout: 30s}\n    depends_on: [web]\n');
    expect(problem(text)).toBe('wakedock.yml:8: services.0.depends_on: depends_on makes a cycle: db → web → db');
    expect(problem(GOOD.replace('depends_on: [db]', 'depends_on: [web]'))).toContain('services.1.depends_on.0: web cannot depend on itself');
  });

  it('an empty file is refused, a file with no services is an empty list', () => {
    expect(problem('')).toContain('wakedock.yml:1: services: the file is empty');
    const r = parseWakeYaml('services: []\n');
    expect(r.ok && r.services).toEqual([]);
  });

  it('YAML 1.2: "on" and "yes" are strings, not booleans', () => {
    const r = parseWakeYaml('services:\n  - name: on\n    hosts: [yes.localhost]\n    container: yes\n    port: 80\n');
    expect(r.ok && r.services[0]).toMatchObject({ name: 'on', container: 'yes' });
  });

  it('a context check (another source) is reported with the line of the field it names', () => {
    const r = parseWakeYaml(GOOD, 'x.yml', (services) => ({ index: services.findIndex((s) => s.name === 'web'), path: ['hosts', 1], message: 'www.localhost is already served by blog' }));
    expect(!r.ok && formatProblem(r.problem)).toBe('x.yml:11: services.1.hosts.1: www.localhost is already served by blog');
  });
});

describe('dependencies', () => {
  const s = (name: string, depends_on?: string[]) => ({ name, depends_on });
  it('finds a cycle and names it', () => {
    expect(dependencyCycle([s('a', ['b']), s('b', ['c']), s('c', ['a'])])).toEqual(['a', 'b', 'c', 'a']);
    expect(dependencyCycle([s('a', ['b']), s('b', ['c']), s('c')])).toBeNull();
    // A dependency on a name that is not declared is not a cycle.
    expect(dependencyCycle([s('a', ['x'])])).toBeNull();
  });
  it('the model refuses a self-dependency and a duplicate', () => {
    const base = { name: 'a', hosts: ['a.localhost'], container: 'a', port: 80 };
    expect(WakeServiceSchema.safeParse({ ...base, depends_on: ['a'] }).error?.issues[0]).toMatchObject({ path: ['depends_on', 0], message: 'a cannot depend on itself' });
    expect(WakeServiceSchema.safeParse({ ...base, depends_on: ['b', 'b'] }).error?.issues[0]).toMatchObject({ path: ['depends_on', 1], message: 'b is listed twice' });
  });
  it('labels declare dependencies and thresholds', () => {
    const r = serviceFromLabels({
      name: 'web-1',
      labels: { 'wakedock.enable': 'true', 'wakedock.hosts': 'w.localhost', 'wakedock.port': '80', 'wakedock.depends_on': 'db, cache', 'wakedock.idle.cpu_below_percent': '2.5', 'wakedock.idle.window': '30s' },
    });
    expect(r?.ok && r.service).toMatchObject({ depends_on: ['db', 'cache'], idle: { cpu_below_percent: 2.5, window: '30s' } });
    const bad = serviceFromLabels({ name: 'web-1', labels: { 'wakedock.enable': 'true', 'wakedock.hosts': 'w.localhost', 'wakedock.port': '80', 'wakedock.idle.memory_below_mb': 'lots' } });
    expect(bad?.ok === false && bad.error.field).toBe('wakedock.idle.memory_below_mb');
  });
});

describe('idle thresholds', () => {
  const r = (cpu: number, mib: number) => ({ cpu, mem: mib * 1048576 });
  it('is busy while the average over the window is at or above a threshold, and says which', () => {
    expect(busyReason([r(30, 10), r(44, 10)], 5)).toBe('CPU 37% > 5%');
    expect(busyReason([r(2, 10), r(4, 10)], 5)).toBeUndefined();
    expect(busyReason([r(4.5, 10), r(5.7, 10)], 5)).toBe('CPU 5.1% > 5%');
    expect(busyReason([r(1, 300), r(1, 200)], 5, 200)).toBe('memory 250 MiB > 200 MiB');
    expect(busyReason([r(50, 300)], 5, 200)).toBe('CPU 50% > 5%, memory 300 MiB > 200 MiB');
    // No readings: not busy (stats that never come must not keep a service awake for ever).
    expect(busyReason([], 5, 200)).toBeUndefined();
    expect(busyReason([r(99, 999)])).toBeUndefined();
  });
});
