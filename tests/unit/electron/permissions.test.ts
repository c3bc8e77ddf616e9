import { describe, expect, it } from 'vitest';
import { appUrl } from '../../../src-main/electron/app-url';
import { isAllowedPermission } from '../../../src-main/electron/permissions';

describe('Electron permissions', () => {
  const app = appUrl({ indexFile: '/opt/wakedock/out/renderer/index.html' });
  const ours = `${app.entry}#/containers/web/terminal`;

  it('grants clipboard access to the app page only (terminal Copy/Paste)', () => {
    expect(isAllowedPermission('clipboard-read', ours, app)).toBe(true);
    expect(isAllowedPermission('clipboard-sanitized-write', ours, app)).toBe(true);
    expect(isAllowedPermission('clipboard-read', 'https://evil.example/', app)).toBe(false);
    expect(isAllowedPermission('clipboard-read', 'file:///tmp/other.html', app)).toBe(false);
    expect(isAllowedPermission('clipboard-read', undefined, app)).toBe(false);
  });

  it('denies everything else, even to the app', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen']) expect(isAllowedPermission(p, ours, app)).toBe(false);
  });
});
