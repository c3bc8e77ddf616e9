// Registry login, push and pull with auth against a real docker-registry on loopback that asks for a
// login (htpasswd), through the core's handlers behind a real RpcServer (output validation on): a wrong
// password is refused on its field; push without a login fails in the engine's words; after a login
// the password is sealed in the store file (a test SecretBox) and never returned; push shows layer
// progress and the registry has the tag; removed locally, the image is pulled back with the login;
// after logout the pull is refused. Without a WakeDock login, the Docker CLI's credentials are used:
// config.json's credsStore names a fake helper, a real executable on the PATH the core is given.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullEvent } from '../../../src-main/contract/procedures/run';
import type { RpcErrorData } from '../../../src-main/contract';
import type { SecretBox } from '../../../src-main/core/store/secret-box';
import { docker, dockerRaw, ensureTestImage, waitFor } from '../../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists } from '../../support/resource-fixtures';
import { haveRegistry, startAuthRegistry, type AuthRegistry } from '../../support/registry';
import { startCoreRig, type CoreRig } from '../../support/core-rig';
import { EventLog } from '../../support/rpc-harness';

const AREA = 'resreg';
let rig: CoreRig;
let reg: AuthRegistry;

/** Seals by reversing base64: enough to show the password is not written as it is. */
const testBox: SecretBox = {
  kind: 'os-keystore',
  description: 'test box',
  seal: (plain) => ({ $sealed: 'test', data: Buffer.from(plain).toString('base64').split('').reverse().join('') }),
  open: (s) => Buffer.from(s.data.split('').reverse().join(''), 'base64').toString(),
};

async function stream(p: 'images.push' | 'images.pull', ref: string, on: CoreRig = rig): Promise<{ events: PullEvent[]; error?: RpcErrorData }> {
  const log = new EventLog<PullEvent>();
  on.link.client.subscribe(p, { hostId: 'local', ref }, log.handlers);
  await waitFor(`${p} ${ref} to end`, () => log.ended || log.error !== undefined, { timeoutMs: 120_000 });
  return { events: log.events, error: log.error as RpcErrorData | undefined };
}

beforeAll(async () => {
  if (!haveRegistry) return;
  await ensureTestImage();
  reg = await startAuthRegistry();
  // An empty Docker config: this machine's ~/.docker must not log the core in.
  rig = await startCoreRig({ area: AREA, options: { secrets: testBox, dockerConfig: { dir: tmp('cfg-empty') } } });
});

const tmps: string[] = [];
function tmp(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `wdtest-${AREA}-${name}-`));
  tmps.push(d);
  return d;
}

afterAll(async () => {
  for (const d of tmps) rmSync(d, { recursive: true, force: true });
  await rig?.dispose();
  await reg?.stop();
  await cleanupTestImages(AREA);
});

