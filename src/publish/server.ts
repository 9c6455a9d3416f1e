import Router from '@koa/router';
import Koa from 'koa';
import type { Server } from 'node:http';
import { notModified } from './conditional.js';
import type { Resource, SiteMap } from './site.js';

/** Server settings, read once at start. */
export interface ServerOptions {
  /** Seconds feed readers and caches may reuse a response (Cache-Control max-age). */
  maxAge?: number;
}

/** Holds the published set; a rebuild replaces it whole, so a request sees one version only. */
export class SiteHolder {
  constructor(private site: SiteMap) {}
  get(): SiteMap {
    return this.site;
  }
  set(site: SiteMap): void {
    this.site = site;
  }
}

/**
 * The Koa app. Every body, ETag and header value is computed when the site is
 * rendered; a request only looks up its resource and answers.
 */
export function createApp(holder: SiteHolder, options: ServerOptions = {}): Koa {
  const app = new Koa();
  const router = new Router();
  const cacheControl = `public, max-age=${options.maxAge ?? 300}`;

  const serve: Koa.Middleware = (ctx, next) => {
    const resource = holder.get().get(ctx.path);
    if (!resource) return next();
    answer(ctx, resource, cacheControl);
    return undefined;
  };
  router.get('/', serve);
  router.get('/:file', serve);
  router.get('/items/:key', serve);

  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `Not found: ${ctx.path}\n`;
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

function answer(ctx: Koa.Context, resource: Resource, cacheControl: string): void {
  ctx.set('ETag', resource.etag);
  ctx.set('Last-Modified', resource.lastModified.toUTCString());
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = resource.type;
  if (notModified(ctx.get('If-None-Match') || undefined, ctx.get('If-Modified-Since') || undefined, resource.etag, resource.lastModified)) {
    ctx.status = 304;
    return;
  }
  ctx.body = resource.body;
}

export function listen(app: Koa, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
