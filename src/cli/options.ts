import { parseArgs } from 'node:util';
import { settings } from '../config/schema.js';

export class UsageError extends Error {}

/** A command line, parsed but not yet merged with the config file and env (see src/config/resolve.ts). */
export interface CommandLine {
  command: string;
  /** Config flags the user gave, by flag ("--port": "8080", "--watch": true). */
  flags: Record<string, string | boolean>;
  positionals: string[];
  configPath?: string;
  help: boolean;
  quiet: boolean;
  json: boolean;
  verbose: boolean;
  format: 'text' | 'json';
}

/** Flags that set a config value, from the schema: the one place each is named. */
const CONFIG_FLAGS = new Map(settings().flatMap(({ schema }) => (schema['x-flag'] ? [[schema['x-flag'], schema.type === 'boolean' ? 'boolean' : 'string'] as const] : [])));

const OTHER_FLAGS = {
  config: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SPEC = {
  ...Object.fromEntries([...CONFIG_FLAGS].map(([flag, type]) => [flag.slice(2), { type }])),
  ...OTHER_FLAGS,
} as Record<string, { type: 'string' | 'boolean'; short?: string }>;

const SITE = ['seeds', 'site-url', 'limit', 'hub'];
const SERVE = ['port', 'host', 'watch', 'max-age', 'trust-proxy', 'poll-limit'];

/** The flags each command takes, and how many positionals (and what they mean, for messages). */
const COMMANDS: Record<string, { flags: readonly string[]; positionals: readonly string[] }> = {
  build: { flags: [...SITE, 'out', 'config', 'quiet', 'json', 'verbose'], positionals: [] },
  serve: { flags: [...SITE, ...SERVE, 'config', 'quiet', 'verbose'], positionals: [] },
  check: { flags: ['seeds', 'config', 'format', 'verbose'], positionals: [] },
  show: { flags: ['seeds', 'site-url', 'config', 'json', 'verbose'], positionals: ['FILE'] },
  config: { flags: [...SITE, 'out', ...SERVE, 'config', 'json'], positionals: [] },
  init: { flags: [], positionals: ['[DIR]'] },
};

/** The flags a command accepts ("--port", …), for checking documented synopses against the parser. */
export function commandFlags(command: string): string[] {
  return (COMMANDS[command]?.flags ?? []).map((flag) => `--${flag}`);
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  const none: CommandLine = { command: 'help', flags: {}, positionals: [], help: true, quiet: false, json: false, verbose: false, format: 'text' };
  if (!command || command === '--help' || command === '-h' || command === 'help') return none;
  if (command === '--version' || command === 'version') return { ...none, command: 'version', help: false };
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: SPEC, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  for (const key of Object.keys(values)) {
    if (key !== 'help' && !spec.flags.includes(key)) throw new UsageError(`option --${key} does not apply to "${command}"`);
  }
  const required = spec.positionals.filter((p) => !p.startsWith('[')).length;
  if (values.help !== true && (positionals.length < required || positionals.length > spec.positionals.length)) {
    throw new UsageError(`"${command}" takes ${spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ')}, got ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ')}`);
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const flags: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(values)) if (CONFIG_FLAGS.has(`--${key}`) && value !== undefined) flags[`--${key}`] = value as string | boolean;
  return {
    command,
    flags,
    positionals,
    ...(values.config !== undefined ? { configPath: values.config as string } : {}),
    help: values.help === true,
    quiet: values.quiet === true,
    json: values.json === true,
    verbose: values.verbose === true,
    format,
  };
}

export const USAGE = `Usage:
  wirefeed build [--seeds DIR] [--out DIR] [--site-url URL] [--limit N] [--hub URL]
                 [--quiet] [--json]
  wirefeed serve [--seeds DIR] [--port N] [--host H] [--site-url URL] [--limit N]
                 [--watch] [--max-age S] [--trust-proxy] [--poll-limit N[/S]] [--hub URL]
  wirefeed init [DIR]          create a project that builds and serves at once
  wirefeed check [--format json]  check the config and every document; writes nothing
  wirefeed show FILE           how one document becomes an item, and why
  wirefeed config [--json]     the effective settings and where each came from
Every command but init also takes --config PATH and --verbose.

  --seeds DIR      documents to publish (default: seeds)
  --out DIR        where build writes the static site (default: feeds)
  --site-url URL   absolute URL the site is served from (default: http://localhost:<port>)
  --limit N        items in each subscription feed, 0 for all (default: 50)
  --hub URL        WebSub hub: every feed links it, and it is told which feeds changed
                   after each build (default: $WIREFEED_HUB or off)
  --port N         port to listen on (default: $PORT or 3000)
  --host H         address to listen on (default: $HOST or 127.0.0.1)
  --watch          rebuild and swap the site when seeds change ($WIREFEED_WATCH=1)
  --max-age S      Cache-Control max-age in seconds (default: $WIREFEED_MAX_AGE or 300)
  --trust-proxy    honour X-Forwarded-Proto/-Host/-For ($WIREFEED_TRUST_PROXY=1)
  --poll-limit N   answer 429 beyond N requests per client per minute, or N/S per S
                   seconds (default: $WIREFEED_POLL_LIMIT or off)
  --config PATH    settings file (default: wirefeed.config.json, .yaml or .yml if present)
  --quiet          no progress and no summary line (errors are still printed)
  --json           build: print the summary as JSON; show, config: print JSON
  --verbose        more detail on errors

Settings: flags override environment variables, which override the config file,
which overrides the defaults; "wirefeed config" shows the result.
Exit codes: 0 success, 1 some documents failed (the others are published) or
check found problems, 2 bad usage or configuration.
`;
