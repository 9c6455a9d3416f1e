import Router from '@koa/router';
import Koa from 'koa';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { notModified } from './conditional.js';
import { HttpProblem, respondProblem } from './http/errors.js';
import { DEFAULT_LIMITS, type ServerLimits } from './http/limits.js';
import { defaultLogFormat, formatAccess, requestIds, type LogFormat } from './http/log.js';
import { memoizedNegotiation } from './http/negotiate.js';
import { clientKey, pollLimiter, type PollLimit } from './http/poll-limit.js';
import { movedTo, parseFormat, parseLimit, formatPath } from './http/query.js';
import { PreparedSite, type Variant } from './http/responses.js';
import type { SiteMap } from './site.js';

/** Server settings, read once at start. Each is documented in the README's Server table. */
export interface ServerOptions {
  /** Seconds feed readers and caches may reuse a response (Cache-Control max-age); default 300. */
  maxAge?: number;
  /** Honour X-Forwarded-Proto, -Host and -For from a proxy or CDN in front; default off. */
  trustProxy?: boolean;
  /** Requests per client and window before 429; default off. */
  pollLimit?: PollLimit;
  /** Access log format; default: off under test, text on a terminal, else JSON lines. */
  accessLog?: LogFormat;
  /** Where access log lines go (default stdout) and error reports go (default stderr). */
  writeLog?: (line: string) => void;
  writeError?: (line: string) => void;
  limits?: Partial<ServerLimits>;
}

/**
 * Holds the published set. A rebuild replaces it whole, and a request reads
 * it once, so no response ever mixes two versions. Empty until the first
 * build is loaded (/readyz answers 503 until then).
 */
export class SiteHolder {
  private site: SiteMap | undefined;
  /** Set when shutdown begins: /readyz fails and each connection closes after its response. */
  stopping = false;

  constructor(site?: SiteMap) {
    this.site = site;
  }
  get(): SiteMap | undefined {
    return this.site;
  }
  set(site: SiteMap): void {
    this.site = site;
  }
}

const ALLOW = 'GET, HEAD, OPTIONS';
const HEALTH_PATHS = new Set(['/healthz', '/readyz']);

/** Answers a request before Koa sees it, or returns false to leave it to Koa. */
type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;
/** Each app's fast path, installed by `listen` in front of Koa's callback. */
const fastPaths = new WeakMap<Koa, FastPath>();

/**
 * Writes one prepared coding, or its 304 when the request's validators match;
 * returns the body bytes sent. Preconditions apply only to a 2xx answer
 * (RFC 9110 §13.2.1): a 410 page is sent as it is.
 */
function send(req: IncomingMessage, res: ServerResponse, variant: Variant, lastModified: Date): number {
  const { headers } = req;
  if (variant.status === 200 && notModified(headers['if-none-match'], headers['if-modified-since'], variant.etag, lastModified, variant.lastModified)) {
    res.writeHead(304, variant.notModifiedHeaders);
    res.end();
    return 0;
  }
  res.writeHead(variant.status, variant.headers);
  if (req.method === 'HEAD') {
    res.end();
    return 0;
  }
  res.end(variant.body);
  return variant.body.length;
}

/**
 * The Koa app. Every body, ETag and header array is computed once per site
 * version. A plain GET or HEAD of a published path is answered by a fast
 * path that `listen` runs in node:http's request listener, before Koa builds
 * a context: one Map lookup, one memoized negotiation, a string comparison
 * for the ETag, and the prepared headers written as they are. Everything
 * else (query variants, redirects, health, OPTIONS, errors, 429s) goes
 * through Koa and @koa/router, which also answer published paths alone.
 */
