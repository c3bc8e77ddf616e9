// The copyable lines for a host's local socket forward.

/** A context name for `docker context create`: the host's name in the characters the CLI allows. */
export function contextName(hostName: string): string {
  const n = hostName
    .toLowerCase()
    .replace(/[^a-z0-9_.+-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  return `wakedock-${n || 'host'}`;
}

export function dockerLines(hostName: string, path: string): { context: string; env: string } {
  const url = path.startsWith('\\\\.\\pipe\\') ? `npipe:////./pipe/${path.slice('\\\\.\\pipe\\'.length)}` : `unix://${path}`;
  return { context: `docker context create ${contextName(hostName)} --docker host=${url}`, env: `export DOCKER_HOST=${url}` };
}
