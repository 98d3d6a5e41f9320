import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { type AddressInfo, isIP } from 'node:net';
import { status as grpcStatus } from '@grpc/grpc-js';
import { MaglevCallError, type MaglevClientTls } from '../api/client.js';
import { type Logger, silentLogger } from '../events/logger.js';
import { parseListenAddress } from '../util/listen-address.js';
import { buildInfo } from '../version.js';
import { type Asset, loadAssets, locateAssets } from './assets.js';
import {
  type AdminCredentials,
  BasicAuthChecker,
  type HashedAdminCredentials,
  HashedAuthChecker,
  parseBasicAuth,
} from './auth.js';
import { EventBroker, type EventBrokerOptions } from './broker.js';
import { type ConnectionTimings, MaglevdConnection } from './connection.js';
import { checkSameOrigin } from './csrf.js';
import { displayNames } from './derive.js';
import {
  BACKEND_ACTIONS,
  type BackendAction,
  type ErrorResponse,
  type MaglevdListEntry,
  type MaglevdStateResponse,
  type PreviewResponse,
  type PreviewView,
  type StateResponse,
  type VersionResponse,
} from './types.js';

/**
 * How a {@link DashboardServer} listens, which maglevds it follows and whether it offers the
 * admin surface.
 *
 * @internal
 */
export interface DashboardServerOptions {
  /** HTTP listen address, Go style: ":8080", "127.0.0.1:0", "[::1]:8080". */
  readonly listen: string;
  /** maglevd gRPC addresses, host:port or unix:///path; the page lists them in this order. */
  readonly servers: readonly string[];
  /**
   * TLS towards every maglevd reached over TCP (a unix socket is always plaintext); without it
   * the channels are plaintext.
   */
  readonly tls?: MaglevClientTls;
  /**
   * The dashboard's own certificate and key (PEM): it then serves HTTPS instead of HTTP.
   * {@link DashboardServer.setListenTls} replaces them while running.
   */
  readonly listenTls?: { readonly cert: Buffer | string; readonly key: Buffer | string } | null;
  /**
   * Turns /admin/ on: a user and a password, or a user and the scrypt hash of the password.
   * Without it /admin/ answers that it is disabled.
   */
  readonly admin?: AdminCredentials | HashedAdminCredentials | null;
  /** The built app; default: found next to the package (locateAssets). null: none, API only. */
  readonly assetsDir?: string | null;
  /** Where listening, admin actions and failed logins are logged; default silent. */
  readonly logger?: Logger;
  /** Refresh, probe, backoff and call deadlines of each maglevd connection; unset ones default. */
  readonly timings?: Partial<ConnectionTimings>;
  /** Replay ring, heartbeat and retry hint of the SSE stream. */
  readonly events?: Partial<EventBrokerOptions>;
}

/** An HTTP error answer with its status. */
class HttpError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'HTTP' as const;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 16 * 1024;

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function httpStatusOf(e: MaglevCallError): number {
  switch (e.code) {
    case grpcStatus.NOT_FOUND:
      return 404;
    case grpcStatus.INVALID_ARGUMENT:
    case grpcStatus.OUT_OF_RANGE:
      return 400;
    case grpcStatus.FAILED_PRECONDITION:
    case grpcStatus.ALREADY_EXISTS:
      return 409;
    case grpcStatus.PERMISSION_DENIED:
      // maglevd refused the dashboard's certificate the right to change things (--grpc-admin).
      return 403;
    case grpcStatus.UNAVAILABLE:
      return 503;
    case grpcStatus.DEADLINE_EXCEEDED:
      return 504;
    default:
      return 502;
  }
}

function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `bad escape in path segment ${JSON.stringify(s)}`);
  }
}

/** An admin action, recognised from the path below /admin/api/ alone. */
type ActionRoute =
  | {
      readonly maglevd: string;
      readonly kind: 'backend';
      readonly action: BackendAction;
      readonly backend: string;
    }
  | {
      readonly maglevd: string;
      readonly kind: 'weight';
      readonly frontend: string;
      readonly pool: string;
      readonly backend: string;
    }
  | { readonly maglevd: string; readonly kind: 'sync' }
  | { readonly maglevd: string; readonly kind: 'reload' };

/**
 * The action an API path names, or null when it names none. Only the shape counts (not whether
 * the maglevd or backend exists), so any method but POST on an action's URL is told which
 * method it takes, whatever the names.
 */
