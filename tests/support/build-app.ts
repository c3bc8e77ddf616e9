// Make sure out/ holds a build of the current sources (electron-vite build), for tests that run the
// built app (`node out/main/serve.js`). Builds when out/ is missing or older than the sources, so a
// clean clone and a dev tree with fresh edits both test what is checked out.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './docker-fixtures';

export const SERVE_JS = join(REPO_ROOT, 'out', 'main', 'serve.js');
const OUTPUTS = [SERVE_JS, join(REPO_ROOT, 'out', 'renderer', 'index.html')];
const SOURCES = ['src-main', 'src-renderer', 'src-preload', 'electron.vite.config.ts', 'package.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

export function appBuildIsFresh(): boolean {
  if (!OUTPUTS.every((p) => existsSync(p))) return false;
  const built = Math.min(...OUTPUTS.map((p) => statSync(p).mtimeMs));
  return Math.max(...SOURCES.map((s) => newest(join(REPO_ROOT, s)))) <= built;
}

/** Build out/ unless it is fresh. Throws with the build's output when the build fails. */
export function ensureAppBuilt(): void {
  if (appBuildIsFresh()) return;
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5 * 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`npx electron-vite build failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
}
