#!/usr/bin/env node
// `node scripts/check-node.mjs desktop|serve|test`: stop with a clear message when this Node is too
// old for the command (see node-requirements.mjs). For the desktop it also says when Electron's
// binary is missing (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1), instead of a stack trace.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProblem } from './node-requirements.mjs';

const command = process.argv[2];
if (command !== 'desktop' && command !== 'serve' && command !== 'test') {
  console.error('usage: check-node.mjs desktop|serve|test');
  process.exit(2);
}
const problem = nodeProblem(command, process.version);
if (problem) {
  console.error(problem);
  process.exit(1);
}
if (command === 'desktop') {
  const electronDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');
  if (existsSync(join(electronDir, 'package.json')) && !existsSync(join(electronDir, 'path.txt'))) {
    console.error(
      'wakedock: the Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or the download failed). ' +
        'Run `node node_modules/electron/install.js` on a machine that can reach the Electron download, or use the browser UI: npm run serve.',
    );
    process.exit(1);
  }
}
