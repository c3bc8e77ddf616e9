// The layers of WakeDock and what each may import, enforced by eslint-plugin-boundaries in
// eslint.config.js on the RESOLVED file of every import (so '../../core/x', '@contract/…' and
// `import type` are all caught). tests/unit/lint/layers.test.ts proves every rule with a forbidden
// import. npm packages and Node built-ins are not layers: no-restricted-imports polices them per
// folder in eslint.config.js (electron, node:*, dockerode, ws, …). tests/ and bench/ are no layer.

/** Which files make up each layer. */
export const layers = [
  { type: 'contract', pattern: 'src-main/contract/**', partialMatch: false },
  { type: 'rpc', pattern: 'src-main/rpc/**', partialMatch: false },
  { type: 'core', pattern: 'src-main/core/**', partialMatch: false },
  { type: 'edge', pattern: ['src-main/edge/**', 'src-main/serve/**'], partialMatch: false },
  { type: 'electron', pattern: 'src-main/electron/**', partialMatch: false },
  // The two entry files sit at the top of src-main (element patterns match folders, so these
  // two need the file mode, deprecated but the plugin's only way to make one file an element).
  { type: 'edge', pattern: 'src-main/serve.ts', mode: 'file' },
  { type: 'electron', pattern: 'src-main/main.ts', mode: 'file' },
  { type: 'preload', pattern: 'src-preload/**', partialMatch: false },
  { type: 'renderer', pattern: 'src-renderer/**', partialMatch: false },
];

/**
 * Layer → the layers it may import (itself included). `typesOnly` layers may be imported with
 * `import type` only (nothing of theirs runs in the importer).
 */
export const mayImport = {
  // Common code (main, preload, renderer): zod and itself.
  contract: { layers: ['contract'] },
  // Transport-neutral RPC server and the WebSocket adapter.
  rpc: { layers: ['rpc', 'contract'] },
  // The app under plain Node. It does not know the shells, the edge or the transports (Logger and
  // Handlers are contract types: contract/handlers.ts).
  core: { layers: ['core', 'contract'] },
  // The HTTP edge and the headless CLI: serves the core over HTTP/WebSocket.
  edge: { layers: ['edge', 'core', 'rpc', 'contract'] },
  // The desktop shell: may compose everything and is the only main-process code that sees electron.
  electron: { layers: ['electron', 'edge', 'core', 'rpc', 'contract'] },
  // Sandboxed preload: the contract's client only.
  preload: { layers: ['preload', 'contract'] },
  // Browser code: reaches main only through the contract (@contract alias).
  renderer: { layers: ['renderer', 'contract'] },
};

export const layerPolicies = Object.entries(mayImport).map(([from, rule]) => ({
  from: { element: { type: from } },
  allow: [
    { to: { element: { types: { anyOf: rule.layers } } } },
    ...(rule.typesOnly ? [{ to: { element: { types: { anyOf: rule.typesOnly } } }, dependency: { kind: 'type' } }] : []),
  ],
}));
