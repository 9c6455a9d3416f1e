import { ConfigError } from '../config/file.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_SECTIONS } from '../enrich/section.js';
import { formatProblem, type Problem } from './locate.js';
import { buildFromConfig, SeedsError } from './site.js';

interface CheckProblem extends Problem {
  severity: 'error' | 'warning';
}

/**
 * `wirefeed check`: builds the whole site in memory (no cache, no files) and
 * reports every problem with its file and line. Exit 1 when there is any
 * error, so CI can gate on it; warnings alone exit 0.
 */
export async function check(config: Config | ConfigError, env: NodeJS.ProcessEnv, cwd: string, format: 'text' | 'json'): Promise<number> {
  const problems: CheckProblem[] = [];
  let documents = 0;
  if (config instanceof ConfigError) {
    problems.push(...config.problems.map((message) => ({ ...splitLocation(message), severity: 'error' as const })));
  } else {
    const unknown = config.taxonomy.sections.filter((name) => !DEFAULT_SECTIONS.includes(name));
    if (unknown.length > 0) {
      problems.push({
        file: 'config',
        message: `taxonomy.sections: the classifier was not trained on ${unknown.map((s) => `"${s}"`).join(', ')}, so no item is filed there (only as taxonomy.fallback or from front matter)`,
        hint: `the trained sections are ${DEFAULT_SECTIONS.join(', ')}`,
        severity: 'warning',
      });
    }
    try {
      const built = await buildFromConfig(config, env, cwd, { cache: false });
      // The site renders its files when they are read: check renders them all, as a build would.
      for (const resource of built.result.site.values()) void resource.body;
      documents = built.documents;
      problems.push(...built.problems.map((problem) => ({ ...problem, severity: 'error' as const })));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems.map((message) => ({ ...splitLocation(message), severity: 'error' as const })));
      else if (error instanceof SeedsError) problems.push({ file: config.seeds, message: error.message, severity: 'error' });
      else throw error;
    }
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ok: errors === 0, documents, errors, warnings: problems.length - errors, problems }, null, 2)}\n`);
  } else {
    for (const problem of problems) process.stdout.write(`${formatProblem(problem)}${problem.severity === 'warning' ? ' (warning)' : ''}\n`);
    process.stdout.write(`${errors === 0 ? 'OK' : 'Problems found'}: ${documents} document${documents === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}

/** Config messages read "file:line: message"; tools want the parts. */
function splitLocation(message: string): Problem {
  const match = /^([^\s:]+):(\d+): (.*)$/s.exec(message);
  return match ? { file: match[1]!, line: Number(match[2]), message: match[3]! } : { file: 'config', message };
}