export function createApp(holder: SiteHolder, options: ServerOptions = {}): Koa {
  const app = new Koa();
  app.proxy = options.trustProxy ?? false;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const prepared = new PreparedSite(`public, max-age=${options.maxAge ?? 300}`);
  const negotiate = memoizedNegotiation();
  const nextId = requestIds();
  const writeError = options.writeError ?? ((line: string) => process.stderr.write(line));
  const logFormat = options.accessLog ?? defaultLogFormat(process.env, process.stdout.isTTY);
  const accessLog = logFormat === 'off' ? undefined : { format: logFormat, write: options.writeLog ?? ((line: string) => process.stdout.write(line)) };
  const over = options.pollLimit ? pollLimiter(options.pollLimit) : undefined;
  // Node joins repeated X-Forwarded-For fields into one string.
  const clientOf = (req: IncomingMessage): string => clientKey(req.headers['x-forwarded-for'] as string | undefined, req.socket.remoteAddress, app.proxy);

  fastPaths.set(app, (req, res) => {
    try {
      if (holder.stopping) res.shouldKeepAlive = false;
      const { method, url, headers } = req;
      if ((method !== 'GET' && method !== 'HEAD') || url!.length > limits.maxUrlLength) return false;
      if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
      const site = holder.get();
      const entry = site && prepared.lookup(site, url!);
      if (entry === undefined) return false;
      const coding = negotiate(headers['accept-encoding']);
      // A 406, and a client over its poll limit, are answered by Koa (which counts the request again; it stays over).
      if (coding === null || (over !== undefined && over(clientOf(req)) !== undefined)) return false;
      if (accessLog === undefined) {
        send(req, res, entry.variants[coding], entry.resource.lastModified);
        return true;
      }
      const start = performance.now();
      const id = nextId();
      const bytes = send(req, res, entry.variants[coding], entry.resource.lastModified);
      res.once('close', () => accessLog.write(formatAccess({ method, path: url!, status: res.statusCode, bytes, ms: elapsed(start), id }, accessLog.format)));
      return true;
    } catch {
      // Koa meets the same error (it looks the site up again) and answers 500 with a logged request id.
      return false;
    }
  });

  if (accessLog !== undefined) {
    app.use((ctx, next) => {
      const start = performance.now();
      const id = nextId();
      ctx.state.requestId = id;
      ctx.res.once('close', () => {
        const bytes = (ctx.state.bytes as number | undefined) ?? (ctx.method === 'HEAD' || ctx.status === 304 ? 0 : (ctx.response.length ?? 0));
        accessLog.write(formatAccess({ method: ctx.method, path: ctx.originalUrl, status: ctx.res.statusCode, bytes, ms: elapsed(start), id }, accessLog.format));
      });
      return next();
    });
  }

  // Koa parses the target on the first read of ctx.path, and Node's parser throws on some: bad escapes
  // ("//%e2%82@"), or no URL at all ("//[#@!" reads as an authority with a broken IPv6 host). The
  // client's fault, answered here, before any middleware reads the path.
  app.use((ctx, next) => {
    try {
      void ctx.path;
    } catch (error) {
      if (error instanceof URIError) return respondProblem(ctx, new HttpProblem(400, 'the URL has an invalid percent-encoding'), ctx.state.requestId);
      if ((error as NodeJS.ErrnoException).code === 'ERR_INVALID_URL') return respondProblem(ctx, new HttpProblem(400, 'the request target is not a valid URL path'), ctx.state.requestId);
      throw error;
    }
    return next();
  });

  if (over !== undefined) {
    app.use((ctx, next) => {
      if (HEALTH_PATHS.has(ctx.path)) return next();
      const wait = over(clientOf(ctx.req));
      if (wait === undefined) return next();
      respondProblem(ctx, new HttpProblem(429, `too many requests from this client; retry in ${wait} s`, { 'Retry-After': String(wait) }), ctx.state.requestId);
      return undefined;
    });
  }

  /** Answers a thrown problem in the client's format; anything else is a 500 with a logged request id. */
  const fail = (ctx: Koa.Context, error: unknown): void => {
    if (error instanceof HttpProblem) return respondProblem(ctx, error, ctx.state.requestId);
    const id = (ctx.state.requestId as string | undefined) ?? nextId();
    writeError(`${JSON.stringify({ level: 'error', id, method: ctx.method, path: ctx.originalUrl, error: (error as Error).stack ?? String(error) })}\n`);
    respondProblem(ctx, new HttpProblem(500, `the server failed to answer; quote request id ${id} when reporting it`), id);
  };

  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) throw new HttpProblem(404, `nothing is published at ${ctx.path}`);
    } catch (error) {
      fail(ctx, error);
    }
  });

  app.use((ctx, next) => {
    if (ctx.originalUrl.length > limits.maxUrlLength) throw new HttpProblem(414, `the URL is longer than ${limits.maxUrlLength} bytes`);
    const length = ctx.get('Content-Length');
    if ((length !== '' && Number(length) > limits.maxBodyBytes) || (ctx.get('Transfer-Encoding') !== '' && ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
      // The body is never read; closing the connection saves draining it.
      ctx.res.shouldKeepAlive = false;
      throw new HttpProblem(413, `request bodies are not accepted here (limit ${limits.maxBodyBytes} bytes)`);
    }
    return next();
  });

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const site = holder.get();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = site && !holder.stopping ? 200 : 503;
    ctx.body = { status: holder.stopping ? 'stopping' : site ? 'ready' : 'starting', resources: site?.size ?? 0 };
  });
  router.get('/{*path}', (ctx) => {
    const site = holder.get();
    if (!site) throw new HttpProblem(503, 'the site is still being built; retry shortly', { 'Retry-After': '1' });
    const query = new URLSearchParams(ctx.querystring);
    const format = parseFormat(query.get('format'));
    const path = format ? formatPath(ctx.path, format) : ctx.path;
    let entry = prepared.lookup(site, path);
    if (!entry) {
      const target = format ? undefined : movedTo(path, (candidate) => site.has(candidate));
      if (target === undefined) throw new HttpProblem(404, format ? `no ${format} feed is published at ${ctx.path}` : `nothing is published at ${ctx.path}`);
      ctx.status = 301;
      ctx.set('Cache-Control', `public, max-age=${options.maxAge ?? 300}`);
      ctx.redirect(`${origin(ctx)}${target}${ctx.search}`);
      return;
    }
    const { limited } = entry.resource;
    const limit = limited ? parseLimit(query.get('limit')) : undefined;
    if (limited && limit !== undefined) entry = prepared.variant(site, `${path}?limit=${limit}`, () => limited(limit));
    const coding = negotiate(ctx.req.headers['accept-encoding']);
    if (coding === null) throw new HttpProblem(406, 'this resource is available as br, gzip or identity, and the request refused all three');
    ctx.state.bytes = send(ctx.req, ctx.res, entry.variants[coding], entry.resource.lastModified);
    ctx.respond = false;
  });
  router.options('/{*path}', (ctx) => {
    ctx.status = 204;
    ctx.set('Allow', ALLOW);
    const requested = ctx.get('Access-Control-Request-Method');
    if (ctx.get('Origin') && requested) {
      // A CORS preflight: any origin may read with GET/HEAD and send conditional headers.
      ctx.set('Access-Control-Allow-Origin', '*');
      ctx.set('Access-Control-Allow-Methods', ALLOW);
      const headers = ctx.get('Access-Control-Request-Headers');
      if (/^[\w-]+(?:\s*,\s*[\w-]+)*$/.test(headers)) ctx.set('Access-Control-Allow-Headers', headers);
      ctx.set('Access-Control-Max-Age', '86400');
    }
  });
  app.use(router.routes());
  const notAllowed = (): HttpProblem => new HttpProblem(405, `only ${ALLOW} are allowed here`, { Allow: ALLOW });
  app.use(router.allowedMethods({ throw: true, methodNotAllowed: notAllowed, notImplemented: notAllowed }));
  // Koa's own error printer is never reached for requests; keep it from printing client errors.
  app.silent = true;
  return app;
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/**
 * The request's own origin for absolute Location headers (X-Forwarded-Proto
 * and -Host when the proxy is trusted), or "" (a relative Location) when the
 * host is not a plain host name, so a forged Host cannot inject anything.
 */
