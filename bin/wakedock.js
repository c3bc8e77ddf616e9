#!/usr/bin/env node
// `wakedock serve` — builds the app first when the build is missing or older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { nodeProblem } from '../scripts/node-requirements.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tooOld = nodeProblem('serve', process.version);
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}
const entry = join(root, 'out', 'main', 'serve.js');
const [command = 'serve', ...rest] = process.argv.slice(2);

if (command === '--help' || command === '-h' || command === 'help') {
  console.log('Usage: wakedock serve [--host H] [--port P] [--data-dir D]   (wakedock serve --help for more)');
  process.exit(0);
}
if (command !== 'serve') {
  console.error(`wakedock: unknown command "${command}". Try: wakedock serve --help`);
  process.exit(2);
}

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = ['src-main', 'src-renderer', 'src-preload'].map((d) => join(root, d));
const stale = !existsSync(entry) || !existsSync(join(root, 'out', 'renderer', 'index.html')) || (existsSync(sources[0]) && Math.max(...sources.map(newest)) > statSync(entry).mtimeMs);
if (stale && existsSync(join(root, 'electron.vite.config.ts'))) {
  console.error('wakedock: building the app (first run or sources changed)…');
  const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// After `npm start` the native modules are built for Electron: make them match Node again.
const abiMarker = join(root, 'node_modules', '.wakedock-native-abi');
if (existsSync(abiMarker) && readFileSync(abiMarker, 'utf8').startsWith('electron')) {
  spawnSync(process.execPath, [join(root, 'scripts', 'native-deps.mjs'), 'node'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(['serve', ...rest]);
if (code >= 0) process.exit(code);
