// The layer rules (eslint.layers.js, enforced in eslint.config.js) must catch a forbidden import
// in every layer. Each case lints in-memory text as if it were a file of that layer, with the
// project's real ESLint config, and asserts the error a developer would see in `npm run lint`.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
// The first lint loads the TypeScript resolver and both tsconfigs (seconds on a busy machine).
beforeAll(async () => {
  eslint = new ESLint({ cwd: process.cwd() });
  await eslint.lintText('export {};\n', { filePath: 'src-main/contract/warmup.ts' });
}, 60_000);

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const layerError = (from: string, to: string): string =>
  `boundaries/dependencies: There is no policy allowing dependencies from elements of type "${from}" to elements of type "${to}"`;

// [layer, file it pretends to be, forbidden import, layer of the import]
const forbidden: [string, string, string, string][] = [
  ['contract', 'src-main/contract/procedures/fixture.ts', "import { createCore } from '../../core/create-core';", 'core'],
  ['contract', 'src-main/contract/fixture.ts', "import type { Logger } from '../rpc/dispatcher';", 'rpc'],
  ['rpc', 'src-main/rpc/fixture.ts', "import { createCore } from '../core/create-core';", 'core'],
  ['core', 'src-main/core/fixture.ts', "import { startHttpServer } from '../serve/http-server';", 'edge'],
  ['core', 'src-main/core/engine/fixture.ts', "import { RpcServer } from '../../rpc/dispatcher';", 'rpc'],
  ['core', 'src-main/core/wake/fixture.ts', "import type { Logger } from '../../rpc/dispatcher';", 'rpc'],
  ['core', 'src-main/core/fixture.ts', "import { createMainWindow } from '../electron/window';", 'electron'],
  ['edge', 'src-main/serve/fixture.ts', "import { createMainWindow } from '../electron/window';", 'electron'],
  ['edge', 'src-main/serve.ts', "import { createMainWindow } from './electron/window';", 'electron'],
  ['electron', 'src-main/electron/fixture.ts', "import { App } from '../../src-renderer/src/App';", 'renderer'],
  ['electron', 'src-main/main.ts', "import { createPreloadBridge } from '../src-preload/bridge';", 'preload'],
  ['preload', 'src-preload/fixture.ts', "import type { WakeDockBridge } from '../src-renderer/src/transport/bridge-types';", 'renderer'],
  ['preload', 'src-preload/fixture.ts', "import { createCore } from '../src-main/core/create-core';", 'core'],
  ['renderer', 'src-renderer/src/fixture.ts', "import { createCore } from '../../src-main/core/create-core';", 'core'],
  ['renderer', 'src-renderer/src/fixture.ts', "import { RpcServer } from '../../src-main/rpc/dispatcher';", 'rpc'],
];

describe('layer rules', { timeout: 20_000 }, () => {
  it.each(forbidden)('%s: %s may not import %s', async (from, file, code, to) => {
    const messages = await lint(file, `${code}\nexport const used = [${/import(?: type)? \{ (\w+) \}/.exec(code)?.[1]}];\n`);
    expect(messages).toContain(layerError(from, to));
  });

  const allowed: [string, string][] = [
    ['src-main/contract/fixture.ts', "import { z } from 'zod';\nimport { RpcError } from './errors';\nexport const x = [z, RpcError];"],
    ['src-main/core/fixture.ts', "import type { Logger } from '../contract/handlers';\nimport { RpcError } from '../contract';\nexport type L = Logger;\nexport const x = RpcError;"],
    ['src-main/serve/fixture.ts', "import { createCore } from '../core/create-core';\nimport { RpcServer } from '../rpc/dispatcher';\nexport const x = [createCore, RpcServer];"],
    ['src-main/main.ts', "import { startHttpServer } from './serve/http-server';\nimport { createCore } from './core/create-core';\nexport const x = [startHttpServer, createCore];"],
    ['src-preload/fixture.ts', "import { RpcClient } from '../src-main/contract/rpc-client';\nexport const x = RpcClient;"],
    ['src-renderer/src/fixture.ts', "import { RpcError } from '@contract/errors';\nexport const x = RpcError;"],
  ];
  it.each(allowed)('%s: allowed imports lint clean', async (file, code) => {
    expect(await lint(file, `${code}\n`)).toEqual([]);
  });

  it("core may not import 'electron' (no-restricted-imports)", async () => {
    const messages = await lint('src-main/core/fixture.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(messages.some((m) => m.startsWith('no-restricted-imports:') && m.includes("'electron'"))).toBe(true);
  });
});
