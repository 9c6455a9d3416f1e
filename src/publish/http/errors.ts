import { STATUS_CODES } from 'node:http';
import type { Context } from 'koa';
import { escapeMarkup } from '../../text/escape.js';

/** An answer the client caused (4xx) or a server state (503): status, a short message, extra headers. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type ErrorFormat = 'json' | 'html' | 'text';

/** The error body format the client asked for: JSON for API clients, HTML for browsers, else plain text. */
export function errorFormat(accept: string | undefined): ErrorFormat {
  if (!accept) return 'text';
  const json = /\bapplication\/(?:[\w.+-]*\+)?json\b/i.exec(accept)?.index ?? Infinity;
  const html = /\btext\/html\b/i.exec(accept)?.index ?? Infinity;
  if (json === Infinity && html === Infinity) return 'text';
  // The type named first wins; browsers list text/html first, fetch() callers their API type.
  return json < html ? 'json' : 'html';
}

/** A short error body: status, reason phrase and message; never a stack trace. */
export function errorBody(status: number, message: string, format: ErrorFormat, requestId?: string): { type: string; body: string } {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (format === 'json') {
    return { type: 'application/json; charset=utf-8', body: `${JSON.stringify({ status, error: reason, message, ...(requestId ? { requestId } : {}) })}\n` };
  }
  if (format === 'html') {
    const title = `${status} ${escapeMarkup(reason)}`;
    return {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/style.css"></head>\n<body><main><h1>${title}</h1><p>${escapeMarkup(message)}</p><p><a href="/">Home</a></p></main></body></html>\n`,
    };
  }
  return { type: 'text/plain; charset=utf-8', body: `${status} ${reason}: ${message}\n` };
}

/** Writes a problem as the response through Koa (which drops the body of a HEAD). */
export function respondProblem(ctx: Context, problem: HttpProblem, requestId?: string): void {
  const { type, body } = errorBody(problem.status, problem.message, errorFormat(ctx.get('Accept') || undefined), requestId);
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (requestId) ctx.set('X-Request-Id', requestId);
  ctx.type = type;
  ctx.body = body;
}
