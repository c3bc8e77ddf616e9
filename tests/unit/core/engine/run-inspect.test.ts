// Pure engine-side logic of inspect / run / recreate, on inspect payloads recorded from the real
// engine (fixtures/*.json, made with docker run … && docker inspect).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InspectViewSchema, MASK } from '../../../../src-main/contract/procedures/inspect';
import { RunSpecSchema } from '../../../../src-main/contract/run-spec';
import { toInspectView, type RawInspect } from '../../../../src-main/core/engine/inspect-view';
import { engineConflicts } from '../../../../src-main/core/engine/port-check';
import { PullProgress } from '../../../../src-main/core/engine/pull-progress';
import { keptEnvValues, keptLabelValues, recreateBase, runSpecFromInspect, toCreateBody, type RawImageConfig } from '../../../../src-main/core/engine/run-spec-engine';
import { hasUrlCredentials, isSecretName, maskDecision } from '../../../../src-main/core/engine/secret-mask';
import { engineIsLocal } from '../../../../src-main/core/services/run-handlers';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
const web = fixture<RawInspect>('inspect-web.json');
const plain = fixture<RawInspect>('inspect-plain.json');
const image = fixture<{ Config: RawImageConfig }>('image-busybox.json').Config;

describe('secret masking rules', () => {
  it.each(['DB_PASSWORD', 'PASSWORD', 'mysql_root_pass', 'PGPASSWD', 'SECRET_KEY_BASE', 'GITHUB_TOKEN', 'API_KEY', 'apikey', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'OAUTH_CLIENT_SECRET', 'BASIC_AUTH', 'PRIVATE_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'SENTRY_DSN', 'CONNECTION_STRING', 'DB_CONNECTIONSTRING', 'SESSION_COOKIE'])(
    '%s is secret-looking',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['PATH', 'HOME', 'HOSTNAME', 'MODE', 'NODE_ENV', 'PORT', 'DB_HOST', 'LANG', 'GPG_KEY', 'TZ'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));

  it.each([
    ['postgres://app:s3cr3t@db:5432/app', true],
    ['redis://:onlypass@cache:6379', true],
    ['https://user:pa%40ss@example.test/x', true],
    ['https://example.test/x?a=b@c', false],
    ['postgres://app@db/app', false],
    ['mailto:someone@example.test', false],
  ])('URL credentials in %s: %s', (value, yes) => expect(hasUrlCredentials(value)).toBe(yes));

  it('masks secret names and credential URLs, previewing the URL without its password', () => {
    expect(maskDecision('DB_PASSWORD', 'x')).toEqual({ masked: true });
    expect(maskDecision('DATABASE_URL', 'postgres://app:s3cr3t@db:5432/app')).toEqual({ masked: true, preview: 'postgres://app:•••@db:5432/app' });
    expect(maskDecision('MODE', 'dev')).toEqual({ masked: false });
    // An empty secret hides nothing, and seeing it is empty helps.
    expect(maskDecision('DB_PASSWORD', '')).toEqual({ masked: false });
  });

  it.each([
    ['SLACK_WEBHOOK', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX', 'https://hooks.slack.com/•••'],
    ['NOTIFY_URL', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX', 'https://hooks.slack.com/•••'],
    ['ALERTS', 'https://discord.com/api/webhooks/123/abcdef', 'https://discord.com/•••'],
    ['TEAMS', 'https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/def', 'https://contoso.webhook.office.com/•••'],
    ['HOOK', 'https://ci.example.test/generic-webhook-trigger/invoke?token=abc', 'https://ci.example.test/•••'],
    ['BOT', 'https://api.telegram.org/bot123456:AAE-secret/sendMessage', 'https://api.telegram.org/•••'],
  ])('a webhook URL with a secret path or query is masked (%s)', (name, value, preview) => {
    expect(maskDecision(name, value)).toEqual({ masked: true, preview });
  });

  it.each(['GITLAB_PAT', 'PAT', 'GH_PAT_RO', 'MY_WEBHOOK_URL'])('%s is secret-looking', (name) => expect(isSecretName(name)).toBe(true));
  it.each(['PATH', 'PATTERN', 'XDG_DATA_DIRS', 'COMPOSE_PATH_SEPARATOR'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));

  it('a token is masked by its shape whatever the name; ordinary URLs are not', () => {
    expect(maskDecision('X', 'ghp_' + 'a'.repeat(36)).masked).toBe(true);
    expect(maskDecision('X', 'glpat-' + 'b'.repeat(20)).masked).toBe(true);
    expect(maskDecision('X', 'xoxb-1234-5678-abcdef').masked).toBe(true);
    expect(maskDecision('HOMEPAGE', 'https://example.test/docs?page=2').masked).toBe(false);
  });

  it('labels: secret-looking label values are masked in the view, the raw JSON and the re-run form', () => {
    const labels = {
      'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$xyz',
      'traefik.http.routers.web.tls.certresolver': 'le',
      'alerts.slack': 'https://hooks.slack.com/services/T/B/SECRETPART',
      'com.example.api_token': 'tok-123',
      'com.docker.compose.service': 'web',
    };
    const info = { ...web, Config: { ...web.Config, Labels: labels } } as RawInspect;
    const view = toInspectView(info);
    const byKey = Object.fromEntries(view.labels.map((l) => [l.key, l.value]));
    expect(byKey['traefik.http.middlewares.auth.basicauth.users']).toBe(MASK);
    expect(byKey['com.example.api_token']).toBe(MASK);
    expect(byKey['alerts.slack']).toBe('https://hooks.slack.com/•••');
    expect(byKey['traefik.http.routers.web.tls.certresolver']).toBe('le');
    expect(byKey['com.docker.compose.service']).toBe('web');
    expect(view.raw).not.toContain('SECRETPART');
    expect(view.raw).not.toContain('$apr1$xyz');
    expect(view.raw).not.toContain('tok-123');
    // The re-run form never gets them; recreate keeps them as they were.
    const d = runSpecFromInspect(info, image);
    expect(d.spec.labels.join('\n')).not.toMatch(/SECRETPART|apr1|tok-123/);
    expect(d.spec.labels).toContain('traefik.http.routers.web.tls.certresolver=le');
    expect(keptLabelValues(info, d.spec as never)).toEqual({
      'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$xyz',
      'alerts.slack': 'https://hooks.slack.com/services/T/B/SECRETPART',
      'com.example.api_token': 'tok-123',
    });
  });
});

describe('toInspectView (recorded payload)', () => {
  const view = toInspectView(web);

  it('fits the contract and never carries a masked value', () => {
    expect(InspectViewSchema.safeParse(view).success).toBe(true);
    const wire = JSON.stringify(view);
    expect(wire).not.toContain('hunter2-secret');
    expect(wire).not.toContain('s3cr3t');
    expect(view.raw).toContain(`"DB_PASSWORD=${MASK}"`);
    expect(view.raw).toContain(`"DATABASE_URL=${MASK}"`);
    expect(view.raw).toContain('"MODE=dev"');
  });

  it('lists env with masked flags in engine order', () => {
    expect(view.env).toEqual([
      { name: 'DATABASE_URL', masked: true, preview: 'postgres://app:•••@db:5432/app' },
      { name: 'QUOTE', value: "it's", masked: false },
      { name: 'MODE', value: 'dev', masked: false },
      { name: 'DB_PASSWORD', masked: true },
      { name: 'PATH', value: '/bin', masked: false },
    ]);
  });

  it('builds the overview, health, ports, mounts, networks, labels and limits', () => {
    expect(view.name).toBe(web.Name!.slice(1));
    expect(view.overview).toMatchObject({ image: 'wakedock-test/busybox:1', entrypoint: ['sh'], command: ['-c', 'exec httpd -f -p 80 -h /www'], restartPolicy: 'on-failure:3', running: true, oomKilled: false, finishedAt: '' });
    expect(view.health?.status).toBe('healthy');
    expect(view.health?.log.length).toBeGreaterThan(0);
    expect(view.ports).toEqual(
      expect.arrayContaining([
        { containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '18080' },
        { containerPort: '53/udp', hostIp: '0.0.0.0', hostPort: '5353' },
      ]),
    );
    expect(view.mounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'volume', name: 'wdtest-rec-data', destination: '/data', readOnly: false }),
        expect.objectContaining({ type: 'bind', source: '/tmp', destination: '/hosttmp', readOnly: true }),
      ]),
    );
    expect(view.networks[0]).toMatchObject({ name: 'bridge', ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), gateway: expect.stringMatching(/^\d+\./) });
    expect(view.labels.map((l) => l.key)).toEqual(['com.docker.compose.project', 'com.docker.compose.service', 'wakedock.test']);
    expect(view.resources).toMatchObject({ cpus: 1.5, memory: 1024 ** 3, pidsLimit: 100 });
  });

  it('handles a never-started container', () => {
    const v = toInspectView(plain);
    expect(v.overview).toMatchObject({ status: 'created', running: false, startedAt: '', finishedAt: '' });
    expect(v.health).toBeUndefined();
    expect(v.resources).toMatchObject({ cpus: 0, memory: 0, pidsLimit: 0 });
  });
});

