import { relative, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigError, findConfigFile, readConfigFile, type ConfigFile } from './file.js';
import { CONFIG_SCHEMA, settings, type Config, type GroupSchema, type Setting, type SettingSchema } from './schema.js';
import { validateConfig } from './validators.generated.js';

/** Where one effective value came from; the layers in order of precedence: flag > env > file > default. */
export type Source = { kind: 'flag'; flag: string } | { kind: 'env'; name: string } | { kind: 'file'; file: string; line: number } | { kind: 'default' };

export interface ConfigInputs {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Command-line values by flag ("--port": "8080", "--watch": true); only flags the user gave. */
  flags: Readonly<Record<string, string | boolean>>;
  /** --config PATH, if given. */
  configPath?: string;
}

export interface ResolvedConfig {
  config: Config;
  /** Source of every setting, by key path ("site.url"). */
  sources: Record<string, Source>;
  /** The config file read, if any. */
  file?: string;
}

const validate = validateConfig as unknown as ValidateFunction;

const SETTINGS = settings();

/** Reads the config file (if any), layers env and flags over it, validates the result and fills in defaults. */
export function loadConfig(inputs: ConfigInputs): ResolvedConfig {
  const path = findConfigFile(inputs.cwd, inputs.configPath);
  const file = path === undefined ? undefined : readConfigFile(inputs.cwd, path);
  return resolveConfig(inputs, file);
}

export function resolveConfig(inputs: ConfigInputs, file: ConfigFile | undefined): ResolvedConfig {
  // Start from the file's own data, unknown keys included, so the schema reports them.
  const candidate = structuredClone(file?.data ?? {});
  const sources: Record<string, Source> = {};
  for (const setting of SETTINGS) {
    const keys = setting.path.split('.');
    const flag = setting.schema['x-flag'];
    const envName = setting.schema['x-env'];
    const fromFile = getIn(file?.data, keys);
    if (flag !== undefined && inputs.flags[flag] !== undefined) {
      setIn(candidate, keys, coerce(setting.schema, inputs.flags[flag]));
      sources[setting.path] = { kind: 'flag', flag };
    } else if (envName !== undefined && inputs.env[envName] !== undefined && inputs.env[envName] !== '') {
      setIn(candidate, keys, coerce(setting.schema, inputs.env[envName]));
      sources[setting.path] = { kind: 'env', name: envName };
    } else if (fromFile !== undefined && file) {
      sources[setting.path] = { kind: 'file', file: file.path, line: file.lineOf(keys) };
    } else {
      sources[setting.path] = { kind: 'default' };
    }
  }
  if (!validate(candidate)) throw new ConfigError(problems(validate.errors ?? [], candidate, sources, file));
  return { config: withDefaults(candidate, inputs.cwd, file, sources), sources, ...(file ? { file: file.path } : {}) };
}

/** Flags and env are strings; the schema says what they should become. A value that can't be converted is left for the schema to reject. */
function coerce(schema: SettingSchema, raw: string | boolean | undefined): unknown {
  if (typeof raw !== 'string') return raw;
  if (schema.type === 'integer') return /^\d+$/.test(raw) ? Number(raw) : raw;
  if (schema.type === 'number') return /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (schema.type === 'boolean') {
    if (/^(?:1|true|yes|on)$/i.test(raw)) return true;
    if (/^(?:0|false|no|off)$/i.test(raw)) return false;
  }
  return raw;
}

function withDefaults(data: Record<string, unknown>, cwd: string, file: ConfigFile | undefined, sources: Record<string, Source>): Config {
  const config: Record<string, unknown> = {};
  for (const { path, schema } of SETTINGS) {
    const keys = path.split('.');
    let value = getIn(data, keys) ?? structuredClone(schema.default);
    if (value === undefined) continue;
    // Paths in the file are relative to the file, so a project can be built from any folder.
    if (schema['x-path'] && sources[path]?.kind === 'file' && file) value = fromFile(cwd, file.dir, value as string | string[]);
    setIn(config, keys, value);
  }
  const result = config as unknown as Config;
  result.site.url = (result.site.url ?? `http://localhost:${result.serve.port}`).replace(/\/+$/, '');
  return result;
}

function fromFile(cwd: string, dir: string, value: string | string[]): string | string[] {
  const one = (p: string): string => relative(cwd, resolve(dir, p)) || '.';
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** One message per wrong setting: where it was set, its key path, what was expected, what was found. */
function problems(errors: readonly ErrorObject[], data: unknown, sources: Record<string, Source>, file: ConfigFile | undefined): string[] {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const error of errors) {
    const keys = error.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const group = schemaAt(keys) as GroupSchema;
      const path = [...keys, extra].join('.');
      if (seen.has(path)) continue;
      seen.add(path);
      const known = Object.keys(group.properties).filter((k) => k !== '$schema');
      messages.push(`${file?.path ?? 'config'}:${file?.lineOf([...keys, extra]) ?? 1}: "${path}" is not a setting${suggest(extra, known)}; known keys here: ${known.join(', ')}`);
      continue;
    }
    // Errors inside a list or below a setting belong to the setting.
    const setting = SETTINGS.find((s) => keys.join('.') === s.path || keys.join('.').startsWith(`${s.path}.`));
    const path = setting?.path ?? keys.join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    const value = getIn(data, path.split('.'));
    const requirement = setting ? requirementOf(setting.schema, value) : 'must be an object of settings';
    messages.push(`${where(path, setting, sources, file)} ${requirement}, got ${JSON.stringify(value)}`);
  }
  return messages;
}

function where(path: string, setting: Setting | undefined, sources: Record<string, Source>, file: ConfigFile | undefined): string {
  const source = setting ? sources[setting.path] : undefined;
  if (source?.kind === 'flag') return source.flag;
  if (source?.kind === 'env') return `environment variable ${source.name} (${path})`;
  return `${file?.path ?? 'config'}:${file?.lineOf(path.split('.')) ?? 1}: ${path}`;
}

/** "must be …" in words from the schema; a URL with another scheme is told what is wrong with it. */
function requirementOf(schema: SettingSchema, value: unknown): string {
  if (schema.pattern?.startsWith('^https?://') && typeof value === 'string' && URL.canParse(value) && !/^https?:$/.test(new URL(value).protocol)) return 'must use http or https';
  return `must be ${expectation(schema)}`;
}

/** The expected type in words, from the schema. */
export function expectation(schema: SettingSchema): string {
  if (schema.type === 'integer') return `a whole number from ${schema.minimum ?? 0} to ${schema.maximum ?? Number.MAX_SAFE_INTEGER}`;
  if (schema['x-expected']) return schema['x-expected'];
  if (schema.type === 'boolean') return 'true or false';
  return `a ${schema.type}`;
}

function suggest(key: string, known: readonly string[]): string {
  const close = known.find((k) => distance(k.toLowerCase(), key.toLowerCase().replace(/[-_]/g, '')) <= 2);
  return close ? ` (did you mean "${close}"?)` : '';
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function schemaAt(keys: readonly string[]): GroupSchema | SettingSchema {
  let node: GroupSchema | SettingSchema = CONFIG_SCHEMA;
  for (const key of keys) if (node.type === 'object') node = node.properties[key] ?? node;
  return node;
}

export function getIn(data: unknown, keys: readonly string[]): unknown {
  let node = data;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setIn(data: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = data;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    // A non-object where a group belongs is the file's error; keep it so the schema reports it.
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (next !== undefined) return;
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
