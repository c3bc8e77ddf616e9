// disk.* against the real engine: usage by category from /system/df, a clean-up preview that lists
// stopped containers and dangling images (and not running ones), and a clean-up that removes exactly
// the chosen items and reports the space it measured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestContainers, createContainer, ensureTestImage, inspectContainer, runContainer } from '../../support/docker-fixtures';
import { buildUniqueImage, cleanupTestImages, imageExists } from '../../support/resource-fixtures';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'resdisk';
const PREFIX = `wdtest-${AREA}-`;
let rig: CoreRig;

beforeAll(async () => {
  await ensureTestImage();
  rig = await startCoreRig({ area: AREA });
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
  await cleanupTestImages(AREA);
});

describe('disk usage and clean-up', () => {
  it('reports categories and the largest items, previews exactly, and removes only the chosen items', async () => {
    const dangling = await buildUniqueImage(AREA);
    const stopped = await createContainer({ area: AREA });
    const running = await runContainer({ area: AREA });
    const usage = await rig.call('disk.usage', { hostId: 'local' });
    expect(usage.categories.map((c) => c.kind)).toEqual(['image', 'container', 'volume', 'build-cache']);
    const images = usage.categories.find((c) => c.kind === 'image')!;
    expect(images.count).toBeGreaterThanOrEqual(2);
    expect(images.size).toBeGreaterThan(0);
    expect(usage.largest.length).toBeGreaterThan(0);

    const preview = await rig.call('disk.cleanupPreview', { hostId: 'local', images: 'dangling', containers: true, volumes: 'none', buildCache: false });
    const ids = preview.items.map((i) => `${i.kind}:${i.id}`);
    expect(ids).toContain(`image:${dangling}`);
    expect(ids).toContain(`container:${stopped.id}`);
    expect(ids).not.toContain(`container:${running.id}`);

    const later = await createContainer({ area: AREA });
    const r = await rig.call('disk.cleanup', { hostId: 'local', items: [{ kind: 'container', id: stopped.id }, { kind: 'image', id: dangling }, { kind: 'container', id: running.id }] });
    expect(r.removed).toEqual([{ kind: 'container', id: stopped.id }, { kind: 'image', id: dangling }]);
    expect(r.failed).toEqual([{ kind: 'container', id: running.id, message: 'the container is running now; it was kept' }]);
    expect(r.spaceFreed).toBeGreaterThanOrEqual(0);
    expect(await inspectContainer(stopped.id)).toBeNull();
    expect(await imageExists(dangling)).toBe(false);
    expect(await inspectContainer(running.id)).not.toBeNull();
    expect(await inspectContainer(later.id)).not.toBeNull();
  });
});
