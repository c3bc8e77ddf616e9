#!/usr/bin/env node
// Native modules (better-sqlite3 for stats history, node-pty for the host terminal) are compiled for
// one runtime ABI at a time: Node's (tests, `wakedock serve`) or Electron's (`npm start`). This
// script makes node_modules match the runtime about to run:
//   node scripts/native-deps.mjs node      → rebuild for this Node if a module does not load
//   node scripts/native-deps.mjs electron  → rebuild for Electron (electron-builder install-app-deps)
// Both are no-ops when the modules already match, so they are cheap to run before every start.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.wakedock-native-abi');
const MODULES = ['better-sqlite3', 'node-pty'];
const target = process.argv[2];
const require = createRequire(join(root, 'package.json'));

function run(cmd, args) {
  console.error(`wakedock: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

function loadsUnderNode(name) {
  try {
    const m = require(name);
    if (name === 'better-sqlite3') new m(':memory:').close();
    return true;
  } catch (e) {
    return !/NODE_MODULE_VERSION|was compiled against a different|invalid ELF|dlopen/i.test(String(e?.message ?? e));
  }
}

const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node';

if (target === 'node') {
  const broken = MODULES.filter((m) => !loadsUnderNode(m));
  if (broken.length === 0) {
    if (current !== 'node') writeFileSync(marker, 'node\n');
    process.exit(0);
  }
  if (!run('npm', ['rebuild', ...broken])) process.exit(1);
  writeFileSync(marker, 'node\n');
} else if (target === 'electron') {
  let version = '';
  try {
    version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    console.error('wakedock: electron is not installed');
    process.exit(1);
  }
  if (current === `electron ${version}`) process.exit(0);
  if (!run('npx', ['electron-builder', 'install-app-deps'])) {
    console.error('wakedock: could not rebuild native modules for Electron; stats history will be kept in memory and the host terminal is off');
    process.exit(0); // the app still starts: both features degrade with a notice
  }
  writeFileSync(marker, `electron ${version}\n`);
} else {
  console.error('usage: native-deps.mjs node|electron');
  process.exit(2);
}
