// The run spec: parsers, validation messages per field, docker run quoting, .env parsing.
import { describe, expect, it } from 'vitest';
import {
  RunSpecSchema,
  dockerRunCommand,
  formatMemory,
  formatPort,
  parseCpus,
  parseEnvFile,
  parseMemory,
  parsePort,
  parseShellWords,
  parseVolume,
  runSpecErrors,
  shellJoin,
  shellQuote,
} from '../../../src-main/contract/run-spec';
import { procedures } from '../../../src-main/contract';
import { validationError } from '../../../src-main/rpc/dispatcher';

const base = { image: 'wakedock-test/busybox:1' };

describe('parseMemory / formatMemory', () => {
  it.each([
    ['512m', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1G', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['256MiB', 256 * 1024 ** 2],
    ['64mb', 64 * 1024 ** 2],
    ['2048k', 2048 * 1024],
    ['1048576', 1048576],
    ['1048576b', 1048576],
    [' 1t ', 1024 ** 4],
  ])('%s → %d bytes', (text, bytes) => expect(parseMemory(text)).toBe(bytes));

  it.each(['', 'lots', '1x', '-1g', '1 g b', 'g', '1.g'])('refuses %j', (text) => expect(parseMemory(text)).toBeUndefined());

  it.each([
    [512 * 1024 ** 2, '512m'],
    [1024 ** 3, '1g'],
    [1.5 * 1024 ** 3, '1536m'],
    [1000, '1000'],
  ])('formats %d as %s', (bytes, text) => expect(formatMemory(bytes)).toBe(text));
});

describe('parseCpus', () => {
  it.each([
    ['1.5', 1_500_000_000],
    ['0.5', 500_000_000],
    ['.25', 250_000_000],
    ['2', 2_000_000_000],
  ])('%s → %d NanoCpus', (t, n) => expect(parseCpus(t)).toBe(n));
  it.each(['0', '-1', 'two', '1,5', ''])('refuses %j', (t) => expect(parseCpus(t)).toBeUndefined());
});

describe('parsePort', () => {
  it.each([
    ['80', { containerPort: 80, protocol: 'tcp' }],
    ['8080:80', { hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['127.0.0.1:8080:80', { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['127.0.0.1::80', { hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }],
    ['5353:53/udp', { hostPort: 5353, containerPort: 53, protocol: 'udp' }],
    ['[::1]:8080:80', { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  ])('%s', (text, want) => {
    expect(parsePort(text)).toEqual(want);
    expect(formatPort(want as never)).toBe(text);
  });

  it.each([
    ['', 'enter a port such as 8080:80'],
    ['80:99999', 'the container port "99999" must be a number from 1 to 65535'],
    ['0:80', 'the host port "0" must be a number from 1 to 65535'],
    ['abc:80', 'the host port "abc" must be a number from 1 to 65535'],
    ['8080:80/icmp', '"icmp" is not a protocol (use tcp, udp or sctp)'],
    ['999.1.1.1:80:80', '"999.1.1.1" is not an IP address to publish on'],
    ['1:2:3:4', 'use [host IP:]host port:container port[/protocol], e.g. 127.0.0.1:8080:80'],
  ])('refuses %j: %s', (text, msg) => expect(parsePort(text)).toEqual({ error: msg }));
});

describe('parseVolume', () => {
  it.each([
    ['data:/var/lib/data', { kind: 'volume', source: 'data', target: '/var/lib/data', readOnly: false }],
    ['/home/me/site:/www:ro', { kind: 'bind', source: '/home/me/site', target: '/www', readOnly: true }],
    ['/srv:/srv:rw', { kind: 'bind', source: '/srv', target: '/srv', readOnly: false }],
  ])('%s', (text, want) => expect(parseVolume(text)).toEqual(want));

  it.each([
    ['data', 'use source:target[:ro], e.g. data:/var/lib/data'],
    ['data:relative', 'the target "relative" must be an absolute path inside the container'],
    ['./site:/www', 'a bind mount needs an absolute host path, not "./site"'],
    ['~/site:/www', 'a bind mount needs an absolute host path, not "~/site"'],
    ['my vol:/data', '"my vol" is not a volume name (letters, digits, "_", "." and "-") nor an absolute path'],
    ['data:/data:rx', '"rx" is not a mount option (use ro or rw)'],
  ])('refuses %j', (text, msg) => expect(parseVolume(text)).toEqual({ error: msg }));
});

describe('shell words', () => {
  it.each([
    [`sh -c 'echo hi'`, ['sh', '-c', 'echo hi']],
    [`echo "a \\"quoted\\" word" plain\\ space`, ['echo', 'a "quoted" word', 'plain space']],
    [`  many   spaces  `, ['many', 'spaces']],
    [`''`, ['']],
    [`'it'\\''s'`, [`it's`]],
    [`"$HOME" '$HOME'`, ['$HOME', '$HOME']],
  ])('%s', (line, words) => expect(parseShellWords(line)).toEqual({ words }));

  it.each([
    [`echo 'open`, 'a single quote is not closed'],
    [`echo "open`, 'a double quote is not closed'],
    [`echo \\`, 'the line ends with a lone backslash'],
  ])('refuses %j', (line, error) => expect(parseShellWords(line)).toEqual({ error }));

  it('quotes only what needs quoting, and round-trips through the parser', () => {
    expect(shellQuote('plain-word_1.2:/x@y=z')).toBe('plain-word_1.2:/x@y=z');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('two words')).toBe("'two words'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    const nasty = ['a b', "it's", '$(rm -rf /)', '`x`', 'semi;colon', 'new\nline', '*', '"dq"', '\\', '!bang', ''];
    expect(parseShellWords(shellJoin(nasty))).toEqual({ words: nasty });
  });
});

describe('.env files', () => {
  it('parses comments, export, quotes and inline comments', () => {
    const r = parseEnvFile(
      [
        '# a comment',
        '',
        'PLAIN=value',
        'export EXPORTED=yes',
        'SPACED = around ',
        'INLINE=value # comment',
        'HASH=no#comment',
        `SINGLE='literal $X \\n'`,
        'DOUBLE="line1\\nline2 \\"q\\""',
        'MULTI="first',
        'second"',
        'EMPTY=',
        'URL=postgres://u:p@h/db?x=1',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      'PLAIN=value',
      'EXPORTED=yes',
      'SPACED=around',
      'INLINE=value',
      'HASH=no#comment',
      'SINGLE=literal $X \\n',
      'DOUBLE=line1\nline2 "q"',
      'MULTI=first\nsecond',
      'EMPTY=',
      'URL=postgres://u:p@h/db?x=1',
    ]);
  });

  it('names the line of each problem and keeps the good lines', () => {
    const r = parseEnvFile('GOOD=1\nnot a pair\n1BAD=x\nOPEN=\'x\nALSO=2\r\n');
    expect(r.entries).toEqual(['GOOD=1', 'ALSO=2']);
    expect(r.errors).toEqual([
      { line: 2, message: 'line 2: expected KEY=VALUE' },
      { line: 3, message: 'line 3: expected KEY=VALUE' },
      { line: 4, message: 'line 4: the single quote is not closed' },
    ]);
  });
});

describe('RunSpecSchema messages', () => {
  it('accepts a full spec and fills defaults', () => {
    const r = RunSpecSchema.parse({ ...base, name: 'web-1', command: 'httpd -f', env: ['A=1'], ports: ['8080:80'], volumes: ['d:/d'], memory: '512m', cpus: '1.5', pidsLimit: 10 });
    expect(r).toMatchObject({ restart: 'no', autoRemove: false, tty: false, start: true, labels: [] });
  });

  it.each([
    [{ image: '' }, 'image', 'choose an image'],
    [{ image: 'Nginx:latest' }, 'image', 'not an image reference (e.g. nginx:1.27, ghcr.io/org/app:tag); repository names are lowercase'],
    [{ ...base, name: '-bad' }, 'name', 'a container name must start with a letter or digit and contain only letters, digits, "_", "." and "-"'],
    [{ ...base, command: "echo 'open" }, 'command', 'command: a single quote is not closed'],
    [{ ...base, env: ['A=1', 'NOEQUALS'] }, 'env.1', 'write variables as NAME=value'],
    [{ ...base, env: ['A=1', 'A=2'] }, 'env.1', '"A" is already set on line 1'],
    [{ ...base, env: ['MY VAR=1'] }, 'env.0', 'the variable name "MY VAR" may not contain spaces'],
    [{ ...base, ports: ['8080:80', '80:99999'] }, 'ports.1', 'the container port "99999" must be a number from 1 to 65535'],
    [{ ...base, ports: ['8080:80', '8080:81'] }, 'ports.1', 'host port 8080/tcp is already used by port 1 of this form'],
    [{ ...base, volumes: ['a:/d', 'b:/d'] }, 'volumes.1', '/d is already mounted by mount 1'],
    [{ ...base, volumes: ['./x:/d'] }, 'volumes.0', 'a bind mount needs an absolute host path, not "./x"'],
    [{ ...base, labels: ['novalue'] }, 'labels.0', 'write labels as NAME=value'],
    [{ ...base, memory: 'lots' }, 'memory', 'memory must be a size such as 512m or 1g'],
    [{ ...base, memory: '1m' }, 'memory', 'memory must be at least 6m (the engine refuses less)'],
    [{ ...base, cpus: 'two' }, 'cpus', 'CPUs must be a positive number such as 0.5 or 2'],
    [{ ...base, pidsLimit: 0 }, 'pidsLimit', 'the process limit must be at least 1'],
    [{ ...base, pidsLimit: 1.5 }, 'pidsLimit', 'the process limit must be a whole number'],
    [{ ...base, pidsLimit: Number.NaN }, 'pidsLimit', 'the process limit must be a number'],
    [{ ...base, restart: 'sometimes' }, 'restart', 'restart must be no, always, unless-stopped or on-failure'],
    [{ ...base, restart: 'always', autoRemove: true }, 'restart', 'a container removed on exit cannot have a restart policy'],
    [{ ...base, restart: 'always', restartMaxRetries: 3 }, 'restartMaxRetries', 'max retries only applies to the on-failure policy'],
    [{ ...base, network: 'bad net' }, 'network', 'not a network name'],
  ])('%j → %s: %s', (input, field, message) => {
    expect(runSpecErrors(input)[field]).toBe(message);
  });

  it('reports every problem at once for the form', () => {
    expect(Object.keys(runSpecErrors({ image: '', ports: ['x'], memory: 'y' })).sort()).toEqual(['image', 'memory', 'ports.0']);
  });

  it('containers.create names the field path at the top level ("ports.1"), recreate under spec', () => {
    const c = procedures['containers.create'].input.safeParse({ hostId: 'local', ...base, ports: ['80', '80:0'] });
    expect(c.success).toBe(false);
    expect(validationError(c.error!, 'containers.create')).toMatchObject({ code: 'VALIDATION', field: 'ports.1' });
    const r = procedures['containers.recreate'].input.safeParse({ hostId: 'local', id: 'web', spec: { ...base, memory: 'x' } });
    expect(validationError(r.error!, 'containers.recreate')).toMatchObject({ field: 'spec.memory' });
    const unknown = procedures['containers.create'].input.safeParse({ hostId: 'local', ...base, privileged: true });
    expect(validationError(unknown.error!, 'containers.create').field).toBe('privileged');
  });
});

describe('dockerRunCommand', () => {
  it('prints a minimal run line', () => {
    expect(dockerRunCommand(base)).toBe('docker run -d wakedock-test/busybox:1');
  });

  it('prints every option, shell-quoted', () => {
    const line = dockerRunCommand({
      image: 'nginx:1.27',
      name: 'web',
      command: `sh -c 'echo "it'\\''s $HOME"'`,
      env: ['GREETING=hello world', "QUOTE=it's", 'EMPTY='],
      ports: ['127.0.0.1:8080:80', '5353:53/udp'],
      volumes: ['data:/data', '/home/me/my site:/www:ro'],
      network: 'backend',
      restart: 'on-failure',
      restartMaxRetries: 3,
      labels: ['team=web ops'],
      cpus: '1.5',
      memory: '512m',
      pidsLimit: 100,
      tty: true,
    });
    expect(line).toBe(
      [
        'docker run -d --name web -it',
        `-e 'GREETING=hello world' -e 'QUOTE=it'\\''s' -e EMPTY=`,
        '-p 127.0.0.1:8080:80 -p 5353:53/udp',
        `-v data:/data -v '/home/me/my site:/www:ro'`,
        '--network backend --restart on-failure:3',
        `--label 'team=web ops'`,
        '--cpus 1.5 --memory 512m --pids-limit 100',
        `nginx:1.27 sh -c 'echo "it'\\''s $HOME"'`,
      ].join(' '),
    );
    // What a shell would pass to docker is exactly the spec.
    const words = parseShellWords(line);
    expect(words).toMatchObject({ words: expect.arrayContaining(['GREETING=hello world', "QUOTE=it's", '/home/me/my site:/www:ro', `echo "it's $HOME"`]) });
  });

  it('uses docker create when not starting, --rm for auto-remove, and -e NAME for kept secrets', () => {
    // A kept secret is a visible placeholder, never a bare `-e NAME` that a shell fills from the user's environment.
    expect(dockerRunCommand({ ...base, start: false, autoRemove: true }, ['DB_PASSWORD'])).toBe("docker create --rm -e 'DB_PASSWORD=<hidden: kept from the old container>' wakedock-test/busybox:1");
    expect(dockerRunCommand(base, ['DB_PASSWORD'])).not.toMatch(/-e DB_PASSWORD(\s|$)/);
  });

  it('splits a multi-word entrypoint: the first word to --entrypoint, the rest before the command', () => {
    expect(dockerRunCommand({ ...base, entrypoint: 'tini --', command: ['sleep', '1'] })).toBe('docker run -d --entrypoint tini wakedock-test/busybox:1 -- sleep 1');
  });

  it('takes the command as an argument array', () => {
    expect(dockerRunCommand({ ...base, command: ['echo', 'a b', "c'd"] })).toBe(`docker run -d wakedock-test/busybox:1 echo 'a b' 'c'\\''d'`);
  });
});

describe('containers.revealEnv input', () => {
  it('needs a variable name or all: true', () => {
    const p = procedures['containers.revealEnv'].input;
    expect(p.safeParse({ hostId: 'local', id: 'web', name: 'DB_PASSWORD' }).success).toBe(true);
    expect(p.safeParse({ hostId: 'local', id: 'web', all: true }).success).toBe(true);
    const r = p.safeParse({ hostId: 'local', id: 'web' });
    expect(validationError(r.error!, 'containers.revealEnv')).toMatchObject({ field: 'name', message: 'containers.revealEnv: "name": give a variable name, or all: true' });
  });
});
