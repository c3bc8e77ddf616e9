// The Volumes and Networks pages in Chromium against `wakedock serve` and the real engine: live
// lists, create with validation, the engine's refusals in the dialog with nothing changed (volume in
// use, network with endpoints), connect/disconnect with aliases, prune with its preview.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupTestContainers, docker, dockerRaw, ensureTestImage, runContainer, volumeExists, waitFor } from '../support/docker-fixtures';
import { cleanupNetworks, cleanupVolumes } from '../support/resource-fixtures';
import { type App, startApp, uncaughtErrors } from './support/harness';

const AREA = 'e2evn';
const PREFIX = `wdtest-${AREA}-`;
let page: Page;
let app: App;

const rowIn = (table: string, name: string) => page.getByRole('table', { name: table }).getByRole('row', { name, exact: true });

async function openPage(name: 'Volumes' | 'Networks'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupVolumes(PREFIX);
  await cleanupNetworks(PREFIX);
  ({ page } = app = await startApp());
});

afterAll(async () => {
  await app?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupVolumes(PREFIX);
  await cleanupNetworks(PREFIX);
});

describe('volumes page (e2e)', () => {
  it('creates a volume with labels, shows one made outside, and refuses removing one in use in the dialog', async () => {
    await openPage('Volumes');
    await page.getByRole('button', { name: 'Create a volume' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create a volume' });
    await dlg.getByLabel('Name').fill('-bad');
    await dlg.getByText('a volume name must start with a letter or digit').waitFor();
    const name = `${PREFIX}made`;
    await dlg.getByLabel('Name').fill(name);
    await dlg.getByLabel('Labels (key=value per line)').fill('team\n');
    await dlg.getByText('Labels, line 1: use key=value').waitFor();
    await dlg.getByLabel('Labels (key=value per line)').fill('team=a\nwakedock.test=1');
    await dlg.getByRole('button', { name: 'Create' }).click();
    await page.getByLabel('Filter volumes').fill(PREFIX);
    await rowIn('Volumes list', name).waitFor();
    expect(JSON.parse(await docker(['volume', 'inspect', '--format', '{{json .Labels}}', name]))).toEqual({ team: 'a', 'wakedock.test': '1' });

    // Made and used outside WakeDock.
    const used = `${PREFIX}used`;
    await docker(['volume', 'create', used]);
    const c = await runContainer({ area: AREA, volumes: [`${used}:/data`] });
    const row = rowIn('Volumes list', used);
    await row.getByText(c.name).waitFor();
    await row.getByRole('button', { name: `Remove ${used}` }).click();
    const rm = page.getByRole('dialog', { name: `Remove the volume ${used}?` });
    await rm.getByRole('button', { name: 'Remove volume' }).click();
    const alert = rm.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('volume is in use');
    expect(await alert.innerText()).toContain(c.name);
    await rm.getByRole('button', { name: 'Cancel' }).click();
    expect(await volumeExists(used)).toBe(true);

    // An unused one removes, and leaves the list.
    await rowIn('Volumes list', name).getByRole('button', { name: `Remove ${name}` }).click();
    await page.getByRole('dialog', { name: `Remove the volume ${name}?` }).getByRole('button', { name: 'Remove volume' }).click();
    await waitFor('the row to go', async () => (await rowIn('Volumes list', name).count()) === 0);
    expect(await volumeExists(name)).toBe(false);
  });

  it('prunes the unused volumes its preview lists and keeps the one in use', async () => {
    const spare = `${PREFIX}spare`;
    await docker(['volume', 'create', spare]);
    await page.getByRole('button', { name: 'Prune…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Prune volumes' });
    await dlg.getByRole('radio', { name: 'All unused (named too)' }).click();
    const listed = dlg.getByRole('list', { name: 'Volumes to remove' });
    await listed.getByText(spare, { exact: true }).waitFor();
    expect(await listed.getByText(`${PREFIX}used`, { exact: true }).count()).toBe(0);
    // A shared engine: other people's unused volumes are unticked and stay.
    await dlg.getByRole('button', { name: 'Select none' }).click();
    await listed.getByRole('checkbox', { name: new RegExp(`^${spare}`) }).check();
    await dlg.getByRole('button', { name: 'Remove 1 volume', exact: true }).click();
    await dlg.getByRole('status', { name: 'Prune result' }).getByText(/Removed 1 volume, freed/).waitFor();
    await dlg.getByRole('button', { name: 'Close' }).click();
    expect(await volumeExists(spare)).toBe(false);
    expect(await volumeExists(`${PREFIX}used`)).toBe(true);
  });
});

describe('networks page (e2e)', () => {
  it('creates a network, connects a container with aliases, refuses removal while attached, disconnects and removes', async () => {
    await openPage('Networks');
    await page.getByRole('button', { name: 'Create a network' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create a network' });
    const name = `${PREFIX}net`;
    await dlg.getByLabel('Name').fill(name);
    await dlg.getByLabel('Subnet').fill('172.31.251.0/33');
    await dlg.getByText('the subnet must be a CIDR').waitFor();
    await dlg.getByLabel('Subnet').fill('172.31.251.0/24');
    await dlg.getByLabel('Gateway').fill('172.31.251.1');
    await dlg.getByLabel('Internal').check();
    await dlg.getByRole('button', { name: 'Create' }).click();
    await page.getByLabel('Filter networks').fill(PREFIX);
    const row = rowIn('Networks list', name);
    await row.getByText('172.31.251.0/24 · 172.31.251.1').waitFor();
    await row.getByText('internal').waitFor();

    const c = await runContainer({ area: AREA });
    await row.getByRole('button', { name: 'Containers…' }).click();
    const members = page.getByRole('dialog', { name: `Containers on ${name}` });
    await members.getByText('No container is attached.').waitFor();
    await members.getByRole('combobox', { name: 'Connect a container' }).selectOption({ label: `${c.name} (running)` });
    await members.getByLabel(/^Aliases/).fill('db, primary');
    await members.getByRole('button', { name: 'Connect', exact: true }).click();
    await members.getByRole('list', { name: 'Attached containers' }).getByText('aliases db, primary').waitFor();
    await members.getByRole('button', { name: 'Close' }).click();
    await row.getByText(c.name).waitFor();

    await row.getByRole('button', { name: `Remove ${name}` }).click();
    const rm = page.getByRole('dialog', { name: `Remove the network ${name}?` });
    await rm.getByRole('button', { name: 'Remove network' }).click();
    await rm.getByRole('alert').getByText(/active endpoints/).waitFor();
    await rm.getByRole('button', { name: 'Cancel' }).click();
    expect((await dockerRaw(['network', 'inspect', name])).code).toBe(0);

    await row.getByRole('button', { name: 'Containers…' }).click();
    await members.getByRole('button', { name: `Disconnect ${c.name}` }).click();
    await members.getByText('No container is attached.').waitFor();
    await members.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: `Remove ${name}` }).click();
    await rm.getByRole('button', { name: 'Remove network' }).click();
    await waitFor('the network row to go', async () => (await row.count()) === 0);
    expect((await dockerRaw(['network', 'inspect', name])).code).not.toBe(0);
  });

  it('prunes the networks its preview lists', async () => {
    const spare = `${PREFIX}spare`;
    await docker(['network', 'create', spare]);
    await rowIn('Networks list', spare).waitFor();
    await page.getByRole('button', { name: 'Prune…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Prune networks' });
    const listed = dlg.getByRole('list', { name: 'Networks to remove' });
    await listed.getByText(spare, { exact: true }).waitFor();
    await dlg.getByRole('button', { name: 'Select none' }).click();
    await listed.getByRole('checkbox', { name: new RegExp(`^${spare}`) }).check();
    await dlg.getByRole('button', { name: 'Remove 1 network', exact: true }).click();
    await dlg.getByRole('status', { name: 'Prune result' }).getByText('Removed 1 network.').waitFor();
    await dlg.getByRole('button', { name: 'Close' }).click();
    expect((await dockerRaw(['network', 'inspect', spare])).code).not.toBe(0);
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('fits at 1280×800, 1024×700 and 390×844 (screenshots)', async () => {
    mkdirSync('/tmp/wakedock-shots', { recursive: true });
    for (const p of ['Volumes', 'Networks'] as const) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await openPage(p);
      await page.getByLabel(`Filter ${p.toLowerCase()}`).fill('');
      for (const [w, h] of [[1280, 800], [1024, 700], [390, 844]] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.getByRole('heading', { name: p, exact: true }).waitFor();
        await page.screenshot({ path: `/tmp/wakedock-shots/${p.toLowerCase()}-${w}x${h}.png` });
        expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
