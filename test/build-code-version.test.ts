import { describe, expect, it } from 'vitest';
import { codeVersion, versionedModules } from '../src/build/code-version.js';

const withoutExtension = (files: string[]) => files.map((file) => file.replace(/\.(js|ts)$/, ''));

describe('codeVersion', () => {
  it('covers the modules an item is computed with, and not the server or the command line', () => {
    const modules = withoutExtension(versionedModules(['enrich-document.js']));
    for (const module of ['enrich-document', 'enrich/index', 'enrich/entities', 'enrich/summary', 'normalize/index', 'normalize/boilerplate', 'text/clean']) expect(modules).toContain(module);
    for (const module of ['publish/server', 'cli/index', 'render/rss', 'build/cache']) expect(modules).not.toContain(module);
  });

  it('covers the renderers for rendered bodies, and the parsers for document facts', () => {
    const rendering = withoutExtension(versionedModules(['publish/site.js']));
    for (const module of ['render/rss', 'render/atom', 'render/jsonfeed', 'render/html', 'catalog/index']) expect(rendering).toContain(module);
    const parsing = withoutExtension(versionedModules(['ingest/index.js', 'build/documents.js']));
    for (const module of ['ingest/index', 'ingest/html', 'ingest/markdown', 'normalize/boilerplate']) expect(parsing).toContain(module);
    expect(parsing).not.toContain('enrich/entities');
  });

  it('differs between entry points and is stable within a process', () => {
    expect(codeVersion(['enrich-document.js'])).toBe(codeVersion(['enrich-document.js']));
    expect(codeVersion(['enrich-document.js'])).not.toBe(codeVersion(['publish/site.js']));
    expect(() => codeVersion(['missing-module.js'])).toThrow(/cannot find the module/);
  });
});
