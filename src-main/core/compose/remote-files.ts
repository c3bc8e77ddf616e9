// A compose project on an SSH host has its files on that server (the labels name the server's paths).
// For each action they are copied into a private local folder (0700, removed after the run) that
// mirrors the server's paths (<tmp>/root/<server path>); the CLI runs in the mirror of the working dir
// with `--project-directory <the server's working dir>` and `-f <each file relative to it>`, so
// relative paths in the files (bind mounts) resolve to the server's folder, and the labels compose
// writes on the containers name the server's files again: v1 writes `-f` as given (relative to the
// working dir), v2 makes it absolute under the mirror, which configFilesOf maps back (serverPathOf).
// The working dir's .env is copied too (`--env-file`). Files the compose file itself names (env_file,
// build contexts) are not copied.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { FetchedFiles, ProjectPlace } from './compose-cli';

/** A file on the server: its bytes, or null when it does not exist. */
export type RemoteRead = (path: string) => Promise<Buffer | null>;

export class MissingComposeFile extends Error {}

const MIRROR_PREFIX = 'wakedock-compose-';

/** A path inside one of our mirrors (…/wakedock-compose-XXXXXX/root/srv/app/x.yml) → the server's (/srv/app/x.yml). */
export function serverPathOf(path: string): string {
  const m = /^.*\/wakedock-compose-[A-Za-z0-9]{6}\/root(\/.*)$/.exec(path);
  return m ? m[1]! : path;
}

export async function fetchComposeFiles(p: ProjectPlace, read: RemoteRead): Promise<FetchedFiles & { remove(): void }> {
  const projectDir = p.workingDir ?? (p.configFiles[0] ? posix.dirname(p.configFiles[0]) : null);
  if (!projectDir || !posix.isAbsolute(projectDir)) throw new MissingComposeFile(`The labels of project ${p.name} name neither its folder nor its compose files.`);
  const top = mkdtempSync(join(tmpdir(), MIRROR_PREFIX));
  const root = join(top, 'root');
  const mirror = (serverPath: string): string => join(root, posix.normalize(serverPath));
  const remove = (): void => rmSync(top, { recursive: true, force: true });
  try {
    const cwd = mirror(projectDir);
    mkdirSync(cwd, { recursive: true, mode: 0o700 });
    const files: string[] = [];
    for (const remote of p.configFiles) {
      const server = posix.isAbsolute(remote) ? remote : posix.join(projectDir, remote);
      const bytes = await read(server);
      if (!bytes) throw new MissingComposeFile(`${server} is not on the server any more (the compose file of project ${p.name}).`);
      const local = mirror(server);
      mkdirSync(posix.dirname(local), { recursive: true, mode: 0o700 });
      writeFileSync(local, bytes, { mode: 0o600 });
      files.push(posix.relative(projectDir, server));
    }
    const env = await read(posix.join(projectDir, '.env'));
    let envFile: string | undefined;
    if (env) {
      envFile = join(cwd, '.env');
      writeFileSync(envFile, env, { mode: 0o600 });
    }
    return { projectDir, files, envFile, dir: cwd, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
