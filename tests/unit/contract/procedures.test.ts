// Edge cases of the contract's input schemas: what a user can type, and what must be refused.
import { describe, expect, it } from 'vitest';
import {
  ContainerNameSchema,
  ContainerRefSchema,
  EngineUrlSchema,
  HostIdSchema,
  isProcName,
  procedures,
  type ProcName,
} from '../../../src-main/contract';

const firstMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }): string => r.error?.issues[0]?.message ?? '';

describe('ContainerNameSchema (docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+)', () => {
  it.each(['web', 'a1', '0abc', 'My_App.v2-1', 'A-', 'x'.repeat(128), 'db_1', 'a.b.c'])('accepts %j', (name) => {
    expect(ContainerNameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['a', 'one character'],
    ['-web', 'leading dash'],
    ['_web', 'leading underscore'],
    ['.web', 'leading dot'],
    ['my app', 'space'],
    ['web/1', 'slash'],
    ['wéb', 'non-ASCII'],
    ['web\n', 'trailing newline'],
    ['web:1', 'colon'],
    ['x'.repeat(129), 'too long'],
  ])('rejects %j (%s) with a message', (name) => {
    const r = ContainerNameSchema.safeParse(name);
    expect(r.success).toBe(false);
    expect(firstMessage(r)).toMatch(/container name/);
  });

  it('explains the rule in the message', () => {
    expect(firstMessage(ContainerNameSchema.safeParse('-x'))).toMatch(/start with a letter or digit/);
  });
});

describe('ContainerRefSchema and HostIdSchema', () => {
  it.each(['a6c8e8fb0085', 'a6c8e8fb0085b603b78847f7e485e596083f6e55f15ba7bc9d9389ec6adfcb3a', 'web', '/web', 'a'])('container ref %j is accepted', (id) => {
    expect(ContainerRefSchema.safeParse(id).success).toBe(true);
  });

  it.each(['', '../etc/passwd', 'a b', 'web?x=1', '//web', 'x'.repeat(129)])('container ref %j is refused', (id) => {
    expect(ContainerRefSchema.safeParse(id).success).toBe(false);
  });

  it.each(['local', 'nas-1', '0box'])('host id %j is accepted', (id) => {
    expect(HostIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['', 'Local', '-x', 'a_b', 'a'.repeat(65)])('host id %j is refused', (id) => {
    expect(HostIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('EngineUrlSchema', () => {
  it.each([
    ['', ''],
    ['   ', ''],
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock'],
    ['unix:///run/user/1000/docker.sock', 'unix:///run/user/1000/docker.sock'],
    ['  unix:///Users/ann/.colima/default/docker.sock\n', 'unix:///Users/ann/.colima/default/docker.sock'],
    ['tcp://127.0.0.1:2375', 'tcp://127.0.0.1:2375'],
    ['tcp://docker.example.com:2376', 'tcp://docker.example.com:2376'],
    ['tcp://[::1]:2375', 'tcp://[::1]:2375'],
    ['tcp://10.0.0.5:65535', 'tcp://10.0.0.5:65535'],
    ['npipe:////./pipe/docker_engine', 'npipe:////./pipe/docker_engine'],
    ['ssh://me@server', 'ssh://me@server'],
  ])('accepts %j (as %j)', (input, out) => {
    const r = EngineUrlSchema.safeParse(input);
    expect(r.success).toBe(true);
    expect(r.data).toBe(out);
  });

  it.each([
    'http//x',
    '/var/run/docker.sock',
    'var/run/docker.sock',
    'docker.sock',
    'http://localhost:2375',
    'https://localhost:2376',
    'unix://',
    'tcp://localhost',
    'tcp://:2375',
    'tcp://host:port',
    'tcp://host:0',
    'tcp://host:65536',
    'tcp://host:99999',
    'tcp://host:2375/path',
    'npipe://',
    'x'.repeat(1025),
  ])('rejects %j with a message saying what to type', (input) => {
    const r = EngineUrlSchema.safeParse(input);
    expect(r.success).toBe(false);
    const msg = firstMessage(r);
    if (input.length <= 1024) {
      expect(msg).toContain('unix:///');
      expect(msg).toContain('tcp://host:port');
      expect(msg).toContain('npipe:');
    }
  });

  it('is what settings.update validates engineOverride with', () => {
    const input = procedures['settings.update'].input;
    expect(input.safeParse({ engineOverride: '/var/run/docker.sock' }).success).toBe(false);
    expect(input.safeParse({ engineOverride: 'unix:///var/run/docker.sock' }).success).toBe(true);
    expect(input.safeParse({}).success).toBe(true);
  });
});

describe('the procedure table', () => {
  const names = Object.keys(procedures) as ProcName[];

  it('every procedure has a kind, input and output schema and a summary', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const p of names) {
      const def = procedures[p];
      expect(['query', 'command', 'stream'], p).toContain(def.kind);
      expect(typeof def.input.safeParse, p).toBe('function');
      expect(typeof def.output.safeParse, p).toBe('function');
      expect(def.summary.length, p).toBeGreaterThan(5);
    }
  });

  it('every input is a strict object: an unknown key is refused by name', () => {
    for (const p of names) {
      const r = procedures[p].input.safeParse({ hostId: 'local', id: 'web', name: 'web2', surprise: 1 });
      expect(r.success, p).toBe(false);
      const unknown = r.error?.issues.find((i) => i.code === 'unrecognized_keys');
      expect(unknown, p).toBeDefined();
      expect((unknown as { keys: string[] }).keys, p).toContain('surprise');
    }
  });

  it('containers.remove defaults force and volumes to false', () => {
    expect(procedures['containers.remove'].input.parse({ hostId: 'local', id: 'web' })).toEqual({ hostId: 'local', id: 'web', force: false, volumes: false });
  });

  it.each([
    ['SIGKILL', true],
    ['KILL', true],
    ['SIGTERM', true],
    ['9', true],
    ['15', true],
    ['sigkill', false],
    ['SIG KILL', false],
    ['999', false],
    ['', false],
  ])('containers.kill signal %j valid=%s', (signal, ok) => {
    expect(procedures['containers.kill'].input.safeParse({ hostId: 'local', id: 'web', signal }).success).toBe(ok);
  });

  it.each([
    ['system.info', true],
    ['containers.remove', true],
    ['containers.nuke', false],
    ['__proto__', false],
    ['toString', false],
    ['constructor', false],
    [42, false],
    [undefined, false],
  ])('isProcName(%j) = %s', (name, want) => {
    expect(isProcName(name)).toBe(want);
  });
});
