import Router from '@koa/router';
import Koa from 'koa';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { notModified } from './conditional.js';
import { HttpProblem, respondProblem } from './http/errors.js';
import { DEFAULT_LIMITS, type ServerLimits } from './http/limits.js';
import { defaultLogFormat, formatAccess, requestIds, type LogFormat } from './http/log.js';
import { memoizedNegotiation } from './http/negotiate.js';
import { pollLimiter, type PollLimit } from './http/poll-limit.js';
import { movedTo, parseFormat, parseLimit, formatPath } from './http/query.js';
import { PreparedSite, type Prepared } from './http/responses.js';
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

/**
 * The Koa app. Every body, ETag and header array is computed once per site
 * version; the first middleware answers a plain GET or HEAD of a published
 * path by writing those directly to the socket, and everything else (query
 * variants, redirects, health, OPTIONS, errors) goes through @koa/router.
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

  if (logFormat !== 'off') {
    const write = options.writeLog ?? ((line: string) => process.stdout.write(line));
    app.use((ctx, next) => {
      const start = performance.now();
      const id = nextId();
      ctx.state.requestId = id;
      ctx.res.once('close', () => {
        const bytes = (ctx.state.bytes as number | undefined) ?? (ctx.method === 'HEAD' || ctx.status === 304 ? 0 : (ctx.response.length ?? 0));
        const ms = Math.round((performance.now() - start) * 100) / 100;
        write(formatAccess({ method: ctx.method, path: ctx.originalUrl, status: ctx.res.statusCode, bytes, ms, id }, logFormat));
      });
      return next();
    });
  }

  if (options.pollLimit) {
    const over = pollLimiter(options.pollLimit);
    app.use((ctx, next) => {
      if (HEALTH_PATHS.has(ctx.path)) return next();
      const wait = over(ctx.ip);
      if (wait === undefined) return next();
      respondProblem(ctx, new HttpProblem(429, `too many requests from this client; retry in ${wait} s`, { 'Retry-After': String(wait) }), ctx.state.requestId);
      return undefined;
    });
  }

  /** Writes a prepared resource, or returns false when the client accepts none of its codings (406). */
  const send = (req: IncomingMessage, res: ServerResponse, entry: Prepared, state: Record<string, unknown>): boolean => {
    const coding = negotiate(req.headers['accept-encoding']);
    if (coding === null) return false;
    const variant = entry.variants[coding];
    const headers = req.headers;
    // Preconditions apply only to a 2xx answer (RFC 9110 §13.2.1); a 410 page is sent as it is.
    if (variant.status === 200 && notModified(headers['if-none-match'], headers['if-modified-since'], variant.etag, entry.resource.lastModified)) {
      res.writeHead(304, variant.notModifiedHeaders);
      res.end();
      state.bytes = 0;
      return true;
    }
    res.writeHead(variant.status, variant.headers);
    if (req.method === 'HEAD') {
      res.end();
      state.bytes = 0;
    } else {
      res.end(variant.body);
      state.bytes = variant.body.length;
    }
    return true;
  };

  /** Answers a thrown problem in the client's format; anything else is a 500 with a logged request id. */
  const fail = (ctx: Koa.Context, error: unknown): void => {
    if (error instanceof HttpProblem) return respondProblem(ctx, error, ctx.state.requestId);
    // Koa's URL parsing decodes some targets (e.g. "//%e2%82@") and throws on bad escapes: the client's fault.
    if (error instanceof URIError) return respondProblem(ctx, new HttpProblem(400, 'the URL has an invalid percent-encoding'), ctx.state.requestId);
    const id = (ctx.state.requestId as string | undefined) ?? nextId();
    writeError(`${JSON.stringify({ level: 'error', id, method: ctx.method, path: ctx.originalUrl, error: (error as Error).stack ?? String(error) })}\n`);
    respondProblem(ctx, new HttpProblem(500, `the server failed to answer; quote request id ${id} when reporting it`), id);
  };

  // The hot path: no URL parsing, no header work, one Map lookup. Synchronous, so a
  // plain try/catch (no promise) guards it.
  app.use((ctx, next) => {
    const { req } = ctx;
    try {
      if (holder.stopping) ctx.res.shouldKeepAlive = false;
      if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url!.length > limits.maxUrlLength) return next();
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return next();
      const site = holder.get();
      const entry = site && prepared.lookup(site, req.url!);
      if (!entry || !send(req, ctx.res, entry, ctx.state)) return next();
      ctx.respond = false;
    } catch (error) {
      fail(ctx, error);
    }
    return undefined;
  });

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
    if (!send(ctx.req, ctx.res, entry, ctx.state)) throw new HttpProblem(406, 'this resource is available as br, gzip or identity, and the request refused all three');
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

/**
 * The request's own origin for absolute Location headers (X-Forwarded-Proto
 * and -Host when the proxy is trusted), or "" (a relative Location) when the
 * host is not a plain host name, so a forged Host cannot inject anything.
 */
function origin(ctx: Koa.Context): string {
  return /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(ctx.host) ? `${ctx.protocol}://${ctx.host}` : '';
}

/** Open connections and the responses in flight on each, for a shutdown that cuts no response short. */
interface Connections {
  open: Set<Socket>;
  busy: Map<Socket, number>;
  draining: boolean;
}
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
  const connections: Connections = { open: new Set(), busy: new Map(), draining: false };
  tracked.set(server, connections);
  server.on('connection', (socket: Socket) => {
    connections.open.add(socket);
    socket.once('close', () => connections.open.delete(socket));
  });
  // Registered before the app, so that a response answered synchronously is counted too.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { socket } = req;
    connections.busy.set(socket, (connections.busy.get(socket) ?? 0) + 1);
    // 'close' comes once the response is flushed to the OS, or aborted.
    res.once('close', () => {
      const left = (connections.busy.get(socket) ?? 1) - 1;
      if (left > 0) return void connections.busy.set(socket, left);
      connections.busy.delete(socket);
      if (connections.draining) socket.end();
    });
  });
  server.on('request', app.callback());
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
      for (const socket of connections?.open ?? []) socket.destroy();
    }, graceMs);
    const done = (): void => {
      clearTimeout(deadline);
      resolve();
    };
    if (!connections) return void server.close(done);
    connections.draining = true;
    // http.Server#close() would also run closeIdleConnections(); net.Server's only stops
    // accepting and calls back once every connection has ended.
    NetServer.prototype.close.call(server, done);
    for (const socket of connections.open) if (!connections.busy.has(socket)) socket.end();
  });
}
