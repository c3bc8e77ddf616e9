// Which Node each command needs, and the message when the running one is too old. Pure (no I/O) so
// bin/wakedock.js, scripts/check-node.mjs and the tests share one source of truth.
//
//   desktop (npm install with the Electron binary, npm start, npm run dist): Node ≥ 22.12 — what
//     electron 45 and @electron/get 5 declare (their installer is ESM loaded with require()).
//   serve (npm run serve, wakedock serve), tests, build: Node ≥ 20.19 — what vite 7, electron-vite 6
//     and @vitejs/plugin-react declare.
// Keep README.md "Requirements" and package.json "engines" in step with this table.

/** @typedef {'desktop' | 'serve' | 'test'} NodeCommand */

/** @type {Record<NodeCommand, {min: [number, number, number], what: string}>} */
export const NODE_REQUIREMENTS = {
  desktop: { min: [22, 12, 0], what: 'The desktop app (npm start) runs Electron 45, which' },
  serve: { min: [20, 19, 0], what: 'wakedock serve' },
  test: { min: [20, 19, 0], what: 'The build and the tests (vite 7)' },
};

/** "v20.20.2" → [20, 20, 2]; undefined when it is not a version. */
export function parseNodeVersion(v) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(v));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function below(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * null when `version` is enough for `command`, otherwise the sentence to print (one paragraph,
 * what is needed, what was found, what to do instead).
 * @param {NodeCommand} command
 * @param {string} version process.version
 */
export function nodeProblem(command, version) {
  const req = NODE_REQUIREMENTS[command];
  const have = parseNodeVersion(version);
  if (!req || !have || !below(have, req.min)) return null;
  const need = req.min.join('.');
  if (command === 'desktop') {
    return (
      `wakedock: ${req.what} needs Node.js ${need} or newer; this is Node.js ${version}. ` +
      `Install Node.js 22.12+ (e.g. nvm install 22) and run npm install again. ` +
      (below(have, NODE_REQUIREMENTS.serve.min) ? '' : `On this Node you can still use the browser UI: npm run serve.`)
    ).trim();
  }
  return `wakedock: ${req.what} needs Node.js ${need} or newer; this is Node.js ${version}. Install Node.js 20.19+ (or 22.12+).`;
}
