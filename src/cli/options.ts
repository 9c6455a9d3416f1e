import { parseArgs } from 'node:util';

export class UsageError extends Error {}

/** Options of `build` and `serve`, after defaults. Documented in the README's CLI table. */
export interface CliOptions {
  seeds: string;
  out: string;
  siteUrl: string;
  limit: number;
  port: number;
  host: string;
}

const SPEC = {
  seeds: { type: 'string' },
  out: { type: 'string' },
  'site-url': { type: 'string' },
  limit: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  build: ['seeds', 'out', 'site-url', 'limit', 'help'],
  serve: ['seeds', 'port', 'host', 'site-url', 'limit', 'help'],
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
    },
  };
}

function defaults(env: NodeJS.ProcessEnv, port: number): CliOptions {
  return { seeds: 'seeds', out: 'feeds', siteUrl: `http://localhost:${port}`, limit: 50, port, host: env.HOST ?? '127.0.0.1' };
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** The site URL prefixes every link in every feed, so it must be absolute; a trailing slash is dropped. */
function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--site-url must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--site-url must use http or https, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

export const USAGE = `Usage:
  wirefeed build [--seeds DIR] [--out DIR] [--site-url URL] [--limit N]
  wirefeed serve [--seeds DIR] [--port N] [--host H] [--site-url URL] [--limit N]

  --seeds DIR      documents to publish (default: seeds)
  --out DIR        where build writes the static site (default: feeds)
  --site-url URL   absolute URL the site is served from (default: http://localhost:<port>)
  --limit N        items in each subscription feed, 0 for all (default: 50)
  --port N         port to listen on (default: $PORT or 3000)
  --host H         address to listen on (default: $HOST or 127.0.0.1)

Exit codes: 0 success, 1 some documents failed (the others are published), 2 bad usage.
`;
