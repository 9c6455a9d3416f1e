import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/normalize/index.js';
import { warmPipeline } from '../src/pipeline.js';
import { SITE } from './support/items.js';

describe('warmPipeline', () => {
  it('runs every stage on its two sample documents: both formats parsed, tagged and classified, into a site that renders', () => {
    const result = warmPipeline({ site: SITE, limit: 10, rules: loadRules(), now: new Date('2024-06-01T00:00:00Z') });
    expect(result.failures).toEqual([]);
    expect(result.catalog.items.map((item) => item.title).sort()).toEqual(['Ferry strike ends', 'Harbour reopens in Lisbon']);
    const tags = result.catalog.items.flatMap((item) => item.tags.map((tag) => tag.name));
    expect(tags).toEqual(expect.arrayContaining(['Lisbon', 'Porto']));
    expect(result.site.get('/rss.xml')!.body.toString()).toContain('Ferry strike ends');
  });
});
