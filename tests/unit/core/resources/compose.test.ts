// Pure parts of compose: grouping containers into projects from their labels (v1 relative and v2
// absolute config files, one-off containers left out), the CLI's arguments per action and per host,
// bounded output lines and stderr tail, and "no CLI" when neither candidate runs.
import { describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, MAX_LINE, TailLines, composeArgs, detectComposeCli, forwardArgs, fullArgs, hostArgs } from '../../../../src-main/core/compose/compose-cli';
import { fetchComposeFiles } from '../../../../src-main/core/compose/remote-files';
import { configFilesOf, groupProjects, portText } from '../../../../src-main/core/compose/compose-projects';

const c = (id: string, project: string, service: string, state: string, extra: Record<string, string> = {}, ports: Dockerode.Port[] = []): Dockerode.ContainerInfo =>
  ({
    Id: id,
    Names: [`/${project}_${service}_${id}`],
    Image: 'img:1',
    State: state,
    Status: state === 'running' ? 'Up 1 minute' : 'Exited (0) 1 minute ago',
    Created: Number(id.replace(/\D/g, '')) || 1,
    Ports: ports,
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service, ...extra },
  }) as unknown as Dockerode.ContainerInfo;

describe('groupProjects', () => {
  it('groups by project and service, with state counts, ports and the labels\' files', () => {
    const v1 = { 'com.docker.compose.project.working_dir': '/srv/a', 'com.docker.compose.project.config_files': 'docker-compose.yml,override.yml', 'com.docker.compose.version': '1.29.2' };
    const rows = groupProjects([
      c('1', 'a', 'web', 'running', v1, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]),
      c('2', 'a', 'web', 'exited', v1),
      c('3', 'a', 'db', 'running', v1),
      c('4', 'a', 'web', 'exited', { ...v1, 'com.docker.compose.oneoff': 'True' }),
      c('5', 'b', 'x', 'exited', { 'com.docker.compose.project.working_dir': '/srv/b', 'com.docker.compose.project.config_files': '/srv/b/compose.yaml' }),
    ]);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b']);
    const a = rows[0]!;
    expect(a).toMatchObject({ workingDir: '/srv/a', configFiles: ['/srv/a/docker-compose.yml', '/srv/a/override.yml'], composeVersion: '1.29.2', state: 'partial', running: 2, total: 3 });
    expect(a.services.map((s) => [s.name, s.running, s.total])).toEqual([
      ['db', 1, 1],
      ['web', 1, 2],
    ]);
    expect(a.services[1]!.ports).toEqual(['8080->80/tcp']);
    expect(rows[1]).toMatchObject({ state: 'stopped', configFiles: ['/srv/b/compose.yaml'], composeVersion: null });
  });

  it('writes a host address only when it is not every interface', () => {
    expect(portText({ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 81, Type: 'tcp' })).toBe('127.0.0.1:81->80/tcp');
    expect(portText({ PrivatePort: 80, Type: 'tcp' })).toBeNull();
  });
});

