// Docker contexts offered as hosts, read from a temp HOME laid out as the Docker CLI writes it
// (contexts/meta/<sha256(name)>/meta.json, contexts/tls/<same>/docker/*.pem, config.json).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDockerContexts, sameEngineUrl, type ContextsEnv } from '../../../../src-main/core/hosts/docker-contexts';

let home: string;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function context(name: string, host: string, o: { tls?: ('ca' | 'cert' | 'key')[]; skip?: boolean; description?: string; dir?: string } = {}): void {
  const cfg = o.dir ?? join(home, '.docker');
  const meta = join(cfg, 'contexts', 'meta', sha(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: { Description: o.description ?? '' }, Endpoints: { docker: { Host: host, SkipTLSVerify: o.skip ?? false } } }));
  if (o.tls) {
    const tls = join(cfg, 'contexts', 'tls', sha(name), 'docker');
    mkdirSync(tls, { recursive: true });
    for (const f of o.tls) writeFileSync(join(tls, `${f}.pem`), `-----${f}-----`);
  }
}

const fsEnv = (env: Record<string, string | undefined> = {}): ContextsEnv => ({
  env,
  home,
  readFile: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
});

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'wd-ctx-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('listDockerContexts', () => {
  it('offers ssh:// and tcp:// contexts sorted by name, with the TLS files the CLI stored', () => {
    context('prod', 'ssh://deploy@prod.example:2222', { description: 'the prod box' });
    context('build', 'tcp://10.0.0.5:2376', { tls: ['ca', 'cert', 'key'] });
    context('lab', 'tcp://10.0.0.6:2376', { tls: ['ca'], skip: true });
    context('desktop', 'unix:///home/ann/.docker/run/docker.sock');
    const list = listDockerContexts(fsEnv(), []);
    expect(list.map((c) => c.name)).toEqual(['build', 'lab', 'prod']);
    const tlsDir = join(home, '.docker', 'contexts', 'tls', sha('build'), 'docker');
    expect(list[0]).toEqual({
      name: 'build',
      url: 'tcp://10.0.0.5:2376',
      kind: 'tcp',
      source: 'context',
      current: false,
      alreadyAdded: false,
      hostName: 'build',
      tls: { ca: join(tlsDir, 'ca.pem'), cert: join(tlsDir, 'cert.pem'), key: join(tlsDir, 'key.pem') },
    });
    expect(list[1]).toMatchObject({ name: 'lab', skipTlsVerify: true, tls: { ca: expect.stringMatching(/ca\.pem$/) } });
    expect(list[1]?.tls?.cert).toBeUndefined();
    expect(list[2]).toMatchObject({ name: 'prod', kind: 'ssh', description: 'the prod box' });
    expect(list[2]?.tls).toBeUndefined();
  });

  it('marks the current context (config.json or DOCKER_CONTEXT) and hosts already added', () => {
    context('prod', 'ssh://deploy@prod.example');
    context('build', 'tcp://10.0.0.5:2376');
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'prod' }));
    let list = listDockerContexts(fsEnv(), [{ kind: 'tcp', url: 'tcp://10.0.0.5:2376/' }]);
    expect(list.find((c) => c.name === 'prod')).toMatchObject({ current: true, alreadyAdded: false });
    expect(list.find((c) => c.name === 'build')).toMatchObject({ current: false, alreadyAdded: true });
    list = listDockerContexts(fsEnv({ DOCKER_CONTEXT: 'build' }), []);
    expect(list.find((c) => c.name === 'build')?.current).toBe(true);
    expect(list.find((c) => c.name === 'prod')?.current).toBe(false);
  });

  it('reads $DOCKER_CONFIG instead of ~/.docker', () => {
    const cfg = join(home, 'elsewhere');
    context('far', 'ssh://far', { dir: cfg });
    context('near', 'ssh://near');
    expect(listDockerContexts(fsEnv({ DOCKER_CONFIG: cfg }), []).map((c) => c.name)).toEqual(['far']);
  });

  it('offers DOCKER_HOST=ssh:// (named after its host) unless a context has the same URL; not tcp://', () => {
    expect(listDockerContexts(fsEnv({ DOCKER_HOST: 'ssh://ann@build-1.lan:22' }), [])).toEqual([
      { name: 'DOCKER_HOST', url: 'ssh://ann@build-1.lan:22', kind: 'ssh', source: 'DOCKER_HOST', current: true, alreadyAdded: false, hostName: 'build-1.lan' },
    ]);
    expect(listDockerContexts(fsEnv({ DOCKER_HOST: 'ssh://[::1]:2222' }), [{ kind: 'ssh', url: 'ssh://[::1]:2222' }])[0]).toMatchObject({ hostName: '[::1]', alreadyAdded: true });
    expect(listDockerContexts(fsEnv({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }), [])).toEqual([]);
    context('same', 'ssh://ann@build-1.lan:22');
    expect(listDockerContexts(fsEnv({ DOCKER_HOST: 'ssh://ann@build-1.lan:22' }), []).map((c) => c.source)).toEqual(['context']);
  });

  it('skips what the Docker CLI would refuse: broken JSON, no endpoint, a directory that is not a context id', () => {
    context('ok', 'ssh://ok');
    const bad = join(home, '.docker', 'contexts', 'meta', sha('bad'));
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'meta.json'), '{not json');
    const empty = join(home, '.docker', 'contexts', 'meta', sha('empty'));
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'meta.json'), JSON.stringify({ Name: 'empty', Endpoints: {} }));
    mkdirSync(join(home, '.docker', 'contexts', 'meta', 'not-a-hash'), { recursive: true });
    expect(listDockerContexts(fsEnv(), []).map((c) => c.name)).toEqual(['ok']);
  });

  it('no ~/.docker at all is an empty list', () => {
    expect(listDockerContexts(fsEnv(), [])).toEqual([]);
  });

  it('compares engine URLs without case or trailing slash', () => {
    expect(sameEngineUrl('tcp://Host:2376/', 'tcp://host:2376')).toBe(true);
    expect(sameEngineUrl('ssh://a@h', 'ssh://b@h')).toBe(false);
  });
});
