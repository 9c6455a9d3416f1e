import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Node } from 'yaml';
import { yaml } from '../load-on-use.js';

/** Names looked for in the working directory, in this order. */
export const CONFIG_NAMES = ['wirefeed.config.json', 'wirefeed.config.yaml', 'wirefeed.config.yml'] as const;

/**
 * A problem with the user's configuration or documents, worded for them:
 * where (file:line, a flag or an env variable), what is wrong, what to do.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** A config file as read: its data and the line of each key, for messages and provenance. */
export interface ConfigFile {
  /** Path as the user would write it (relative to the working directory when inside it). */
  path: string;
  /** Folder relative paths in the file are resolved against. */
  dir: string;
  data: Record<string, unknown>;
  /** 1-based line of the key at `keys` (or of the nearest enclosing key that exists). */
  lineOf(keys: readonly string[]): number;
}

/**
 * Finds the config: `explicit` (from --config) must exist; otherwise the
 * first of CONFIG_NAMES in `cwd`, or none (every setting has a default).
 */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) {
    if (!existsSync(resolve(cwd, explicit))) throw new ConfigError([`--config ${explicit}: no such file; check the path, or run "wirefeed init" to create one`]);
    return explicit;
  }
  if (existsSync(join(cwd, 'wirefeed.config.ts'))) {
    throw new ConfigError([
      'wirefeed.config.ts: TypeScript config files are not supported: Node.js 20 cannot load TypeScript without a compiler, which Wirefeed does not ship. Rename it to wirefeed.config.json or .yaml (the settings are the same; see "wirefeed config").',
    ]);
  }
  return CONFIG_NAMES.find((name) => existsSync(join(cwd, name)));
}

/** Reads and parses a JSON or YAML config file (JSON is read by the same parser, so errors have lines in both). */
export function readConfigFile(cwd: string, path: string): ConfigFile {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  return parseConfigText(text, path, resolve(full, '..'));
}

export function parseConfigText(text: string, path: string, dir: string): ConfigFile {
  if (!/\.(json|ya?ml)$/i.test(path)) throw new ConfigError([`${path}: a config file must end in .json, .yaml or .yml`]);
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => `${path}:${lines.linePos(error.pos[0]).line}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]}`),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError([`${path}:1: the file must hold an object of settings (e.g. {"site": {"title": "…"}}), not ${Array.isArray(data) ? 'a list' : typeof data}`]);
  }
  const lineOf = (keys: readonly string[]): number => {
    let node: Node | null | undefined = doc.contents;
    let line = 1;
    for (const key of keys) {
      if (!isMap(node)) break;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (!pair || !isScalar(pair.key) || !pair.key.range) break;
      line = lines.linePos(pair.key.range[0]).line;
      node = pair.value as Node | null;
    }
    return line;
  };
  return { path, dir, data: data as Record<string, unknown>, lineOf };
}