describe('runSpecFromInspect (recorded payloads)', () => {
  it('derives the spec, leaving image defaults out and secrets as kept names', () => {
    const d = runSpecFromInspect(web, image);
    expect(d.keptEnv).toEqual(['DATABASE_URL', 'DB_PASSWORD']);
    expect(JSON.stringify(d)).not.toContain('hunter2');
    const anon = web.Mounts!.find((m) => m.Destination === '/cache')!.Name!;
    expect(d.spec).toEqual({
      image: 'wakedock-test/busybox:1',
      name: web.Name!.slice(1),
      entrypoint: 'sh',
      // With its own entrypoint, the command is restated even where it matched the image's.
      command: `-c 'exec httpd -f -p 80 -h /www'`,
      env: ["QUOTE=it's", 'MODE=dev'],
      ports: ['5353:53/udp', '127.0.0.1:18080:80', '127.0.0.1::81'],
      volumes: ['/tmp:/hosttmp:ro', `${anon}:/cache`, 'wdtest-rec-data:/data'],
      labels: ['com.docker.compose.project=shop', 'com.docker.compose.service=web', 'wakedock.test=1'],
      restart: 'on-failure',
      restartMaxRetries: 3,
      autoRemove: false,
      tty: false,
      start: true,
      cpus: '1.5',
      memory: '1g',
      pidsLimit: 100,
    });
    expect(RunSpecSchema.safeParse(d.spec).success).toBe(true);
  });

  it('leaves out the command when it is the image default', () => {
    const d = runSpecFromInspect(plain, image);
    expect(d.spec.command).toBeUndefined();
    expect(d.spec.entrypoint).toBeUndefined();
    expect(d.spec.env).toEqual([]);
    expect(d.spec.ports).toEqual([]);
    expect(d.running).toBe(false);
    expect(RunSpecSchema.safeParse(d.spec).success).toBe(true);
  });

  it('round-trips: the derived spec makes the same engine settings', () => {
    const d = runSpecFromInspect(web, image);
    const spec = RunSpecSchema.parse(d.spec);
    const body = toCreateBody(spec, { extraEnv: keptEnvValues(web, d.keptEnv, spec), base: recreateBase(web, spec) });
    const hc = web.HostConfig!;
    expect(body.HostConfig.PortBindings).toEqual(hc.PortBindings);
    expect(body.HostConfig.NanoCpus).toBe(hc.NanoCpus);
    expect(body.HostConfig.Memory).toBe(hc.Memory);
    expect(body.HostConfig.PidsLimit).toBe(hc.PidsLimit);
    expect(body.HostConfig.RestartPolicy).toEqual(hc.RestartPolicy);
    expect(body.HostConfig.Init).toBe(true); // kept from the old container
    expect(body.Healthcheck).toEqual(web.Config!.Healthcheck);
    expect(body.Entrypoint).toEqual(['sh']);
    expect(body.Cmd).toEqual(['-c', 'exec httpd -f -p 80 -h /www']);
    expect(new Set(body.Env)).toEqual(new Set(web.Config!.Env!.filter((e) => !e.startsWith('PATH='))));
    expect(body.Labels).toEqual(web.Config!.Labels);
  });

  it('keeps only the named secrets the spec does not set itself', () => {
    const spec = RunSpecSchema.parse({ image: 'x', env: ['DB_PASSWORD=new-one'] });
    expect(keptEnvValues(web, ['DB_PASSWORD', 'DATABASE_URL', 'NOT_THERE'], spec)).toEqual(['DATABASE_URL=postgres://app:s3cr3t@db:5432/app']);
  });
});