function parseActionRoute(route: string): ActionRoute | null {
  const raw = route.split('/');
  if (raw[0] !== 'maglevd' || raw.length < 3) return null;
  const parts = raw.map(segment);
  const maglevd = parts[1] as string;
  const what = parts.slice(2);
  if (what.length === 3 && what[0] === 'backends' && BACKEND_ACTIONS.includes(what[2] as BackendAction))
    return { maglevd, kind: 'backend', action: what[2] as BackendAction, backend: what[1] as string };
  if (
    what.length === 7 &&
    what[0] === 'frontends' &&
    what[2] === 'pools' &&
    what[4] === 'backends' &&
    what[6] === 'weight'
  )
    return {
      maglevd,
      kind: 'weight',
      frontend: what[1] as string,
      pool: what[3] as string,
      backend: what[5] as string,
    };
  if (what.length === 1 && what[0] === 'sync') return { maglevd, kind: 'sync' };
  if (what.length === 1 && what[0] === 'reload') return { maglevd, kind: 'reload' };
  return null;
}

/** The weight and flush of a set-weight body, checked. */
function weightBody(body: Record<string, unknown>): { weight: number; flush: boolean } {
  const weight = body.weight;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100)
    throw new HttpError(400, 'weight must be a whole number 0-100');
  if (body.flush !== undefined && typeof body.flush !== 'boolean')
    throw new HttpError(400, 'flush must be true or false');
  return { weight, flush: body.flush === true };
}

/** The frontend of a sync body ("" for everything), checked. */
function syncFrontend(body: Record<string, unknown>): string {
  const frontend = body.frontend ?? '';
  if (typeof frontend !== 'string') throw new HttpError(400, 'frontend must be a string');
  return frontend;
}

/** What an admin-action log line says about the action, before its body is read. */
function actionLogFields(r: ActionRoute): Record<string, unknown> {
  switch (r.kind) {
    case 'backend':
      return { action: r.action, backend: r.backend };
    case 'weight':
      return { action: 'set-weight', frontend: r.frontend, pool: r.pool, backend: r.backend };
    default:
      return { action: r.kind };
  }
}

/**
 * maglevd-frontend: the web dashboard. Keeps a connection to every maglevd, serves the
 * single-page app and its JSON API under /view/ (read-only) and /admin/ (the same plus POST
 * actions, behind HTTP basic auth), and streams every change to browsers over SSE.
 *
 * @internal
 */
export class DashboardServer {
  readonly #opts: DashboardServerOptions;
  readonly #logger: Logger;
  readonly #broker: EventBroker;
  readonly #connections: MaglevdConnection[];
  readonly #byName = new Map<string, MaglevdConnection>();
  readonly #auth: BasicAuthChecker | HashedAuthChecker | null;
  readonly #http: Server | HttpsServer;
  #assets: Map<string, Asset> | null = null;
  #port = 0;

