import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/file.js';
import { configJson, formatConfig } from '../config/print.js';
import { loadConfig, type ResolvedConfig } from '../config/resolve.js';
import { parseCommandLine, UsageError, USAGE, type CommandLine } from './options.js';
import { SeedsError } from './seeds-error.js';

/** Runs one command and returns the exit code; user errors are messages, never stack traces. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Promise<number> {
  let line: CommandLine | undefined;
  try {
    line = parseCommandLine(argv);
    if (line.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    return await run(line, env, cwd);
  } catch (error) {
    return report(error, line?.verbose ?? argv.includes('--verbose'));
  }
}

async function run(line: CommandLine, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  if (line.command === 'version') {
    process.stdout.write(`${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  // Commands load the pipeline (the tagger, the models) only when they run it, so help, usage errors and init answer at once.
  if (line.command === 'init') return (await import('./init.js')).init(line.positionals[0] ?? '.', cwd, new Date());
  const load = (): ResolvedConfig => loadConfig({ cwd, env, flags: line.flags, ...(line.configPath !== undefined ? { configPath: line.configPath } : {}) });
  if (line.command === 'check') {
    // check reports a broken config as its findings, in its own format.
    let resolved: ResolvedConfig | ConfigError;
    try {
      resolved = load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      resolved = error;
    }
    return (await import('./check.js')).check(resolved instanceof ConfigError ? resolved : resolved.config, env, cwd, line.format);
  }
  const resolved = load();
  switch (line.command) {
    case 'config':
      process.stdout.write(line.json ? configJson(resolved) : formatConfig(resolved));
      return 0;
    case 'build':
      return (await import('./build.js')).build(resolved.config, env, cwd, { quiet: line.quiet, json: line.json });
    case 'serve':
      return (await import('./serve.js')).serve(resolved.config, env, cwd, { quiet: line.quiet });
    case 'show':
      return (await import('./show.js')).show(line.positionals[0]!, resolved.config, env, cwd, line.json);
    default:
      throw new UsageError(`unknown command "${line.command}"`);
  }
}

/** What went wrong and what to do; a stack trace only for Wirefeed's own bugs, and then only with --verbose. */
function report(error: unknown, verbose: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`wirefeed: ${error.message}\nRun "wirefeed --help" for the commands and their options.\n`);
  } else if (error instanceof ConfigError) {
    const [first, ...more] = error.problems;
    if (more.length === 0) process.stderr.write(`wirefeed: ${first}\n`);
    else process.stderr.write(`wirefeed: ${error.problems.length} configuration problems:\n${error.problems.map((p) => `  ${p}\n`).join('')}`);
    process.stderr.write('Fix the value and run again; "wirefeed config" lists every setting and where it comes from.\n');
  } else if (error instanceof SeedsError) {
    process.stderr.write(`wirefeed: ${error.message}\n`);
  } else {
    const err = error as NodeJS.ErrnoException;
    process.stderr.write(`wirefeed: ${err.message ?? String(error)}\n`);
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('Run again with --verbose for details.\n');
  }
  return 2;
}