describe('toCreateBody', () => {
  it('turns the spec into the engine create body', () => {
    const spec = RunSpecSchema.parse({
      image: 'nginx:1.27',
      name: 'web',
      command: `sh -c 'echo hi'`,
      env: ['A=1'],
      ports: ['127.0.0.1:8080:80', '80/udp', '9000:9000', '9001:9000'],
      volumes: ['data:/data', '/srv/site:/www:ro'],
      labels: ['team=web'],
      network: 'backend',
      restart: 'unless-stopped',
      cpus: '0.5',
      memory: '512m',
      pidsLimit: 64,
      autoRemove: false,
      tty: true,
    });
    const body = toCreateBody(spec);
    expect(body).toMatchObject({
      name: 'web',
      Image: 'nginx:1.27',
      Cmd: ['sh', '-c', 'echo hi'],
      Env: ['A=1'],
      Labels: { team: 'web' },
      ExposedPorts: { '80/tcp': {}, '80/udp': {}, '9000/tcp': {} },
      Tty: true,
      OpenStdin: true,
      HostConfig: {
        PortBindings: {
          '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
          '80/udp': [{ HostIp: '', HostPort: '' }],
          '9000/tcp': [{ HostIp: '', HostPort: '9000' }, { HostIp: '', HostPort: '9001' }],
        },
        Binds: ['data:/data', '/srv/site:/www:ro'],
        NetworkMode: 'backend',
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        NanoCpus: 500_000_000,
        Memory: 512 * 1024 ** 2,
        PidsLimit: 64,
        AutoRemove: false,
      },
    });
    expect(body.Entrypoint).toBeUndefined();
  });
});

