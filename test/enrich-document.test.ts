import { describe, expect, it } from 'vitest';
import { enrichDocument, failureReason } from '../src/enrich-document.js';
import { prepareDocuments } from '../src/pipeline.js';
import { loadRules } from '../src/normalize/index.js';

describe('enrichDocument', () => {
  it('normalizes and enriches one ingested document into an item', () => {
    const text = 'Harbour bridge reopens\n\nThe harbour bridge in Lisbon reopened on Monday after two years of repairs, the city said.\n\nShare your love\n';
    const prepared = prepareDocuments([{ path: 'bridge.txt', bytes: Buffer.from(text), mtime: new Date('2024-01-01T00:00:00Z') }], {
      site: { title: 'T', description: 'D', url: 'https://example.com/' },
      limit: 10,
      rules: loadRules(),
      now: new Date('2024-06-01T00:00:00Z'),
    });
    const item = enrichDocument(prepared.sources[0]!, prepared);
    expect(item.title).toBe('Harbour bridge reopens');
    expect(item.contentText).not.toContain('Share your love');
    expect(item.summary).toBe('The harbour bridge in Lisbon reopened on Monday after two years of repairs, the city said.');
  });
});

describe('failureReason', () => {
  it('names markup nested too deeply instead of reporting a stack overflow', () => {
    expect(failureReason(new RangeError('Maximum call stack size exceeded'))).toMatch(/nested too deeply/);
    expect(failureReason(new Error('no title'))).toBe('no title');
  });
});
