import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../src/config/file.js';
import { configJson, formatConfig } from '../src/config/print.js';
import { loadConfig, resolveConfig } from '../src/config/resolve.js';
import { CONFIG_SCHEMA, settings, type Config } from '../src/config/schema.js';

const project = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('gives the defaults of issue 3 without a file, env or flags', () => {
    const { config, sources, file } = loadConfig({ cwd: project({}), env: {}, flags: {} });
    expect(file).toBeUndefined();
    expect(config).toMatchObject({ seeds: 'seeds', out: 'feeds', limit: 50, site: { url: 'http://localhost:3000', title: 'Wirefeed' }, serve: { port: 3000, host: '127.0.0.1', maxAge: 300 } });
    expect(Object.values(sources).every((s) => s.kind === 'default')).toBe(true);
  });

  it('layers flags over env over the file over defaults, and says where each value came from', () => {
    const cwd = project({ 'wirefeed.config.yaml': 'limit: 10\nserve:\n  port: 4000\n  host: 10.0.0.1\nsite:\n  title: Harbour Gazette\n' });
    const { config, sources } = loadConfig({ cwd, env: { PORT: '5000', HOST: '0.0.0.0', WIREFEED_LIMIT: '20' }, flags: { '--limit': '30' } });
    expect(config.limit).toBe(30);
    expect(sources.limit).toEqual({ kind: 'flag', flag: '--limit' });
    expect(config.serve.port).toBe(5000);
    expect(sources['serve.port']).toEqual({ kind: 'env', name: 'PORT' });
    expect(config.site.title).toBe('Harbour Gazette');
    expect(sources['site.title']).toEqual({ kind: 'file', file: 'wirefeed.config.yaml', line: 6 });
    // The site URL follows the effective port unless it is set.
    expect(config.site.url).toBe('http://localhost:5000');
    expect(sources['site.url']).toEqual({ kind: 'default' });
  });

  it('reads JSON with line numbers too, and --config names any file', () => {
    const cwd = project({ 'conf/site.json': '{\n  "site": {\n    "url": "https://news.example.com/"\n  },\n  "seeds": "../docs"\n}\n' });
    const { config, sources } = loadConfig({ cwd, env: {}, flags: {}, configPath: 'conf/site.json' });
    expect(config.site.url).toBe('https://news.example.com');
    expect(sources['site.url']).toEqual({ kind: 'file', file: 'conf/site.json', line: 3 });
    // Paths in a file are relative to the file.
    expect(config.seeds).toBe('docs');
  });

  it('names the file, line, key path and expected type of every wrong value, without a stack', () => {
    const cwd = project({ 'wirefeed.config.json': '{\n  "site": {\n    "url": "example.com",\n    "titel": "x"\n  },\n  "limit": -1,\n  "serve": { "watch": "yes please" }\n}\n' });
    const problems = problemsOf(() => loadConfig({ cwd, env: {}, flags: {} }));
    expect(problems).toEqual([
      'wirefeed.config.json:4: "site.titel" is not a setting (did you mean "title"?); known keys here: title, description, url, language, author, icon, logo',
      'wirefeed.config.json:3: site.url must be an absolute http(s) URL, got "example.com"',
      'wirefeed.config.json:6: limit must be a whole number from 0 to 1000000, got -1',
      'wirefeed.config.json:7: serve.watch must be true or false, got "yes please"',
    ]);
  });

  it('names the flag or the env variable when that is where the bad value came from', () => {
    const cwd = project({});
    expect(problemsOf(() => loadConfig({ cwd, env: {}, flags: { '--limit': 'ten' } }))).toEqual(['--limit must be a whole number from 0 to 1000000, got "ten"']);
    expect(problemsOf(() => loadConfig({ cwd, env: { PORT: 'http' }, flags: {} }))).toEqual(['environment variable PORT (serve.port) must be a whole number from 0 to 65535, got "http"']);
    expect(problemsOf(() => loadConfig({ cwd, env: {}, flags: { '--hub': 'ftp://hub.example/' } }))).toEqual(['--hub must use http or https, got "ftp://hub.example/"']);
  });

  it('reports YAML syntax errors with their line, a missing --config file, and explains why .ts is not read', () => {
    expect(problemsOf(() => loadConfig({ cwd: project({ 'wirefeed.config.yml': 'site:\n  title: a\n  title: b\n' }), env: {}, flags: {} }))[0]).toMatch(/^wirefeed\.config\.yml:3: not valid YAML: Map keys must be unique/);
    expect(problemsOf(() => loadConfig({ cwd: project({}), env: {}, flags: {}, configPath: 'nope.json' }))[0]).toMatch(/^--config nope\.json: no such file/);
    expect(problemsOf(() => loadConfig({ cwd: project({ 'wirefeed.config.ts': 'export default {}' }), env: {}, flags: {} }))[0]).toMatch(/not supported: Node\.js 20 cannot load TypeScript/);
    expect(problemsOf(() => parseConfigText('[1, 2]', 'wirefeed.config.json', '.'))[0]).toMatch(/must hold an object of settings/);
  });

  it('reads booleans from env the way operators write them', () => {
    const { config } = loadConfig({ cwd: project({}), env: { WIREFEED_WATCH: 'true', WIREFEED_TRUST_PROXY: '1' }, flags: {} });
    expect(config.serve.watch).toBe(true);
    expect(config.serve.trustProxy).toBe(true);
  });
});

describe('the schema', () => {
  it('describes every setting, and each setting has a place in the Config type', () => {
    const { config } = resolveConfig({ cwd: '.', env: {}, flags: {} }, parseConfigText(
      JSON.stringify({
        site: { language: 'en', author: { email: 'a@example.com', url: 'https://example.com' }, icon: 'https://example.com/i.png', logo: 'https://example.com/l.png' },
        hub: 'https://hub.example/',
        taxonomy: { fallback: 'World', minConfidence: 0.5 },
        serve: { pollLimit: '60', accessLog: 'off' },
      }),
      'wirefeed.config.json',
      '.',
    ));
    const paths = settings().map((s) => s.path);
    const leaves = (value: unknown, prefix = ''): string[] =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];
    expect(leaves(config satisfies Config).sort()).toEqual([...paths].sort());
    for (const { path, schema } of settings()) expect(schema.description, path).not.toBe('');
    expect(CONFIG_SCHEMA.additionalProperties).toBe(false);
  });
});

describe('wirefeed config output', () => {
  it('lists every setting with its source and value', () => {
    const cwd = project({ 'wirefeed.config.json': '{\n  "limit": 7\n}\n' });
    const resolved = loadConfig({ cwd, env: { HOST: '0.0.0.0' }, flags: { '--port': '8080' } });
    const text = formatConfig(resolved);
    expect(text).toMatch(/^limit +wirefeed\.config\.json:2 +7$/m);
    expect(text).toMatch(/^serve\.host +env HOST +"0\.0\.0\.0"$/m);
    expect(text).toMatch(/^serve\.port +--port +8080$/m);
    expect(text).toMatch(/^site\.url +default +"http:\/\/localhost:8080"$/m);
    expect(text.trim().split('\n')).toHaveLength(1 + settings().length);
    expect(JSON.parse(configJson(resolved)).sources['serve.port']).toBe('--port');
  });
});
