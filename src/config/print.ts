import { getIn, type ResolvedConfig, type Source } from './resolve.js';
import { settings } from './schema.js';

export function describeSource(source: Source | undefined): string {
  switch (source?.kind) {
    case 'flag':
      return source.flag;
    case 'env':
      return `env ${source.name}`;
    case 'file':
      return `${source.file}:${source.line}`;
    default:
      return 'default';
  }
}

/** `wirefeed config`: every setting, its effective value and where that value came from. */
export function formatConfig(resolved: ResolvedConfig): string {
  const rows = settings().map(({ path, schema }) => {
    const value = getIn(resolved.config, path.split('.'));
    const shown = value === undefined ? `(${schema['x-default'] ?? 'unset'})` : JSON.stringify(value);
    return [path, describeSource(resolved.sources[path]), shown] as const;
  });
  const width = (i: 0 | 1): number => Math.max(...rows.map((row) => row[i].length));
  const header = resolved.file ? `# config file: ${resolved.file}\n` : '# no config file (wirefeed.config.json, .yaml or .yml); defaults, env and flags only\n';
  return header + rows.map(([path, source, shown]) => `${path.padEnd(width(0))}  ${source.padEnd(width(1))}  ${shown}`).join('\n') + '\n';
}

/** The same as JSON, for tools: {config, sources}. */
export function configJson(resolved: ResolvedConfig): string {
  const sources = Object.fromEntries(Object.entries(resolved.sources).map(([path, source]) => [path, describeSource(source)]));
  return `${JSON.stringify({ file: resolved.file ?? null, config: resolved.config, sources }, null, 2)}\n`;
}
