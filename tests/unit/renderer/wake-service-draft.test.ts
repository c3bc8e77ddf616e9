// The service editor's draft ↔ model: a draft made from a service gives the same service back,
// empty optional fields stay out of the model, and the model's issues land on the form's fields
// with the offending value named.
import { describe, expect, it } from 'vitest';
import { WakeServiceSchema } from '../../../src-main/contract/wake-service';
import { EMPTY_DRAFT, checkDraft, draftToInput, fieldOf, serviceToDraft, type Draft } from '../../../src-renderer/src/features/wake/service-draft';

const base: Draft = { ...EMPTY_DRAFT, name: 'grafana', hosts: 'grafana.localhost', container: 'grafana', port: '3000' };

describe('service editor draft', () => {
  it('an untouched new draft with the essentials is a valid service with the model defaults', () => {
    const r = checkDraft(base);
    expect(r.errors).toEqual({});
    expect(r.service).toEqual(WakeServiceSchema.parse({ name: 'grafana', hosts: ['grafana.localhost'], container: 'grafana', port: 3000 }));
    // GET / below 500 is the default probe: no ready.http in the model.
    expect(r.service?.ready.http).toBeUndefined();
  });

  it('round-trips every kind of target and option', () => {
    const services = [
      WakeServiceSchema.parse({
        name: 'a',
        hosts: ['a.localhost', 'www.a.localhost'],
        containers: ['db', 'web'],
        port: 80,
        idle: { after: '1h30m', grace: '10s', action: 'pause' },
        ready: { http: { path: '/health', status: 204 }, timeout: '2m', settle: '1s' },
        loading_page: { title: 'A', message: 'Hold on', theme: 'dark' },
        ignore: { user_agents: ['Uptime Kuma', 'bot'], paths: ['/healthz', '/metrics'] },
      }),
      WakeServiceSchema.parse({ name: 'b', hosts: ['b.localhost'], compose: { project: 'shop', service: 'web' }, port: 8080, ready: { tcp: true } }),
      WakeServiceSchema.parse({ name: 'c', hosts: ['c.localhost'], container: 'c', port: 1 }),
      // Thresholds and dependencies survive an edit in the form (they are not dropped).
      WakeServiceSchema.parse({ name: 'd', hosts: ['d.localhost'], container: 'd', port: 80, idle: { after: '5m', cpu_below_percent: 2.5, memory_below_mb: 300, window: '2m' }, depends_on: ['db', 'cache'] }),
      // Replicas' load balancing survives too (an imported service saved unchanged kept losing it).
      WakeServiceSchema.parse({ name: 'e', hosts: ['e.localhost'], containers: ['e1', 'e2'], port: 80, load_balancing: { policy: 'least_conn', health_uri: '/health', health_interval: '2s' } }),
      WakeServiceSchema.parse({ name: 'f', hosts: ['f.localhost'], containers: ['f1', 'f2'], port: 80, load_balancing: {} }),
    ];
    for (const s of services) expect(checkDraft(serviceToDraft(s)).service).toEqual(s);
  });

  it('load balancing: absent unless the form sets it, only for replicas, and a bad health path is shown at its field', () => {
    const base: Draft = { ...EMPTY_DRAFT, name: 'r', hosts: 'r.localhost', targetKind: 'containers', containers: 'r1, r2', port: '80' };
    expect(checkDraft(base).service?.load_balancing).toBeUndefined();
    expect(checkDraft({ ...base, lbPolicy: 'ip_hash' }).service?.load_balancing).toEqual({ policy: 'ip_hash', health_interval: '5s' });
    expect(checkDraft({ ...base, targetKind: 'container', container: 'r1', lbPolicy: 'ip_hash' }).service?.load_balancing).toBeUndefined();
    expect(checkDraft({ ...base, lbHealthUri: 'health' }).errors.lbHealthUri).toMatch(/starts with "\/"/);
    expect(checkDraft({ ...base, lbHealthUri: '/h', lbHealthInterval: 'soon' }).errors.lbHealthInterval).toBeTruthy();
  });

  it('a bad threshold or dependency is shown at its field', () => {
    expect(checkDraft({ ...base, cpuBelow: 'lots' }).errors.cpuBelow).toBe('cpu_below_percent must be a number');
    expect(checkDraft({ ...base, idleWindow: '2 min' }).errors.idleWindow).toMatch(/is not a duration/);
    expect(checkDraft({ ...base, dependsOn: `${base.name}` }).errors.dependsOn).toBe(`${base.name} cannot depend on itself`);
  });

  it('user agents split on commas only (they may contain spaces); hostnames on commas or spaces', () => {
    const input = draftToInput({ ...base, hosts: 'a.localhost,  b.localhost c.localhost', ignoreAgents: 'Uptime Kuma, Go-http-client' });
    expect(input.hosts).toEqual(['a.localhost', 'b.localhost', 'c.localhost']);
    expect(input.ignore?.user_agents).toEqual(['Uptime Kuma', 'Go-http-client']);
  });

  it('puts each issue on its field and names the bad value', () => {
    const r = checkDraft({ ...base, hosts: 'ok.localhost bad_host!', port: '80x', idleAfter: '5 minutes', httpStatus: '999', ignorePaths: 'healthz' });
    expect(r.service).toBeUndefined();
    expect(r.errors.hosts).toBe('"bad_host!" is not a hostname (letters, digits, "-" and dots, e.g. app.localhost)');
    expect(r.errors.port).toBe('the port must be a number');
    expect(r.errors.idleAfter).toMatch(/^is not a duration/);
    expect(r.errors.httpStatus).toBeDefined();
    expect(r.errors.ignorePaths).toBe('"healthz" a path starts with "/"');
  });

  it('a missing target is reported at the target field the form shows', () => {
    expect(checkDraft({ ...base, container: '' }).errors.container).toBeDefined();
    expect(checkDraft({ ...base, targetKind: 'compose' }).errors.project).toBe('enter the compose project');
    expect(checkDraft({ ...base, targetKind: 'containers' }).errors.containers).toBeDefined();
    expect(fieldOf('container', 'compose')).toBe('project');
    expect(fieldOf('hosts.3', 'container')).toBe('hosts');
  });
});
