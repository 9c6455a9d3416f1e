import { expectation } from './resolve.js';
import { settings } from './schema.js';

/** The README's configuration table, generated from the schema so the two cannot disagree (test/docs.test.ts). */
export function configTable(): string {
  const code = (text: string): string => `\`${text}\``;
  const rows = settings().map(({ path, schema }) => {
    const fallback = schema['x-default']?.replace(/</g, '&lt;') ?? (schema.default === undefined ? 'unset' : code(JSON.stringify(schema.default)));
    const type = schema.type === 'array' ? 'list of strings' : schema.type === 'integer' ? expectation(schema).replace(/^a /, '') : (schema['x-expected'] ?? schema.type);
    return `| ${code(path)} | ${type} | ${fallback} | ${schema['x-flag'] ? code(schema['x-flag']) : ''} | ${schema['x-env'] ? code(schema['x-env']) : ''} | ${schema.description} |`;
  });
  return ['| key | type | default | flag | env | meaning |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const TABLE_START = '<!-- config-table:start (generated from src/config/schema.ts by npm run docs:config) -->';
export const TABLE_END = '<!-- config-table:end -->';

/** `text` with the block between the markers replaced by the current table. */
export function withConfigTable(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('the config table markers are missing');
  return `${text.slice(0, start + TABLE_START.length)}\n${configTable()}\n${text.slice(end)}`;
}
