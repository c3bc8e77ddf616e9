import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, WakeServiceSchema } from '../../../../src-main/contract/wake-service';
import { serviceFromLabels } from '../../../../src-main/core/wake/service-labels';
import { loadingPage } from '../../../../src-main/core/wake/loading-page';

const c = (labels: Record<string, string>, compose?: { project: string; service: string }) => ({
  name: 'shop-web-1',
  labels,
  composeProject: compose?.project,
  composeService: compose?.service,
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['0s', 0],
    ['1.5s', 1500],
    [' 2M ', 120_000],
  ])('%s → %d ms', (s, ms) => expect(parseDuration(s)).toBe(ms));
  it.each(['', '30', 'm', '5x', '1d', '-5s', '1s1h'])('%j is refused', (s) => expect(parseDuration(s)).toBeNull());
  it('formats back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('the service model', () => {
  const base = { name: 'web', hosts: ['web.localhost'], container: 'web', port: 80 };
  it('fills defaults', () => {
    expect(WakeServiceSchema.parse(base)).toEqual({
      ...base,
      idle: { after: '30m', grace: '30s', action: 'stop' },
      ready: { timeout: '60s', settle: '0s' },
      loading_page: { theme: 'auto' },
      ignore: { user_agents: [], paths: [] },
    });
  });
  it.each([
    [{ ...base, container: undefined }, 'container', 'exactly one target'],
    [{ ...base, compose: { project: 'p', service: 's' } }, 'container', 'exactly one target'],
    [{ ...base, hosts: ['ok.localhost', 'bad host'] }, 'hosts.1', 'is not a hostname'],
    [{ ...base, hosts: ['a.localhost', 'A.localhost'] }, 'hosts.1', 'listed twice'],
    [{ ...base, port: 70000 }, 'port', '1–65535'],
    [{ ...base, idle: { after: '10x' } }, 'idle.after', 'is not a duration'],
    [{ ...base, idle: { after: '200h' } }, 'idle.after', 'at most 7 days'],
    [{ ...base, ready: { http: { path: 'health' } } }, 'ready.http.path', 'starts with "/"'],
    [{ ...base, loading_page: { theme: 'pink' } }, 'loading_page.theme', 'light, dark or auto'],
    [{ ...base, extra: 1 }, '', 'extra'],
  ])('names the field: %#', (input, field, message) => {
    const r = WakeServiceSchema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(field);
    expect(issue.message).toContain(message);
  });
});

describe('services from container labels', () => {
  it('ignores containers without wakedock.enable=true', () => {
    expect(serviceFromLabels(c({ 'wakedock.hosts': 'x.localhost' }))).toBeNull();
    expect(serviceFromLabels(c({ 'wakedock.enable': 'false' }))).toBeNull();
  });

  it('reads the full set; a compose container targets its compose service', () => {
    const r = serviceFromLabels(
      c(
        {
          'wakedock.enable': 'true',
          'wakedock.hosts': 'shop.localhost, www.shop.localhost',
          'wakedock.port': '8080',
          'wakedock.idle.after': '10m',
          'wakedock.idle.grace': '1m',
          'wakedock.idle.action': 'pause',
          'wakedock.ready.http.path': '/health',
          'wakedock.ready.http.status': '204',
          'wakedock.ready.timeout': '2m',
          'wakedock.ready.settle': '2s',
          'wakedock.loading.title': 'Shop',
          'wakedock.loading.message': 'Warming up',
          'wakedock.loading.theme': 'dark',
          'wakedock.ignore.user_agents': 'Uptime-Kuma,Googlebot',
          'wakedock.ignore.paths': '/healthz',
          'wakedock.test': '1',
        },
        { project: 'shop', service: 'web' },
      ),
    );
    expect(r).toEqual({
      ok: true,
      service: {
        name: 'web',
        hosts: ['shop.localhost', 'www.shop.localhost'],
        compose: { project: 'shop', service: 'web' },
        port: 8080,
        idle: { after: '10m', grace: '1m', action: 'pause' },
        ready: { http: { path: '/health', status: 204 }, timeout: '2m', settle: '2s' },
        loading_page: { title: 'Shop', message: 'Warming up', theme: 'dark' },
        ignore: { user_agents: ['Uptime-Kuma', 'Googlebot'], paths: ['/healthz'] },
      },
    });
  });

  it.each([
    [{ 'wakedock.hosts': 'a.localhost' }, 'wakedock.port', 'missing'],
    [{ 'wakedock.port': '80' }, 'wakedock.hosts', 'missing'],
    [{ 'wakedock.port': 'eighty', 'wakedock.hosts': 'a.localhost' }, 'wakedock.port', 'must be a number'],
    [{ 'wakedock.port': '80', 'wakedock.hosts': 'a.localhost,bad host' }, 'wakedock.hosts', 'is not a hostname'],
    [{ 'wakedock.port': '80', 'wakedock.hosts': 'a.localhost', 'wakedock.idle.after': 'soon' }, 'wakedock.idle.after', 'is not a duration'],
    [{ 'wakedock.port': '80', 'wakedock.hosts': 'a.localhost', 'wakedock.idle.aftr': '5m' }, 'wakedock.idle.aftr', 'unknown label'],
    [{ 'wakedock.port': '80', 'wakedock.hosts': 'a.localhost', 'wakedock.loading.theme': 'pink' }, 'wakedock.loading.theme', 'light, dark or auto'],
    [{ 'wakedock.port': '80', 'wakedock.hosts': 'a.localhost', 'wakedock.ready.tcp': 'yes' }, 'wakedock.ready.tcp', 'true or false'],
  ])('an error names the label: %#', (labels, field, message) => {
    const r = serviceFromLabels(c({ 'wakedock.enable': 'true', ...labels }));
    expect(r).toMatchObject({ ok: false, error: { container: 'shop-web-1', field } });
    expect(r && !r.ok && r.error.message).toContain(message);
  });
});

describe('the loading page', () => {
  it('escapes the service text and carries the nonce, theme and the start error', () => {
    const definition = WakeServiceSchema.parse({ name: 'web', hosts: ['web.localhost'], container: 'web', port: 80, loading_page: { title: '<script>x</script>', theme: 'dark' } });
    const html = loadingPage({ name: 'web', source: 'stored', definition, state: 'failed', message: 'port is already allocated <b>', inFlight: 0, wakes: 0 }, 'N0NCE', 1000);
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('port is already allocated &lt;b&gt;');
    expect(html).toContain('data-theme="dark"');
    expect(html).toContain('<script nonce="N0NCE">');
    expect(html).toContain('/__wakedock/status');
  });
});
