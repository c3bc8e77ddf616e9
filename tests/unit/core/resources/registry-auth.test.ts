// Which registry an image reference goes to (as docker reads it), Docker Hub's aliases as one login,
// and push progress lines read by the pull's parser (completed layers, the digest of the last line).
import { describe, expect, it } from 'vitest';
import { authConfig, normalServer, registryOf } from '../../../../src-main/core/registry/registry-auth';
import { PullProgress } from '../../../../src-main/core/engine/pull-progress';

describe('registryOf', () => {
  it('reads the first component as a registry only with a dot, a port or localhost', () => {
    expect(registryOf('nginx:1.27')).toBe('docker.io');
    expect(registryOf('library/nginx')).toBe('docker.io');
    expect(registryOf('team/app:1')).toBe('docker.io');
    expect(registryOf('ghcr.io/org/app:tag')).toBe('ghcr.io');
    expect(registryOf('127.0.0.1:5000/wdtest/app:v1')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/app')).toBe('localhost');
    expect(registryOf('index.docker.io/library/nginx')).toBe('docker.io');
  });

  it('treats Docker Hub aliases as one registry and sends the Hub its v1 address', () => {
    expect(normalServer('Registry-1.Docker.io')).toBe('docker.io');
    expect(authConfig({ server: 'docker.io', username: 'u', password: 'p' }).serveraddress).toBe('https://index.docker.io/v1/');
    expect(authConfig({ server: 'ghcr.io', username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p', serveraddress: 'ghcr.io' });
  });
});

describe('push progress', () => {
  it('counts pushed and existing layers as complete and takes the digest from the last line', () => {
    const p = new PullProgress('r/app:v1');
    p.push({ status: 'The push refers to repository [127.0.0.1:5000/r/app]' });
    p.push({ id: 'aaaaaaaaaaaa', status: 'Pushing', progressDetail: { current: 10, total: 100 } });
    p.push({ id: 'bbbbbbbbbbbb', status: 'Pushing', progressDetail: { current: 5, total: 50 } });
    expect(p.snapshot()).toMatchObject({ current: 15, total: 150 });
    p.push({ id: 'aaaaaaaaaaaa', status: 'Pushed' });
    p.push({ id: 'bbbbbbbbbbbb', status: 'Layer already exists' });
    expect(p.snapshot()).toMatchObject({ current: 150, total: 150 });
    p.push({ status: 'v1: digest: sha256:0123abcd size: 528' });
    expect(p.digest).toBe('sha256:0123abcd');
  });
});
