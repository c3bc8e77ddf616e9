// Compose projects for the tests: a folder with a compose file (services from the test image, with
// the test label so cleanupTestContainers finds them, stopped at once by SIGKILL), brought up by the
// real compose CLI (`docker compose` v2 when present, else `docker-compose` v1), and the clean-up of
// everything a project made (containers, its network and volumes), by project-name prefix.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, TEST_LABEL, cleanupTestContainers } from './docker-fixtures';
import { cleanupNetworks, cleanupVolumes } from './resource-fixtures';

/** A compose file: each service sleeps (one with a named volume `data`), labelled as a test container. */
export function composeYaml(services: string[], opts: { volume?: boolean } = {}): string {
  const svc = services
    .map(
      (s, i) => `  ${s}:
    image: ${TEST_IMAGE}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    labels:
      ${TEST_LABEL}: "1"
${opts.volume && i === 0 ? '    volumes:\n      - data:/data\n' : ''}`,
    )
    .join('');
  return `version: "3.7"\nservices:\n${svc}${opts.volume ? 'volumes:\n  data: {}\n' : ''}`;
}

export function composeDir(yaml: string): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wdtest-compose-'));
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, yaml);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let cliKind: Promise<'v2' | 'v1'> | null = null;
function run(file: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

/** Run the compose CLI the way a user would in `cwd` (against the engine on `socket`, default the shared one); throws with its stderr on failure. */
export async function composeCli(args: string[], cwd: string, opts: { socket?: string } = {}): Promise<string> {
  cliKind ??= run('docker', ['compose', 'version']).then((r) => (r.code === 0 ? 'v2' : 'v1'));
  const host = opts.socket ? ['-H', `unix://${opts.socket}`] : [];
  const r = (await cliKind) === 'v2' ? await run('docker', [...host, 'compose', ...args], cwd) : await run('docker-compose', [...host, ...args], cwd);
  if (r.code !== 0) throw new Error(`compose ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Everything projects named `<prefix>…` made: containers, then their networks and volumes. */
export async function cleanupComposeProjects(prefix: string): Promise<void> {
  await cleanupTestContainers({ namePrefix: prefix });
  await cleanupNetworks(prefix);
  await cleanupVolumes(prefix);
}
