// The Node each command needs (README "Requirements"), and the check that runs at start.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeProblem, NODE_REQUIREMENTS, parseNodeVersion } from '../../../scripts/node-requirements.mjs';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const declared = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const minOf = (range: string): number[] => parseNodeVersion(/(\d+\.\d+\.\d+)/.exec(range)![1]!)!;

describe('node requirements', () => {
  it('desktop needs what electron and @electron/get declare; serve and tests what vite declares', () => {
    expect(NODE_REQUIREMENTS.desktop.min).toEqual(minOf(declared('electron')));
    expect(NODE_REQUIREMENTS.desktop.min).toEqual(minOf(declared('@electron/get')));
    // vite: "^20.19.0 || >=22.12.0" — the lower branch is the serve/test minimum.
    expect(NODE_REQUIREMENTS.serve.min).toEqual(minOf(declared('vite')));
    expect(NODE_REQUIREMENTS.test.min).toEqual(minOf(declared('vite')));
    expect(pkg.engines.node).toBe(`>=${NODE_REQUIREMENTS.serve.min.slice(0, 2).join('.')}`);
  });

  it('says what is needed, what was found and what to do instead', () => {
    expect(nodeProblem('desktop', 'v22.12.0')).toBeNull();
    expect(nodeProblem('desktop', 'v24.1.0')).toBeNull();
    expect(nodeProblem('serve', 'v20.19.0')).toBeNull();
    expect(nodeProblem('desktop', 'v20.20.2')).toBe(
      'wakedock: The desktop app (npm start) runs Electron 45, which needs Node.js 22.12.0 or newer; this is Node.js v20.20.2. Install Node.js 22.12+ (e.g. nvm install 22) and run npm install again. On this Node you can still use the browser UI: npm run serve.',
    );
    expect(nodeProblem('desktop', 'v18.20.0')).not.toContain('npm run serve');
    expect(nodeProblem('serve', 'v20.11.1')).toBe('wakedock: wakedock serve needs Node.js 20.19.0 or newer; this is Node.js v20.11.1. Install Node.js 20.19+ (or 22.12+).');
    expect(nodeProblem('test', 'v18.19.0')).toMatch(/needs Node.js 20.19.0/);
  });

  it('npm start and npm run dist check first; the check on this Node answers as the table says', () => {
    expect(pkg.scripts.start).toMatch(/^node scripts\/check-node.mjs desktop && /);
    expect(pkg.scripts.dist).toMatch(/^node scripts\/check-node.mjs desktop && /);
    const run = (cmd: string): { status: number | null; stderr: string } => {
      const r = spawnSync(process.execPath, [join(root, 'scripts/check-node.mjs'), cmd], { encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    };
    expect(run('serve')).toEqual({ status: 0, stderr: '' });
    const desktop = run('desktop');
    const expected = nodeProblem('desktop', process.version);
    if (expected) expect(desktop).toEqual({ status: 1, stderr: `${expected}\n` });
    else expect(desktop.stderr).not.toMatch(/needs Node/);
  });
});
