// Discovery order, checked against a fake machine (env, files, sockets), never the real one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { candidates, currentContextEndpoint, discoverEndpoint, socketPathOf, type DiscoveryEnv } from '../../../../src-main/core/engine/discovery';

const HOME = '/home/ann';
const XDG = '/run/user/1000';

interface FakeMachine {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  sockets?: string[];
  files?: Record<string, string>;
}

function fakeEnv(m: FakeMachine = {}): DiscoveryEnv & { probed: string[]; read: string[] } {
  const sockets = new Set(m.sockets ?? []);
  const files = m.files ?? {};
  const probed: string[] = [];
  const read: string[] = [];
  return {
    env: m.env ?? {},
    home: HOME,
    platform: m.platform ?? 'linux',
    probed,
    read,
    exists(path) {
      probed.push(path);
      return sockets.has(path);
    },
    readFile(path) {
      read.push(path);
      return files[path];
    },
  };
}

const sha = (name: string): string => createHash('sha256').update(name).digest('hex');
const metaPath = (configDir: string, name: string): string => `${configDir}/contexts/meta/${sha(name)}/meta.json`;
const meta = (host: string): string => JSON.stringify({ Name: 'x', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } });

// Every socket WakeDock knows about, in the documented order.
const ALL_SOCKETS: { path: string; source: string }[] = [
  { path: '/var/run/docker.sock', source: 'default-socket' },
  { path: `${XDG}/docker.sock`, source: 'rootless' },
  { path: `${HOME}/.docker/run/docker.sock`, source: 'docker-desktop' },
  { path: `${HOME}/.colima/default/docker.sock`, source: 'colima' },
  { path: `${HOME}/.colima/docker.sock`, source: 'colima' },
  { path: `${HOME}/.orbstack/run/docker.sock`, source: 'orbstack' },
  { path: `${XDG}/podman/podman.sock`, source: 'podman' },
  { path: '/run/podman/podman.sock', source: 'podman' },
  { path: `${HOME}/.local/share/containers/podman/machine/podman.sock`, source: 'podman' },
];

