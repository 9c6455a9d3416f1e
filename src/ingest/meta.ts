// One function per import: the package's index loads all of date-fns (about 90 ms).
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';
import type { DeclaredMeta } from '../types.js';

export class MetaError extends Error {}

/**
 * Checks author-declared metadata (front matter or a sidecar) field by field,
 * so a wrong type is reported with its key instead of leaking into a feed.
 * Unknown keys are ignored: front matter often carries fields for other tools.
 */
export function parseDeclaredMeta(raw: unknown, where: string): DeclaredMeta {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new MetaError(`${where}: expected a mapping of fields, got ${describe(raw)}`);
  const data = raw as Record<string, unknown>;
  const meta: DeclaredMeta = {};
  const str = (key: string): string | undefined => {
    const value = data[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') throw new MetaError(`${where}: "${key}" must be a string, got ${describe(value)}`);
    return value.trim() || undefined;
  };
  const list = (key: string): string[] | undefined => {
    const value = data[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw new MetaError(`${where}: "${key}" must be a list of strings, got ${describe(value)}`);
    }
    return value.map((v) => String(v).trim()).filter(Boolean);
  };
  const date = (key: string): Date | undefined => {
    const value = data[key];
    if (value === undefined || value === null) return undefined;
    const parsed = parseDate(value);
    if (!parsed) throw new MetaError(`${where}: "${key}" is not a valid date (${describe(value)}); use ISO 8601, e.g. 2024-01-31T09:00:00Z`);
    return parsed;
  };
  const assign = <K extends keyof DeclaredMeta>(key: K, value: DeclaredMeta[K] | undefined): void => {
    if (value !== undefined) meta[key] = value;
  };
  assign('id', str('id'));
  assign('title', str('title'));
  assign('date', date('date'));
  assign('updated', date('updated'));
  assign('summary', str('summary') ?? str('description'));
  const categories = list('categories') ?? list('category') ?? list('section');
  assign('section', categories?.[0]);
  assign('tags', list('tags'));
  assign('author', str('author'));
  assign('language', str('language') ?? str('lang'));
  assign('image', str('image'));
  assign('url', str('url'));
  return meta;
}

/**
 * YAML gives Date objects for unquoted timestamps and strings otherwise.
 * Dates without a zone are read as UTC so every machine gets the same instant.
 */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return isValid(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const parsed = parseISO(hasZone || !text.includes('T') ? text : `${text}Z`);
  if (!isValid(parsed)) return undefined;
  // parseISO reads a bare date as local midnight; pin it to UTC midnight instead.
  return text.length === 10 ? new Date(`${text}T00:00:00Z`) : parsed;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (value instanceof Date) return 'an invalid date';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

/**
 * The named fields of `source` that hold a value (not undefined and not ""), and
 * only those: under exactOptionalPropertyTypes an optional field is absent, never undefined.
 */
export function presentFields<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined && source[key] !== '') out[key] = source[key];
  return out;
}