describe.skipIf(!haveRegistry)('registry login, push, pull', () => {
  it('refuses a wrong password on its field and keeps nothing', async () => {
    const err = await rig.callError('registry.login', { hostId: 'local', server: reg.server, username: reg.user, password: 'wrong' });
    expect(err).toMatchObject({ code: 'VALIDATION', reason: 'AUTH_FAILED', field: 'password' });
    expect((await rig.call('registry.list', {})).items).toEqual([]);
    const bad = await rig.callError('registry.login', { hostId: 'local', server: 'https://x.io/path', username: 'u', password: 'p' });
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'server' });
  });

  it('pushes only with a login, keeps the password sealed and never returns it, pulls back with it, refuses after logout', { timeout: 240_000 }, async () => {
    const ref = `${reg.server}/wdtest/app:v1`;
    await buildUniqueImage(AREA, { tag: ref });

    const denied = await stream('images.push', ref);
    expect(denied.error?.message).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    expect(await reg.tags('wdtest/app')).toEqual([]);

    expect(await rig.call('registry.login', { hostId: 'local', server: reg.server, username: reg.user, password: reg.password })).toEqual({ server: reg.server, username: reg.user });
    const listed = await rig.call('registry.list', {});
    expect(listed).toEqual({ items: [{ server: reg.server, username: reg.user }], storage: 'test box' });
    expect(JSON.stringify(listed)).not.toContain(reg.password);
    const file = readFileSync(join(rig.dataDir, 'wakedock.json'), 'utf8');
    expect(file).toContain(reg.user);
    expect(file).not.toContain(reg.password);

    const pushed = await stream('images.push', ref);
    expect(pushed.error).toBeUndefined();
    expect(pushed.events.some((e) => e.kind === 'progress' && e.layers.length > 0)).toBe(true);
    const done = pushed.events.at(-1);
    expect(done).toMatchObject({ kind: 'done', status: `Pushed ${reg.server}/wdtest/app:v1` });
    expect((done as { digest?: string }).digest).toMatch(/^sha256:/);
    expect(await reg.tags('wdtest/app')).toEqual(['v1']);

    await docker(['rmi', ref]);
    expect(await imageExists(ref)).toBe(false);
    const pulled = await stream('images.pull', ref);
    expect(pulled.error).toBeUndefined();
    expect(pulled.events.at(-1)).toMatchObject({ kind: 'done' });
    expect(await imageExists(ref)).toBe(true);

    await rig.call('registry.logout', { server: reg.server });
    expect((await rig.call('registry.list', {})).items).toEqual([]);
    await dockerRaw(['rmi', ref]);
    const refused = await stream('images.pull', ref);
    expect(refused.error?.message).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    expect(await imageExists(ref)).toBe(false);
  });
});

describe.skipIf(!haveRegistry)("the Docker CLI's credentials", () => {
  it('pushes and pulls with a credsStore helper found on PATH when WakeDock has no login', { timeout: 240_000 }, async () => {
    const bin = tmp('bin');
    const asked = join(bin, 'asked.log');
    // A real credential helper: reads the server on stdin, answers for the test registry only.
    writeFileSync(
      join(bin, 'docker-credential-wdfake'),
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nread -r server\necho "$server" >> '${asked}'\n` +
        `if [ "$server" = '${reg.server}' ]; then printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${reg.user}' '${reg.password}'; exit 0; fi\n` +
        `echo 'credentials not found in native keychain'; exit 1\n`,
    );
    chmodSync(join(bin, 'docker-credential-wdfake'), 0o755);
    const cfg = tmp('cfg');
    writeFileSync(join(cfg, 'config.json'), JSON.stringify({ credsStore: 'wdfake', auths: { 'other.example': { auth: 'eDp5' } } }));
    const cli = await startCoreRig({ area: `${AREA}h`, options: { secrets: testBox, dockerConfig: { dir: cfg, path: `${bin}:${process.env.PATH ?? ''}` } } });
    try {
      expect((await cli.call('registry.list', {})).items).toEqual([]);
      const ref = `${reg.server}/wdtest/helper:v1`;
      await buildUniqueImage(AREA, { tag: ref });
      const pushed = await stream('images.push', ref, cli);
      expect(pushed.error).toBeUndefined();
      expect(pushed.events.at(-1)).toMatchObject({ kind: 'done', status: `Pushed ${ref}` });
      expect(await reg.tags('wdtest/helper')).toEqual(['v1']);
      expect(readFileSync(asked, 'utf8').split('\n')).toContain(reg.server);

      await docker(['rmi', ref]);
      const pulled = await stream('images.pull', ref, cli);
      expect(pulled.error).toBeUndefined();
      expect(await imageExists(ref)).toBe(true);

      // The same pull from the core with an empty Docker config is refused: the helper made the difference.
      await docker(['rmi', ref]);
      const refused = await stream('images.pull', ref);
      expect(refused.error?.message).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
    } finally {
      await cli.dispose();
      await dockerRaw(['rmi', '-f', `${reg.server}/wdtest/helper:v1`]);
    }
  });
});