describe('discoverEndpoint: the documented order', () => {
  it('takes DOCKER_HOST before anything else, even when a context and sockets exist', () => {
    const d = fakeEnv({
      env: { DOCKER_HOST: 'tcp://10.0.0.5:2375', DOCKER_CONTEXT: 'remote', XDG_RUNTIME_DIR: XDG },
      files: { [metaPath(`${HOME}/.docker`, 'remote')]: meta('ssh://me@box') },
      sockets: ALL_SOCKETS.map((s) => s.path),
    });
    expect(discoverEndpoint(d)).toEqual({ url: 'tcp://10.0.0.5:2375', source: 'DOCKER_HOST', detail: expect.stringContaining('DOCKER_HOST') });
  });

  it('trims DOCKER_HOST and ignores it when blank', () => {
    expect(discoverEndpoint(fakeEnv({ env: { DOCKER_HOST: '  unix:///tmp/d.sock \n' } })).url).toBe('unix:///tmp/d.sock');
    const d = fakeEnv({ env: { DOCKER_HOST: '   ' }, sockets: ['/var/run/docker.sock'] });
    expect(discoverEndpoint(d).source).toBe('default-socket');
  });

  it('takes DOCKER_HOST as given, without checking that the socket exists (the user asked for it)', () => {
    const d = fakeEnv({ env: { DOCKER_HOST: 'unix:///nowhere.sock' }, sockets: ['/var/run/docker.sock'] });
    expect(discoverEndpoint(d)).toMatchObject({ url: 'unix:///nowhere.sock', source: 'DOCKER_HOST' });
  });

  it('takes the context named by DOCKER_CONTEXT before the sockets', () => {
    const d = fakeEnv({
      env: { DOCKER_CONTEXT: 'colima-work' },
      files: {
        [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'other' }),
        [metaPath(`${HOME}/.docker`, 'colima-work')]: meta('unix:///Users/ann/.colima/work/docker.sock'),
        [metaPath(`${HOME}/.docker`, 'other')]: meta('tcp://other:2375'),
      },
      sockets: ['/var/run/docker.sock'],
    });
    expect(discoverEndpoint(d)).toEqual({ url: 'unix:///Users/ann/.colima/work/docker.sock', source: 'context', detail: 'Docker context "colima-work"' });
  });

  it('reads currentContext from ~/.docker/config.json and the meta at contexts/meta/<sha256(name)>/meta.json', () => {
    const d = fakeEnv({
      files: {
        [`${HOME}/.docker/config.json`]: JSON.stringify({ auths: {}, currentContext: 'desktop-linux' }),
        [metaPath(`${HOME}/.docker`, 'desktop-linux')]: meta('unix:///home/ann/.docker/desktop/docker.sock'),
      },
      sockets: ['/var/run/docker.sock'],
    });
    expect(discoverEndpoint(d)).toMatchObject({ url: 'unix:///home/ann/.docker/desktop/docker.sock', source: 'context' });
    // The exact path docker uses: the sha256 hex of the context name.
    expect(d.read).toContain(`${HOME}/.docker/contexts/meta/${sha('desktop-linux')}/meta.json`);
  });

  it('respects DOCKER_CONFIG for both config.json and the contexts directory', () => {
    const cfg = '/etc/ann-docker';
    const d = fakeEnv({
      env: { DOCKER_CONFIG: cfg },
      files: {
        // A decoy in the home directory that must not be used.
        [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'decoy' }),
        [metaPath(`${HOME}/.docker`, 'decoy')]: meta('tcp://decoy:1'),
        [`${cfg}/config.json`]: JSON.stringify({ currentContext: 'prod' }),
        [metaPath(cfg, 'prod')]: meta('tcp://prod:2376'),
      },
    });
    expect(discoverEndpoint(d)).toMatchObject({ url: 'tcp://prod:2376', source: 'context' });
  });

  it('DOCKER_CONTEXT with DOCKER_CONFIG looks in DOCKER_CONFIG', () => {
    const cfg = '/srv/dockercfg';
    const d = fakeEnv({ env: { DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'lab' }, files: { [metaPath(cfg, 'lab')]: meta('tcp://lab:2375') } });
    expect(discoverEndpoint(d)).toMatchObject({ url: 'tcp://lab:2375', source: 'context' });
  });

  it.each([
    ['DOCKER_CONTEXT=default', { env: { DOCKER_CONTEXT: 'default' } }],
    ['currentContext "default"', { files: { [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'default' }) } }],
  ])('%s means the socket, not a context', (_label, m: FakeMachine) => {
    const d = fakeEnv({ ...m, sockets: ['/var/run/docker.sock'] });
    expect(currentContextEndpoint(d)).toBeUndefined();
    expect(discoverEndpoint(d)).toMatchObject({ url: 'unix:///var/run/docker.sock', source: 'default-socket' });
  });

  it.each([
    ['config.json is not JSON', { [`${HOME}/.docker/config.json`]: '{not json' }],
    ['config.json has no currentContext', { [`${HOME}/.docker/config.json`]: '{"auths":{}}' }],
    ['currentContext is not a string', { [`${HOME}/.docker/config.json`]: '{"currentContext":42}' }],
    ['the context meta is missing', { [`${HOME}/.docker/config.json`]: '{"currentContext":"gone"}' }],
    ['the context meta is not JSON', { [`${HOME}/.docker/config.json`]: '{"currentContext":"bad"}', [metaPath(`${HOME}/.docker`, 'bad')]: '{{' }],
    ['the context meta has no docker endpoint', { [`${HOME}/.docker/config.json`]: '{"currentContext":"k8s"}', [metaPath(`${HOME}/.docker`, 'k8s')]: '{"Endpoints":{}}' }],
    ['the context Host is empty', { [`${HOME}/.docker/config.json`]: '{"currentContext":"e"}', [metaPath(`${HOME}/.docker`, 'e')]: meta('') }],
  ])('skips an unusable context (%s) and falls through to the sockets', (_label, files: Record<string, string>) => {
    const d = fakeEnv({ files, sockets: ['/var/run/docker.sock'] });
    expect(discoverEndpoint(d)).toMatchObject({ url: 'unix:///var/run/docker.sock', source: 'default-socket' });
  });

  it('walks the sockets in order, taking the first that exists', () => {
    // For each socket, make it and every later one exist: the earliest one must win.
    ALL_SOCKETS.forEach((first, i) => {
      const present = ALL_SOCKETS.slice(i).map((s) => s.path);
      const got = discoverEndpoint(fakeEnv({ env: { XDG_RUNTIME_DIR: XDG }, sockets: present }));
      expect(got, `with ${first.path} first`).toEqual({ url: `unix://${first.path}`, source: first.source, detail: first.path });
    });
  });

  it('lists every candidate in the documented order', () => {
    const list = candidates(fakeEnv({ env: { XDG_RUNTIME_DIR: XDG } }));
    expect(list.map((c) => [c.url, c.source])).toEqual(ALL_SOCKETS.map((s) => [`unix://${s.path}`, s.source]));
  });

  it('the rootless socket comes right after /var/run/docker.sock and only with XDG_RUNTIME_DIR', () => {
    const withXdg = candidates(fakeEnv({ env: { XDG_RUNTIME_DIR: XDG } })).map((c) => c.source);
    expect(withXdg.slice(0, 3)).toEqual(['default-socket', 'rootless', 'docker-desktop']);
    const without = candidates(fakeEnv()).map((c) => c.source);
    expect(without).not.toContain('rootless');
    expect(discoverEndpoint(fakeEnv({ env: { XDG_RUNTIME_DIR: XDG }, sockets: [`${XDG}/docker.sock`] }))).toMatchObject({
      url: `unix://${XDG}/docker.sock`,
      source: 'rootless',
    });
  });

  it.each([
    ['Docker Desktop', `${HOME}/.docker/run/docker.sock`, 'docker-desktop'],
    ['Colima (default profile)', `${HOME}/.colima/default/docker.sock`, 'colima'],
    ['Colima (legacy)', `${HOME}/.colima/docker.sock`, 'colima'],
    ['OrbStack', `${HOME}/.orbstack/run/docker.sock`, 'orbstack'],
    ['Podman (rootless)', `${XDG}/podman/podman.sock`, 'podman'],
    ['Podman (root)', '/run/podman/podman.sock', 'podman'],
    ['Podman machine', `${HOME}/.local/share/containers/podman/machine/podman.sock`, 'podman'],
  ])('finds %s when it is the only socket', (_label, path, source) => {
    const d = fakeEnv({ env: { XDG_RUNTIME_DIR: XDG }, sockets: [path], platform: 'darwin' });
    expect(discoverEndpoint(d)).toEqual({ url: `unix://${path}`, source, detail: path });
  });

  it('on Windows uses the named pipe (after DOCKER_HOST and the context), and no unix sockets', () => {
    const win = fakeEnv({ platform: 'win32', sockets: ['//./pipe/docker_engine'.replace(/\//g, '\\')] });
    expect(discoverEndpoint(win)).toMatchObject({ url: 'npipe:////./pipe/docker_engine', source: 'npipe' });
    expect(candidates(win).every((c) => !c.url.startsWith('unix://'))).toBe(true);
    expect(discoverEndpoint(fakeEnv({ platform: 'win32', env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } })).source).toBe('DOCKER_HOST');
  });

  it('on Windows with no pipe, reports none with the pipe as the fallback URL', () => {
    const got = discoverEndpoint(fakeEnv({ platform: 'win32' }));
    expect(got.source).toBe('none');
    expect(got.url).toBe('npipe:////./pipe/docker_engine');
    expect(got.detail).toContain('//./pipe/docker_engine');
  });

  it('the settings override wins over everything, trimmed', () => {
    const d = fakeEnv({
      env: { DOCKER_HOST: 'tcp://env:2375', DOCKER_CONTEXT: 'ctx', XDG_RUNTIME_DIR: XDG },
      files: { [metaPath(`${HOME}/.docker`, 'ctx')]: meta('tcp://ctx:2375') },
      sockets: ALL_SOCKETS.map((s) => s.path),
    });
    expect(discoverEndpoint(d, '  unix:///custom.sock ')).toEqual({ url: 'unix:///custom.sock', source: 'settings', detail: 'set in Settings' });
    expect(d.probed).toEqual([]); // nothing else was even looked at
  });

  it.each([[''], ['   '], [undefined]])('an empty override (%j) means auto-detect', (override) => {
    expect(discoverEndpoint(fakeEnv({ sockets: ['/var/run/docker.sock'] }), override).source).toBe('default-socket');
  });

  it('nothing found: source none, the default socket as URL, and a detail listing every place looked at', () => {
    const d = fakeEnv({ env: { XDG_RUNTIME_DIR: XDG } });
    const got = discoverEndpoint(d);
    expect(got.source).toBe('none');
    expect(got.url).toBe('unix:///var/run/docker.sock');
    expect(got.detail).toMatch(/^no engine found; looked at /);
    for (const s of ALL_SOCKETS) expect(got.detail).toContain(s.path);
    // And every one of them was actually probed.
    expect(d.probed).toEqual(ALL_SOCKETS.map((s) => s.path));
  });
});

describe('socketPathOf', () => {
  it.each([
    ['unix:///var/run/docker.sock', '/var/run/docker.sock'],
    ['unix://', undefined],
    ['npipe:////./pipe/docker_engine', '\\\\.\\pipe\\docker_engine'],
    ['tcp://127.0.0.1:2375', undefined],
    ['ssh://me@host', undefined],
  ])('%s → %s', (url, path) => {
    expect(socketPathOf(url)).toBe(path);
  });
});
