// `wakedock serve`: WakeDock without Electron. The UI in a browser, the same core under Node.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir, listensBeyondLoopback, ServeConfigError, startHeadless } from './serve/headless';

const HELP = `Usage: wakedock serve [options]

Runs WakeDock headless: the UI in your browser, the core under Node.

Options:
  --host <addr>       address to listen on (default 127.0.0.1)
  --port <n>          port (default 7380; 0 picks a free one)
  --data-dir <dir>    where settings are kept (default: $WAKEDOCK_DATA_DIR or the user data dir)
  --enable-host-terminal
                      allow terminals on THIS machine (a shell for whoever holds the token)
  --metrics           serve /metrics (Prometheus text format; send the token as Authorization: Bearer)
  --upload-limit <MiB>  largest image archive or volume backup a browser may upload (default 16384)
  --tls-cert <file>   serve https with this certificate (PEM; with --tls-key)
  --tls-key <file>    the certificate's private key (PEM)
  --wake              wake on demand: run a private Caddy (needs caddy on PATH) for service hostnames
  --wake-listen <a>   where that Caddy serves them (default 127.0.0.1:8480)
  --wake-https <a>    also serve them over HTTPS there (e.g. 127.0.0.1:8443), certificates from
                      Caddy's local CA (its root is exported on the Services page; no trust prompt)
  --wake-acme         with --wake-https: public hostnames get ACME certificates (Let's Encrypt)
  --wake-acme-email <e>  the ACME account's e-mail (implies --wake-acme)
                      Settings → Proxy holds the same choices (and "my own Caddy" at an admin
                      address); a --wake-listen/--wake-https/--wake-acme* flag given here wins over
                      the saved setting for its field, which the form then shows as fixed
  -h, --help          this text

The token is root-equivalent on the engine's host, whatever --enable-host-terminal says: whoever
holds it can run a privileged container that mounts the host's disk. Beyond loopback (--host
0.0.0.0 or a LAN address) a strong token is required; serve TLS (--tls-cert/--tls-key) or put
WakeDock behind a TLS-terminating proxy such as Caddy (see docs/features/edge.md).

Environment:
  WAKEDOCK_TOKEN      the access token (generated at each start when unset)
  WAKEDOCK_DATA_DIR   the data dir (when --data-dir is not given)
  DOCKER_HOST         the engine to use (otherwise detected)
`;

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const log = (level: string) => (msg: string, extra?: unknown) => {
  const line = `[${new Date().toISOString()}] ${level} ${msg}${extra instanceof Error ? `: ${extra.message}` : ''}`;
  process.stderr.write(line + '\n');
};

export async function main(argv: string[]): Promise<number> {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv;
  let values: { host?: string; port?: string; 'data-dir'?: string; 'enable-host-terminal'?: boolean; metrics?: boolean; 'tls-cert'?: string; 'tls-key'?: string; wake?: boolean; 'wake-listen'?: string; 'wake-https'?: string; 'wake-acme'?: boolean; 'wake-acme-email'?: string; 'upload-limit'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'enable-host-terminal': { type: 'boolean' }, metrics: { type: 'boolean' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, wake: { type: 'boolean' }, 'wake-listen': { type: 'string' }, 'wake-https': { type: 'string' }, 'wake-acme': { type: 'boolean' }, 'wake-acme-email': { type: 'string' }, 'upload-limit': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`wakedock serve: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const host = values.host ?? '127.0.0.1';
  const port = values.port === undefined ? 7380 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`wakedock serve: --port must be a number from 0 to 65535, not "${values.port}"\n`);
    return 2;
  }
  const uploadMiB = values['upload-limit'] === undefined ? undefined : Number(values['upload-limit']);
  if (uploadMiB !== undefined && !(Number.isFinite(uploadMiB) && uploadMiB > 0)) {
    process.stderr.write(`wakedock serve: --upload-limit must be a positive number of MiB, not "${values['upload-limit']}"\n`);
    return 2;
  }
  if (!values['tls-cert'] !== !values['tls-key']) {
    process.stderr.write('wakedock serve: --tls-cert and --tls-key go together\n');
    return 2;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (values['tls-cert'] && values['tls-key']) {
    try {
      tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (e) {
      process.stderr.write(`wakedock serve: cannot read the TLS certificate or key: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const staticDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(staticDir)) {
    process.stderr.write(`wakedock serve: the UI is not built (${staticDir} is missing); run "npm run build"\n`);
    return 1;
  }
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  let app;
  try {
    app = await startHeadless({ host, port, dataDir: values['data-dir'] ?? defaultDataDir(), token: process.env.WAKEDOCK_TOKEN, staticDir, appVersion: appVersion(), logger, hostTerminal: values['enable-host-terminal'] === true, metrics: values.metrics === true, tls, uploadLimit: uploadMiB === undefined ? undefined : Math.floor(uploadMiB * 1024 * 1024), wake: values.wake || values['wake-listen'] || values['wake-https'] ? { listen: values['wake-listen'], ...httpsOf(values) } : undefined });
  } catch (e) {
    if (e instanceof ServeConfigError) {
      process.stderr.write(`wakedock serve: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${port} is already in use on ${host}; pick another with --port` : err.message;
    process.stderr.write(`wakedock serve: could not start: ${why}\n`);
    return 1;
  }
  if (listensBeyondLoopback(host)) {
    logger.warn(`listening on ${host}: anyone who can reach it and holds the token controls your Docker engine (root on its host)`);
    if (!tls) logger.warn('plain HTTP beyond loopback: the token crosses the network readable; use --tls-cert/--tls-key or a TLS proxy such as Caddy');
  }
  if (values['enable-host-terminal']) {
    logger.warn('--enable-host-terminal: anyone holding the token gets a shell on this machine as this user');
  }
  for (const n of app.core.store.notices) logger.warn(n.message);
  process.stdout.write(`WakeDock is running at ${app.http.url}\n`);
  // Graceful: stop accepting, close every stream, then wait for the core (exec shells hung up, the
  // last alert and settings writes on disk) before exiting. A second signal exits at once.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    app.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error('shutdown failed', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return -1; // keep running
}

const isEntry = !!process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
if (isEntry) {
  void main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exit(code);
  });
}

/** --wake-https [--wake-acme] [--wake-acme-email]: HTTPS for service hostnames, ACME only when asked. */
function httpsOf(v: { 'wake-https'?: string; 'wake-acme'?: boolean; 'wake-acme-email'?: string }): { https?: { listen: string; acme?: { email?: string } } } {
  if (!v['wake-https']) return {};
  const acme = v['wake-acme'] || v['wake-acme-email'] ? { ...(v['wake-acme-email'] ? { email: v['wake-acme-email'] } : {}) } : undefined;
  return { https: { listen: v['wake-https'], ...(acme ? { acme } : {}) } };
}
