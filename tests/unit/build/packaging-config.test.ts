// The build and packaging configuration as the tools read it: electron-builder's own loader and
// schema validation for electron-builder.yml (so a misspelt key fails here, not on a user's
// machine), the Electron fuses we rely on, and a minified renderer.
import { describe, expect, it } from 'vitest';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import viteConfig from '../../../electron.vite.config';
import { REPO_ROOT } from '../../support/docker-fixtures';

describe('electron-builder.yml', () => {
  it('is valid for electron-builder and flips the fuses: no RunAsNode, cookie encryption, ASAR integrity, app only from ASAR', { timeout: 60_000 }, async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.asar).not.toBe(false); // onlyLoadAppFromAsar needs an asar
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('electron.vite.config.ts', () => {
  it('minifies the renderer (electron-vite does not by default)', () => {
    const cfg = viteConfig as { renderer?: { build?: { minify?: unknown } } };
    expect(cfg.renderer?.build?.minify).toBe(true);
  });
});