describe('port conflicts', () => {
  const published = [
    { containerId: 'a', containerName: 'db', ip: '0.0.0.0', publicPort: 5432, type: 'tcp' },
    { containerId: 'b', containerName: 'web', ip: '127.0.0.1', publicPort: 8080, type: 'tcp' },
    { containerId: 'c', containerName: 'dns', ip: '127.0.0.1', publicPort: 53, type: 'udp' },
  ];
  it('finds overlapping host ports and names the holder', () => {
    expect(
      engineConflicts(
        [
          { hostPort: 5432, containerPort: 5432, protocol: 'tcp' },
          { hostIp: '127.0.0.2', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostPort: 53, containerPort: 53, protocol: 'tcp' },
          { containerPort: 53, protocol: 'udp' },
          { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' },
        ],
        published,
      ),
    ).toEqual([
      { index: 0, message: 'host port 5432/tcp is already published by container "db"' },
      { index: 2, message: 'host port 8080/tcp is already published by container "web"' },
      { index: 5, message: 'host port 53/udp is already published by container "dns"' },
    ]);
  });
});

describe('pull progress', () => {
  it('aggregates per layer and sums known sizes', () => {
    const p = new PullProgress('registry.test/app:1');
    p.push({ status: 'Pulling from app', id: '1' });
    p.push({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' });
    p.push({ status: 'Pulling fs layer', id: 'bbbbbbbbbbbb' });
    p.push({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 50, total: 100 } });
    p.push({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 10, total: 300 } });
    let s = p.snapshot();
    expect(s).toMatchObject({ kind: 'progress', status: 'Pulling from app 1', current: 60, total: 400 });
    expect(s.layers).toHaveLength(2);
    expect(p.dirty).toBe(false);
    p.push({ status: 'Download complete', id: 'aaaaaaaaaaaa' });
    p.push({ status: 'Pull complete', id: 'bbbbbbbbbbbb' });
    p.push({ status: 'Digest: sha256:' + 'c'.repeat(64) });
    expect(p.dirty).toBe(true);
    s = p.snapshot();
    expect(s).toMatchObject({ current: 400, total: 400 });
    expect(p.digest).toBe('sha256:' + 'c'.repeat(64));
  });

  it('keeps the engine error', () => {
    const p = new PullProgress('x');
    p.push({ error: 'manifest unknown', errorDetail: { message: 'manifest for x:latest not found: manifest unknown' } });
    expect(p.error).toBe('manifest for x:latest not found: manifest unknown');
  });
});

describe('engineIsLocal', () => {
  const host = (url: string, kind: 'local' | 'ssh' = 'local') => ({ id: 'h', name: 'h', kind, state: 'connected' as const, endpoint: { url, source: 'settings' as const } });
  it.each([
    ['unix:///var/run/docker.sock', true],
    ['npipe:////./pipe/docker_engine', true],
    ['tcp://127.0.0.1:2375', true],
    ['tcp://localhost:2375', true],
    ['tcp://10.0.0.5:2375', false],
  ])('%s → %s', (url, local) => expect(engineIsLocal(host(url))).toBe(local));
  it('an SSH host is never local', () => expect(engineIsLocal(host('unix:///var/run/docker.sock', 'ssh'))).toBe(false));
});
