// Client of Caddy's admin API (2.6.2): read and load configs, read the reverse proxy's upstreams.
//
// apply() is the only way WakeDock changes Caddy: it validates the config it is about to send, loads it
// (Caddy provisions the new config before swapping, so a refused config leaves the old one running),
// then reads back what Caddy runs. If Caddy ends up running anything but what was sent (or the old
// config after a refusal), the previous config is loaded again. In "merge" mode (an admin endpoint the
// user also uses for other sites) only WakeDock's servers are replaced; every other route,
// server and app is sent back exactly as Caddy had it.
import { request } from 'node:http';
import { z } from 'zod';
import { mergeOwned, ownedParts, ownedServer, ownedServers, proxiesOf, stableJson, unmergeOwned, type CaddyJson } from './caddy-config';

export class CaddyAdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Whether the previous config was restored after a failed apply. */
    readonly rolledBack?: boolean,
  ) {
    super(message);
    this.name = 'CaddyAdminError';
  }
}

export interface Upstream {
  address: string;
  num_requests: number;
  fails: number;
}

const UpstreamsSchema = z.array(z.object({ address: z.string(), num_requests: z.number(), fails: z.number() }).loose());

// `tcp/` prefix: the address ignored requests dial (caddy-config.ts IGNORED_DIAL_PREFIX).
const HostPort = z.string().regex(/^(tcp\/)?(127\.\d+\.\d+\.\d+|\[::1\]|localhost):\d{1,5}$/, 'must be a loopback host:port');
const Hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'is not a valid hostname');

/** What WakeDock's own server must look like before it is sent (loopback only, valid hosts). */
const OwnedServerSchema = z.object({
  listen: z.array(z.string().min(1)).min(1),
  automatic_https: z.object({ disable: z.literal(true) }).loose(),
  routes: z.array(
    z
      .object({
        '@id': z.string().min(1),
        match: z.array(z.object({ host: z.array(Hostname).min(1).optional(), path: z.array(z.string()).optional() }).loose()),
        handle: z.array(z.object({ handler: z.string(), upstreams: z.array(z.object({ dial: HostPort })).optional() }).loose()).min(1),
      })
      .loose(),
  ),
});

export function validateOwned(config: CaddyJson): void {
  const server = ownedServer(config);
  const r = OwnedServerSchema.safeParse(server);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CaddyAdminError(`WakeDock's Caddy config is not valid: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const seen = new Map<string, string>();
  for (const route of r.data.routes) {
    const id = route['@id'];
    // A service's subroute (ignore rules) holds proxies too: loopback only, like the top level.
    for (const p of proxiesOf(route)) {
      const dials = z.array(z.object({ dial: HostPort }).loose()).safeParse(p.upstreams ?? []);
      if (!dials.success) throw new CaddyAdminError(`WakeDock's Caddy config is not valid: ${id} ${dials.error.issues[0]?.message ?? 'bad upstream'}`);
    }
    for (const m of route.match) {
      for (const h of m.host ?? []) {
        const other = seen.get(h.toLowerCase());
        if (other && other !== id) throw new CaddyAdminError(`the hostname ${h} is used by two services (${other}, ${id})`);
        seen.set(h.toLowerCase(), id);
      }
    }
  }
}

export interface CaddyAdminOptions {
  /** Caddy syntax: `unix//path/admin.sock` or `host:port`. */
  listen: string;
  /** Host header sent (must be in the admin config's `origins`). */
  origin?: string;
  timeoutMs?: number;
}

export class CaddyAdminClient {
  constructor(private readonly opts: CaddyAdminOptions) {}