function origin(ctx: Koa.Context): string {
  return /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(ctx.host) ? `${ctx.protocol}://${ctx.host}` : '';
}

/**
 * The last response begun on a connection. Responses on a connection are
 * sent in order, so once this one is flushed, all are. One property store per
 * request; shutdown listens to the few responses in flight only then, rather
 * than every request paying for a 'close' listener.
 */
const LAST_RESPONSE = Symbol('last response');
type TrackedSocket = Socket & { [LAST_RESPONSE]: ServerResponse | undefined };

/** Open connections, for a shutdown that cuts no response short. */
type Connections = Set<TrackedSocket>;
const tracked = new WeakMap<Server, Connections>();

/**
 * A Node server for the app with the limits set: header and request
 * timeouts against slow clients, a bounded request head, HTTP keep-alive on.
 * A request head over the limit is answered 431 here, before Koa sees it.
 */
export function listen(app: Koa, port: number, host: string, limits: Partial<ServerLimits> = {}): Promise<Server> {
  const bounds: ServerLimits = { ...DEFAULT_LIMITS, ...limits };
  const server = createServer({
    maxHeaderSize: bounds.maxHeaderSize,
    headersTimeout: bounds.headersTimeoutMs,
    requestTimeout: bounds.requestTimeoutMs,
    keepAliveTimeout: bounds.keepAliveTimeoutMs,
    // How often Node checks the two timeouts above; its default (30 s) lets a slow client overstay.
    connectionsCheckingInterval: 1000,
  });
  const connections: Connections = new Set();
  tracked.set(server, connections);
  server.on('connection', (socket: TrackedSocket) => {
    socket[LAST_RESPONSE] = undefined;
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const fast = fastPaths.get(app);
  const koa = app.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    (req.socket as TrackedSocket)[LAST_RESPONSE] = res;
    if (fast === undefined || !fast(req, res)) void koa(req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason = STATUS_CODES[status]!;
    const detail = status === 431 ? `the request head is over ${bounds.maxHeaderSize} bytes` : status === 408 ? 'the request took too long to arrive' : 'malformed HTTP request';
    const body = `${status} ${reason}: ${detail}\n`;
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Graceful stop: no new connections; idle ones closed now; each busy one
 * closed once its in-flight responses are flushed (responses begun from now
 * on say Connection: close); whatever is left after `graceMs` is cut.
 * Node's closeIdleConnections() is not enough: it counts a response whose
 * body is still flushing to a slow reader as idle, and would cut it short.
 */
export function shutdown(server: Server, holder: SiteHolder, graceMs: number = DEFAULT_LIMITS.shutdownGraceMs): Promise<void> {
  holder.stopping = true;
  const connections = tracked.get(server);
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of connections ?? []) socket.destroy();
    }, graceMs);
    const done = (): void => {
      clearTimeout(deadline);
      resolve();
    };
    if (!connections) return void server.close(done);
    // http.Server#close() would also run closeIdleConnections(); net.Server's only stops
    // accepting and calls back once every connection has ended.
    NetServer.prototype.close.call(server, done);
    for (const socket of connections) endWhenFlushed(socket);
  });
}

/**
 * Ends a connection now if its last response is flushed to the OS (or
 * aborted), else once it is; a request pipelined meanwhile is waited for too.
 */
function endWhenFlushed(socket: TrackedSocket): void {
  const last = socket[LAST_RESPONSE];
  if (last === undefined || last.writableFinished || last.destroyed) return void socket.end();
  last.once('close', () => endWhenFlushed(socket));
}