describe('compose CLI arguments', () => {
  const place = { name: 'p', workingDir: '/definitely/not/here', configFiles: ['/definitely/not/here/c.yml'] };
  it('per action; files and folders that are gone are left to the CLI to complain about', () => {
    expect(composeArgs(place, 'up', { services: ['web'], removeVolumes: false }).args).toEqual(['--ansi', 'never', '-p', 'p', 'up', '-d', 'web']);
    expect(composeArgs(place, 'down', { services: [], removeVolumes: true }).args).toEqual(['--ansi', 'never', '-p', 'p', 'down', '-v']);
    const here = composeArgs({ name: 'p', workingDir: process.cwd(), configFiles: [`${process.cwd()}/package.json`] }, 'stop', { services: [], removeVolumes: false });
    expect(here).toEqual({ args: ['--ansi', 'never', '-p', 'p', '--project-directory', process.cwd(), '-f', `${process.cwd()}/package.json`, 'stop'], cwd: process.cwd() });
  });

  it('engine flags go to docker for v2 and to docker-compose for v1; TLS files of a tcp host', () => {
    const reach = hostArgs({ kind: 'tcp', endpoint: { url: 'tcp://10.0.0.2:2376', source: 'settings' }, config: { kind: 'tcp', url: 'tcp://10.0.0.2:2376', tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem', verify: true } } });
    expect(reach).toEqual({ args: ['-H', 'tcp://10.0.0.2:2376', '--tlsverify', '--tlscacert', '/c/ca.pem', '--tlscert', '/c/cert.pem', '--tlskey', '/c/key.pem'] });
    expect(fullArgs({ cmd: { kind: 'v2', file: 'docker', pre: ['compose'] }, global: ['-H', 'x'], args: ['stop'] })).toEqual(['-H', 'x', 'compose', 'stop']);
    expect(fullArgs({ cmd: { kind: 'v1', file: 'docker-compose', pre: [] }, global: ['-H', 'x'], args: ['stop'] })).toEqual(['-H', 'x', 'stop']);
    // An SSH host: through the compose service's own local socket forward.
    expect(hostArgs({ kind: 'ssh', endpoint: { url: 'ssh://me@box', source: 'settings' } })).toEqual({ viaForward: true });
    expect(forwardArgs('/d/compose/sockets/h1.sock')).toEqual(['-H', 'unix:///d/compose/sockets/h1.sock']);
    // An ssh:// url that is not an SSH host (a docker context) cannot be reached by the CLI.
    expect(hostArgs({ kind: 'tcp', endpoint: { url: 'ssh://me@box', source: 'settings' } })).toHaveProperty('problem');
  });

  it('a project on an SSH host: its files are read from the server into a private mirror of its paths; labels keep naming the server\'s files', async () => {
    const server = new Map<string, string>([
      ['/srv/app/docker-compose.yml', 'services: {}\n'],
      ['/srv/app/override/docker-compose.yml', 'x: 1\n'],
      ['/srv/shared/base.yml', 'y: 2\n'],
      ['/srv/app/.env', 'TAG=3\n'],
    ]);
    const asked: string[] = [];
    const read = async (path: string): Promise<Buffer | null> => (asked.push(path), server.has(path) ? Buffer.from(server.get(path)!) : null);
    const f = await fetchComposeFiles({ name: 'app', workingDir: '/srv/app', configFiles: ['/srv/app/docker-compose.yml', '/srv/app/override/docker-compose.yml', '/srv/shared/base.yml'] }, read);
    try {
      expect(asked).toEqual(['/srv/app/docker-compose.yml', '/srv/app/override/docker-compose.yml', '/srv/shared/base.yml', '/srv/app/.env']);
      expect(f.dir.endsWith('/root/srv/app')).toBe(true);
      expect(statSync(join(f.dir, '../../..')).mode & 0o777).toBe(0o700);
      // -f relative to the working dir (v1 writes that into the label; it resolves on the server).
      expect(f.files).toEqual(['docker-compose.yml', 'override/docker-compose.yml', '../shared/base.yml']);
      expect(f.files.map((x) => readFileSync(join(f.dir, x), 'utf8'))).toEqual(['services: {}\n', 'x: 1\n', 'y: 2\n']);
      expect(readFileSync(f.envFile!, 'utf8')).toBe('TAG=3\n');
      expect(composeArgs({ name: 'app', workingDir: '/srv/app', configFiles: [] }, 'up', { services: [], removeVolumes: false }, f)).toEqual({
        args: ['--ansi', 'never', '-p', 'app', '--project-directory', '/srv/app', '--env-file', f.envFile, '-f', 'docker-compose.yml', '-f', 'override/docker-compose.yml', '-f', '../shared/base.yml', 'up', '-d'],
        cwd: f.dir,
      });
      // v2 writes the absolute path of the copy: the list maps it back to the server's file.
      expect(configFilesOf(`${join(f.dir, 'docker-compose.yml')},override/docker-compose.yml`, '/srv/app')).toEqual(['/srv/app/docker-compose.yml', '/srv/app/override/docker-compose.yml']);
    } finally {
      f.remove();
    }
    expect(existsSync(f.dir)).toBe(false);
    // A compose file gone from the server: refused, and nothing left behind.
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('wakedock-compose-')).length;
    await expect(fetchComposeFiles({ name: 'app', workingDir: '/srv/app', configFiles: ['/srv/app/gone.yml'] }, read)).rejects.toThrow(/gone.yml is not on the server/);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('wakedock-compose-')).length).toBe(before);
  });

  it('finds no CLI when no candidate runs', async () => {
    expect(await detectComposeCli([{ kind: 'v2', file: '/nonexistent/docker', pre: ['compose'] }, { kind: 'v1', file: '/nonexistent/docker-compose', pre: [] }])).toBeNull();
  });
});

describe('output lines', () => {
  it('splits on \\n, \\r\\n and \\r across chunks and cuts a long line', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('a\r\nb');
    s.push('c\rd\n');
    s.push('x'.repeat(MAX_LINE + 10));
    s.push('yyy\nz');
    s.end();
    expect(lines.slice(0, 3)).toEqual(['a', 'bc', 'd']);
    expect(lines[3]).toBe(`${'x'.repeat(MAX_LINE)}…`);
    expect(lines.slice(4)).toEqual(['z']);
  });

  it('keeps only the last stderr lines, bounded in count and size', () => {
    const t = new TailLines(3, 100);
    for (let i = 0; i < 10; i++) t.push(`line ${i}`);
    expect(t.text()).toBe('line 7\nline 8\nline 9');
    const big = new TailLines(10, 20);
    big.push('x'.repeat(15));
    big.push('y'.repeat(15));
    expect(big.text()).toBe('y'.repeat(15));
  });
});