  private req(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const listen = this.opts.listen;
    const target = listen.startsWith('unix/') ? { socketPath: listen.slice('unix/'.length) } : { host: listen.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''), port: Number(/:(\d+)$/.exec(listen)?.[1]) };
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const r = request(
        {
          ...target,
          method,
          path,
          headers: {
            Host: this.opts.origin ?? 'localhost',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length, 'Cache-Control': 'must-revalidate' } : {}),
          },
          timeout: this.opts.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new CaddyAdminError(`Caddy's admin API at ${listen} did not answer in time`)));
      r.on('error', (e) => reject(e instanceof CaddyAdminError ? e : new CaddyAdminError(`Caddy's admin API at ${listen} is unreachable (${(e as Error).message})`)));
      r.end(payload);
    });
  }

  private static errorOf(status: number, text: string): CaddyAdminError {
    let msg = text.trim();
    try {
      msg = (JSON.parse(text) as { error?: string }).error ?? msg;
    } catch {
      /* plain text */
    }
    return new CaddyAdminError(`Caddy refused: ${msg || `HTTP ${status}`}`, status);
  }

  /** GET /config/<path>: the config (or part), null when unset. */
  async getConfig(path = ''): Promise<unknown> {
    const { status, text } = await this.req('GET', `/config/${path}`);
    if (status !== 200) throw CaddyAdminClient.errorOf(status, text);
    return text.trim() === '' ? null : (JSON.parse(text) as unknown);
  }

  /** POST /load: replace the whole config. */
  async load(config: CaddyJson): Promise<void> {
    const { status, text } = await this.req('POST', '/load', config);
    if (status !== 200) throw CaddyAdminClient.errorOf(status, text);
  }

  /** In-flight requests per upstream dial address (the pool is global to the Caddy process). */
  async upstreams(): Promise<Upstream[]> {
    const { status, text } = await this.req('GET', '/reverse_proxy/upstreams');
    if (status !== 200) throw CaddyAdminClient.errorOf(status, text);
    return UpstreamsSchema.parse(text.trim() === '' ? [] : JSON.parse(text));
  }

  /** GET /pki/ca/<id>: a CA's root certificate (PEM) and name (`local`: Caddy's default CA). */
  async rootCertificate(caId = 'local'): Promise<{ pem: string; name: string }> {
    const { status, text } = await this.req('GET', `/pki/ca/${encodeURIComponent(caId)}`);
    if (status !== 200) throw CaddyAdminClient.errorOf(status, text);
    const ca = z.object({ name: z.string().optional(), root_certificate: z.string().min(1) }).loose().parse(JSON.parse(text));
    return { pem: ca.root_certificate, name: ca.name ?? 'Caddy Local Authority' };
  }

  /**
   * Merge mode, switching away: remove exactly what WakeDock added (servers, logger, TLS policies,
   * CA, and the containers it created that are now empty). Caddy had no config before: it gets none
   * again (DELETE /config/). Returns whether anything was removed.
   */
  async detach(created: Iterable<string> = []): Promise<boolean> {
    const { previous, next } = await this.readModify((cur) => unmergeOwned(cur, created));
    if (stableJson(previous) === stableJson(next)) return false;
    if (next === null) {
      const { status, text } = await this.req('DELETE', '/config/');
      if (status !== 200) throw CaddyAdminClient.errorOf(status, text);
    } else {
      await this.load(next);
    }
    const running = await this.getConfig();
    if (Object.keys(ownedServers(running)).length > 0) throw new CaddyAdminError('Caddy still runs WakeDock\'s servers after they were removed');
    return true;
  }

  /** POST /stop: ask Caddy to exit (used for an instance an earlier run left behind). */
  async stop(): Promise<void> {
    await this.req('POST', '/stop');
  }

  async reachable(): Promise<boolean> {
    try {
      await this.getConfig('admin');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Read the config, change it, and read it again right before loading: if someone changed it in
   * between, start over (at most 3 times). Caddy 2.6.2's ETag cannot guard a /load (it sends the
   * ETag as a trailer whose hash If-Match never matches, and /load ignores If-Match), so the read-
   * compare-load is done by hand; the window left is the load itself.
   */
  private async readModify(change: (current: CaddyJson | null) => CaddyJson | null): Promise<{ previous: CaddyJson | null; next: CaddyJson | null }> {
    for (let attempt = 0; ; attempt++) {
      const previous = (await this.getConfig()) as CaddyJson | null;
      const next = change(previous);
      const again = (await this.getConfig()) as CaddyJson | null;
      if (stableJson(again) === stableJson(previous) || attempt >= 2) return { previous: again, next: stableJson(again) === stableJson(previous) ? next : change(again) };
    }
  }

  /**
   * Validate, load, verify; roll back on failure. mode 'all': `config` is the whole config (a private
   * Caddy); 'merge': only WakeDock's parts (servers, logger, TLS policies, CA) are replaced in the
   * running config, and the containers it had to create are added to `created`.
   */
  async apply(config: CaddyJson, mode: 'all' | 'merge', created: Set<string> = new Set()): Promise<void> {
    validateOwned(config);
    const { previous, next: merged } = mode === 'all' ? { previous: (await this.getConfig()) as CaddyJson | null, next: config } : await this.readModify((cur) => mergeOwned(cur, config, created));
    const next = merged as CaddyJson;
    const parts = mode === 'all' ? ownedServers : ownedParts;
    const wanted = stableJson(parts(next));
    try {
      await this.load(next);
      const running = await this.getConfig();
      if (stableJson(parts(running)) !== wanted) throw new CaddyAdminError('Caddy does not run the config it accepted');
    } catch (e) {
      const err = e instanceof CaddyAdminError ? e : new CaddyAdminError((e as Error).message);
      let rolledBack = false;
      try {
        const now = (await this.getConfig()) as CaddyJson | null;
        if (previous && stableJson(now) !== stableJson(previous)) await this.load(previous);
        rolledBack = true;
      } catch {
        rolledBack = false;
      }
      throw new CaddyAdminError(err.message, err.status, rolledBack);
    }
  }
}