  /**
   * Checks the options and sets up (without starting) the connections and the HTTP server.
   *
   * @throws Error when `servers` is empty, or the admin user or password is empty or the user
   *   contains ":".
   * @throws ListenAddressError when `listen` is not a usable listen address.
   */
  constructor(opts: DashboardServerOptions) {
    if (opts.servers.length === 0) throw new Error('maglevd-frontend needs at least one maglevd address');
    parseListenAddress(opts.listen);
    this.#opts = opts;
    this.#logger = opts.logger ?? silentLogger;
    this.#auth = !opts.admin
      ? null
      : 'passwordHash' in opts.admin
        ? new HashedAuthChecker(opts.admin)
        : new BasicAuthChecker(opts.admin);
    this.#broker = new EventBroker({
      ...opts.events,
      epoch: opts.events?.epoch ?? `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
    });
    const names = displayNames(opts.servers);
    this.#connections = opts.servers.map(
      (address, i) =>
        new MaglevdConnection({
          address,
          name: names[i] as string,
          ...(opts.tls && !address.startsWith('unix:') && { tls: opts.tls }),
          logger: this.#logger,
          ...(opts.timings && { timings: opts.timings }),
          onEvent: (e) => this.#broker.publish(e),
        }),
    );
    for (const c of this.#connections) this.#byName.set(c.name, c);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((e: unknown) => this.#fail(res, e));
    };
    this.#http = opts.listenTls
      ? createHttpsServer({ cert: opts.listenTls.cert, key: opts.listenTls.key }, handler)
      : createServer(handler);
  }

  /** Whether the dashboard serves HTTPS (it was given a certificate). */
  get https(): boolean {
    return this.#http instanceof HttpsServer;
  }

  /**
   * Replaces the HTTPS listener's certificate and key: new connections get them, open ones
   * keep theirs, the socket stays. What SIGHUP does after a certificate was renewed on disk.
   *
   * @throws Error when the dashboard serves plain HTTP, or OpenSSL refuses the pair.
   */
  setListenTls(tls: { readonly cert: Buffer | string; readonly key: Buffer | string }): void {
    if (!(this.#http instanceof HttpsServer))
      throw new Error('the dashboard serves plain HTTP: it was started without a certificate');
    this.#http.setSecureContext({ cert: tls.cert, key: tls.key });
  }

  /** The bound port (useful with port 0); 0 until {@link DashboardServer.start} resolves. */
  get port(): number {
    return this.#port;
  }

  /** Whether /admin/ is on: admin credentials were given. */
  get adminEnabled(): boolean {
    return this.#auth !== null;
  }

  /**
   * Loads the web app's assets (warning when they are missing: the API is still served),
   * listens, then starts following every maglevd. Resolves to the bound port.
   *
   * @throws Error naming the listen address when the port cannot be bound.
   */
  async start(): Promise<number> {
    const dir = this.#opts.assetsDir === undefined ? locateAssets() : this.#opts.assetsDir;
    this.#assets = dir === null ? null : loadAssets(dir);
    if (!this.#assets)
      this.#logger.warn('assets-missing', { hint: 'the web app is not built: only the API is served' });
    const { host, port } = parseListenAddress(this.#opts.listen);
    try {
      await new Promise<void>((resolve, reject) => {
        this.#http.once('error', reject);
        this.#http.listen({ host, port }, () => {
          this.#http.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      this.#broker.close();
      throw new Error(`listen on ${this.#opts.listen}: ${(e as Error).message}`, { cause: e });
    }
    this.#port = (this.#http.address() as AddressInfo).port;
    for (const c of this.#connections) c.start();
    this.#logger.info('listening', {
      address: this.#opts.listen,
      port: this.#port,
      scheme: this.https ? 'https' : 'http',
      maglevds: this.#connections.map((c) => c.address),
      tls: this.#opts.tls !== undefined,
      admin: this.#auth !== null,
    });
    if (this.#auth !== null && !this.https && !isLoopback(host))
      this.#logger.warn('admin-over-http', {
        address: this.#opts.listen,
        hint:
          'the /admin/ password crosses the network in clear over plain HTTP: anyone who sees the ' +
          'traffic can drain backends; serve HTTPS (--listen-tls-cert, --listen-tls-key), listen on ' +
          'loopback behind a TLS proxy, or turn /admin/ off',
      });
    return this.#port;
  }

  /** Ends the SSE streams, drops every HTTP connection and closes the maglevd connections. */
  async close(): Promise<void> {
    this.#broker.close();
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
    await Promise.all([closed, ...this.#connections.map((c) => c.close())]);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/healthz') return this.#text(res, 200, 'ok\n');
    if (path === '/') return this.#redirect(res, '/view/');
    if (path === '/view' || path === '/admin') return this.#redirect(res, `${path}/${url.search}`);
    if (path === '/favicon.ico') return this.#static(req, res, 'favicon.svg');
    if (path.startsWith('/view/')) return this.#surface(req, res, url, path.slice('/view/'.length), false);
    if (path.startsWith('/admin/')) {
      if (!this.#auth)
        throw new HttpError(
          404,
          'the admin interface is disabled: set MAGLEV_FRONTEND_USER and MAGLEV_FRONTEND_PASSWORD to turn it on',
        );
      if (!(await this.#auth.check(req.headers.authorization))) {
        // Neither the user nor the password is logged, not even a wrong one.
        this.#logger.warn('admin-auth-failed', {
          remote: req.socket.remoteAddress,
          path,
          reason: parseBasicAuth(req.headers.authorization) ? 'wrong credentials' : 'no credentials',
        });
        throw new HttpError(401, 'authentication required', {
          'WWW-Authenticate': 'Basic realm="maglevd-frontend admin", charset="UTF-8"',
        });
      }
      return this.#surface(req, res, url, path.slice('/admin/'.length), true);
    }
    throw new HttpError(404, `no such page: ${path}`);
  }

  async #surface(req: IncomingMessage, res: ServerResponse, url: URL, rest: string, admin: boolean) {
    if (rest.startsWith('api/')) return this.#api(req, res, url, rest.slice('api/'.length), admin);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, 'method not allowed', { Allow: 'GET, HEAD' });
    return this.#static(req, res, rest === '' ? 'index.html' : rest);
  }

  async #api(req: IncomingMessage, res: ServerResponse, url: URL, route: string, admin: boolean) {
    if (req.method === 'POST') {
      if (!admin)
        throw new HttpError(405, '/view/ is read-only; actions are under /admin/', { Allow: 'GET' });
      return this.#action(req, res, route);
    }
    if (parseActionRoute(route) !== null) {
      // An action only ever runs on POST: a GET (a prefetch, a crawler, a pasted link) must
      // change nothing, and is told what would.
      if (admin)
        throw new HttpError(405, `${route} is an action: send it as a POST with a JSON body`, {
          Allow: 'POST',
        });
      throw new HttpError(
        404,
        `no such API endpoint: ${route} (actions are POST requests under /admin/api/)`,
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, 'method not allowed', { Allow: admin ? 'GET, POST' : 'GET' });
    const parts = route.split('/');
    switch (parts[0]) {
      case 'state':
        if (parts.length === 1) {
          const body: StateResponse = {
            eventId: this.#broker.lastEventId,
            maglevds: this.#connections.map((c) => c.snapshot),
          };
          return this.#json(res, 200, body);
        }
        if (parts.length === 2) {
          const c = this.#connection(segment(parts[1] as string));
          const body: MaglevdStateResponse = { eventId: this.#broker.lastEventId, maglevd: c.snapshot };
          return this.#json(res, 200, body);
        }
        break;
      case 'maglevds':
        if (parts.length === 1) {
          const body: MaglevdListEntry[] = this.#connections.map((c) => ({
            name: c.name,
            address: c.address,
            status: c.snapshot.status,
          }));
          return this.#json(res, 200, body);
        }
        break;
      case 'version':
        if (parts.length === 1) {
          const body: VersionResponse = { ...buildInfo, admin };
          return this.#json(res, 200, body);
        }
        break;
      case 'events':
        if (parts.length === 1) {
          const header = req.headers['last-event-id'];
          const last = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId');
          this.#broker.attach(req, res, last ?? null);
          return;
        }
        break;
    }
    throw new HttpError(404, `no such API endpoint: ${route}`);
  }

  async #action(req: IncomingMessage, res: ServerResponse, route: string) {
    const verdict = checkSameOrigin({
      host: req.headers.host,
      origin: req.headers.origin,
      secFetchSite: header(req, 'sec-fetch-site'),
    });
    if (!verdict.ok) {
      this.#logger.warn('admin-cross-origin-refused', {
        remote: req.socket.remoteAddress,
        reason: verdict.reason,
      });
      throw new HttpError(403, `cross-origin request refused: ${verdict.reason}`);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    // A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
    if (type !== 'application/json')
      throw new HttpError(415, 'actions take a JSON body (Content-Type: application/json)');
    const action = parseActionRoute(route);
    if (!action) throw new HttpError(404, `no such action: ${route}`);
    const c = this.#connection(action.maglevd);
    const fields: Record<string, unknown> = actionLogFields(action);
    // One admin-action line per action, written once the outcome is known, so the log says
    // what happened and not only what was asked for.
    const done = (error?: string, status?: number) => {
      const line = {
        maglevd: c.name,
        ...fields,
        remote: req.socket.remoteAddress,
        outcome: error === undefined ? 'ok' : 'error',
        ...(error !== undefined && { error }),
        ...(status !== undefined && { status }),
      };
      if (error === undefined) this.#logger.info('admin-action', line);
      else this.#logger.warn('admin-action', line);
    };
    let answer: unknown;
    let body: Record<string, unknown>;
    try {
      body = await readJson(req);
    } catch (e) {
      done((e as Error).message, e instanceof HttpError ? e.status : 400);
      throw e;
    }
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') {
      done('dryRun must be true or false', 400);
      throw new HttpError(400, 'dryRun must be true or false');
    }
    if (body.dryRun === true) return this.#preview(req, res, c, action, body);
    try {
      answer = await this.#runAction(c, action, body, fields);
    } catch (e) {
      const err =
        e instanceof MaglevCallError
          ? new HttpError(httpStatusOf(e), e.message)
          : e instanceof HttpError
            ? e
            : null;
      if (err) done(err.message, err.status);
      else done(e instanceof Error ? e.message : String(e), 500);
      throw err ?? e;
    }
    // maglevd answers a reload it refused with ok false and the reason: a failure all the same.
    const reload =
      action.kind === 'reload'
        ? (answer as { ok: boolean; parseError: string; semanticError: string })
        : null;
    if (reload && !reload.ok)
      done(reload.parseError || reload.semanticError || 'maglevd refused the configuration');
    else done();
    return this.#json(res, 200, answer);
  }

  /**
   * A dry run of an action: its preview, nothing changed. Logged at debug only (admin-preview):
   * the admin-action lines stay a record of what was done.
   */
  async #preview(
    req: IncomingMessage,
    res: ServerResponse,
    c: MaglevdConnection,
    route: ActionRoute,
    body: Record<string, unknown>,
  ): Promise<void> {
    if (body.assumeUp !== undefined && typeof body.assumeUp !== 'boolean')
      throw new HttpError(400, 'assumeUp must be true or false');
    const assumeUp = body.assumeUp === true;
    let answer: PreviewResponse;
    try {
      answer = await this.#runPreview(c, route, body, assumeUp);
    } catch (e) {
      if (e instanceof MaglevCallError) throw new HttpError(httpStatusOf(e), e.message);
      throw e;
    }
    this.#logger.debug('admin-preview', {
      maglevd: c.name,
      ...actionLogFields(route),
      remote: req.socket.remoteAddress,
    });
    return this.#json(res, 200, answer);
  }

  async #runPreview(
    c: MaglevdConnection,
    route: ActionRoute,
    body: Record<string, unknown>,
    assumeUp: boolean,
  ): Promise<PreviewResponse> {
    const ok = (preview: PreviewView): PreviewResponse => ({
      ok: true,
      parseError: '',
      semanticError: '',
      preview,
    });
    switch (route.kind) {
      case 'backend':
        return ok(await c.previewBackendAction(route.action, route.backend, assumeUp));
      case 'weight': {
        const { weight, flush } = weightBody(body);
        return ok(
          await c.previewSetWeight({
            frontend: route.frontend,
            pool: route.pool,
            backend: route.backend,
            weight,
            flush,
          }),
        );
      }
      case 'sync':
        return ok(await c.previewSync(syncFrontend(body)));
      case 'reload':
        return await c.previewReload(assumeUp);
    }
  }

  /** Runs one action against its maglevd; adds what the body said to the log fields. */
  async #runAction(
    c: MaglevdConnection,
    route: ActionRoute,
    body: Record<string, unknown>,
    fields: Record<string, unknown>,
  ): Promise<unknown> {
    switch (route.kind) {
      case 'backend':
        return await c.backendAction(route.action, route.backend);
      case 'weight': {
        const { weight, flush } = weightBody(body);
        fields.weight = weight;
        fields.flush = flush;
        return await c.setWeight({
          frontend: route.frontend,
          pool: route.pool,
          backend: route.backend,
          weight,
          flush,
        });
      }
      case 'sync': {
        const frontend = syncFrontend(body);
        fields.frontend = frontend;
        const r = await c.syncLbState(frontend);
        return {
          scope: r.scope,
          vipAdded: r.vipAdded,
          vipRemoved: r.vipRemoved,
          asAdded: r.asAdded,
          asRemoved: r.asRemoved,
          asWeightUpdated: r.asWeightUpdated,
        };
      }
      case 'reload': {
        const r = await c.reloadConfig();
        return { ok: r.ok, parseError: r.parseError, semanticError: r.semanticError };
      }
    }
  }

  #connection(name: string): MaglevdConnection {
    const c = this.#byName.get(name);
    if (!c) throw new HttpError(404, `no maglevd named ${JSON.stringify(name)}`);
    return c;
  }

  #static(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!this.#assets)
      throw new HttpError(503, 'the dashboard app is not built (vite build --config web/vite.config.ts)');
    const asset = this.#assets.get(path);
    if (!asset) throw new HttpError(404, `no such file: ${path}`);
    res.writeHead(200, {
      'Content-Type': asset.contentType,
      'Content-Length': asset.body.length,
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(asset.contentType.startsWith('text/html') && PAGE_HEADERS),
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  }

  #text(
    res: ServerResponse,
    status: number,
    text: string,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(text);
  }

  #redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { Location: location, 'Content-Length': 0 });
    res.end();
  }

  #fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) {
      const body: ErrorResponse = { error: e.message };
      const text = JSON.stringify(body);
      res.writeHead(e.status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
        ...e.headers,
      });
      res.end(text);
      return;
    }
    this.#logger.error('http-error', { err: e instanceof Error ? e.message : String(e) });
    this.#text(res, 500, 'internal error\n');
  }
}

/** Whether a listen host reaches only this machine (undefined: every interface). */
function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `body is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new HttpError(400, 'body must be a JSON object');
  return v as Record<string, unknown>;
}
