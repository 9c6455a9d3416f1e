import { parseArgs } from 'node:util';
import type { LogFormat } from '../publish/http/log.js';
import { parsePollLimit, type PollLimit } from '../publish/http/poll-limit.js';

export class UsageError extends Error {}

/** Options of `build` and `serve`, after defaults. Documented in the README's CLI table. */
export interface CliOptions {
  seeds: string;
  out: string;
  siteUrl: string;
  limit: number;
  port: number;
  host: string;
  /** serve: rebuild and swap the site when files in `seeds` change. */
  watch: boolean;
  /** serve: Cache-Control max-age in seconds. */
  maxAge: number;
  /** serve: honour X-Forwarded-Proto/-Host/-For. */
  trustProxy: boolean;
  /** serve: per-client request limit; undefined is off. */
  pollLimit?: PollLimit;
  /** serve: access log format; undefined picks one from the environment. */
  accessLog?: LogFormat;
  /** WebSub hub every feed names and that is told about changed feeds; undefined is off. */
  hub?: string;
}

const SPEC = {
  seeds: { type: 'string' },
  out: { type: 'string' },
  'site-url': { type: 'string' },
  limit: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  watch: { type: 'boolean' },
  'max-age': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'poll-limit': { type: 'string' },
  hub: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  build: ['seeds', 'out', 'site-url', 'limit', 'hub', 'help'],
  serve: ['seeds', 'port', 'host', 'site-url', 'limit', 'watch', 'max-age', 'trust-proxy', 'poll-limit', 'hub', 'help'],
};

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): { command: string; options: CliOptions; help: boolean } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return { command: 'help', options: defaults(env, 3000), help: true };
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${command}"`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...rest], options: SPEC, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`option --${key} does not apply to "${command}"`);
  }
  const port = integer('--port', (values.port as string | undefined) ?? env.PORT, 3000, 0, 65535);
  const base = defaults(env, port);
  const siteUrl = (values['site-url'] as string | undefined) ?? base.siteUrl;
  return {
    command,
    help: values.help === true,
    options: {
      seeds: (values.seeds as string | undefined) ?? base.seeds,
      out: (values.out as string | undefined) ?? base.out,
      siteUrl: checkUrl(siteUrl),
      limit: integer('--limit', values.limit as string | undefined, 50, 0, 1_000_000),
      port,
      host: (values.host as string | undefined) ?? env.HOST ?? base.host,
      watch: values.watch === true || flag(env.WIREFEED_WATCH),
      maxAge: integer('--max-age', (values['max-age'] as string | undefined) ?? env.WIREFEED_MAX_AGE, 300, 0, 31_536_000),
      trustProxy: values['trust-proxy'] === true || flag(env.WIREFEED_TRUST_PROXY),
      ...pollLimit((values['poll-limit'] as string | undefined) ?? env.WIREFEED_POLL_LIMIT),
      ...accessLog(env.WIREFEED_ACCESS_LOG),
      ...hub((values.hub as string | undefined) ?? env.WIREFEED_HUB),
    },
  };
}

function flag(raw: string | undefined): boolean {
  return raw !== undefined && /^(?:1|true|yes|on)$/i.test(raw);
}

function pollLimit(raw: string | undefined): { pollLimit?: PollLimit } {
  if (raw === undefined || raw === '' || raw === '0') return {};
  const limit = parsePollLimit(raw);
  if (!limit) throw new UsageError(`--poll-limit must be N (requests per minute per client) or N/SECONDS, got "${raw}"`);
  return { pollLimit: limit };
}

function accessLog(raw: string | undefined): { accessLog?: LogFormat } {
  if (raw === undefined || raw === '') return {};
  if (raw !== 'json' && raw !== 'text' && raw !== 'off') throw new UsageError(`WIREFEED_ACCESS_LOG must be json, text or off, got "${raw}"`);
  return { accessLog: raw };
}

function hub(raw: string | undefined): { hub?: string } {
  if (raw === undefined || raw === '') return {};
  return { hub: absoluteUrl('--hub', raw) };
}

function defaults(env: NodeJS.ProcessEnv, port: number): CliOptions {
  return { seeds: 'seeds', out: 'feeds', siteUrl: `http://localhost:${port}`, limit: 50, port, host: env.HOST ?? '127.0.0.1', watch: false, maxAge: 300, trustProxy: false };
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** The site URL prefixes every link in every feed, so it must be absolute; a trailing slash is dropped. */
function checkUrl(raw: string): string {
  return absoluteUrl('--site-url', raw).replace(/\/+$/, '');
}

function absoluteUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name} must use http or https, got "${raw}"`);
  return url.href;
}

export const USAGE = `Usage:
  wirefeed build [--seeds DIR] [--out DIR] [--site-url URL] [--limit N] [--hub URL]
  wirefeed serve [--seeds DIR] [--port N] [--host H] [--site-url URL] [--limit N]
                 [--watch] [--max-age S] [--trust-proxy] [--poll-limit N[/S]] [--hub URL]

  --seeds DIR      documents to publish (default: seeds)
  --out DIR        where build writes the static site (default: feeds)
  --site-url URL   absolute URL the site is served from (default: http://localhost:<port>)
  --limit N        items in each subscription feed, 0 for all (default: 50)
  --port N         port to listen on (default: $PORT or 3000)
  --host H         address to listen on (default: $HOST or 127.0.0.1)
  --watch          rebuild and swap the site when seeds change ($WIREFEED_WATCH=1)
  --max-age S      Cache-Control max-age in seconds (default: $WIREFEED_MAX_AGE or 300)
  --trust-proxy    honour X-Forwarded-Proto/-Host/-For ($WIREFEED_TRUST_PROXY=1)
  --poll-limit N   answer 429 beyond N requests per client per minute, or N/S per S
                   seconds (default: $WIREFEED_POLL_LIMIT or off)
  --hub URL        WebSub hub: every feed links it, and it is told which feeds changed
                   after each build (default: $WIREFEED_HUB or off)

Exit codes: 0 success, 1 some documents failed (the others are published), 2 bad usage.
`;
