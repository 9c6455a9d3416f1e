import { describe, expect, it } from 'vitest';
import { summarize, SUMMARY_MAX_WORDS } from '../src/enrich/summary.js';
import { countWords } from '../src/text/clean.js';
import type { Block } from '../src/types.js';

const p = (text: string): Block => ({ kind: 'p', text, html: text });

describe('summarize', () => {
  it('takes whole sentences from the article, at most 60 words', () => {
    const blocks = [p('The council approved the new budget on Tuesday after a long debate. Critics said it was too small.'), p('Later text.')];
    const summary = summarize('Council approves budget', blocks);
    expect(summary).toBe('The council approved the new budget on Tuesday after a long debate. Critics said it was too small.');
    expect(countWords(summary)).toBeLessThanOrEqual(SUMMARY_MAX_WORDS);
  });
  it('adds a second sentence only when the first is short', () => {
    const long = 'The council approved the new municipal budget on Tuesday evening after a long and heated debate that lasted well into the night, with several members abstaining.';
    expect(summarize('Council budget', [p(`${long} Critics said it was too small.`)])).toBe(long);
  });
  it('skips sentences that cannot stand alone: dangling quotes, fragments, broken joins', () => {
    const blocks = [
      p('“This is only the start of a quote that goes on.'),
      p('Too short.'),
      p('A deployment in Cuba and Venezuela If tensions rise with the neighbours.'),
      p('The minister said the talks in Geneva would continue next week despite the sharp disagreements.'),
    ];
    expect(summarize('Talks in Geneva', blocks)).toBe('The minister said the talks in Geneva would continue next week despite the sharp disagreements.');
  });
  it('ignores subheadings and lists', () => {
    const blocks: Block[] = [{ kind: 'h2', text: 'A heading that is long enough to be a sentence', html: '' }, p('The actual lead sentence of this article is here.')];
    expect(summarize('Lead', blocks)).toBe('The actual lead sentence of this article is here.');
  });
  it('falls back to the first words when no sentence qualifies', () => {
    const blocks: Block[] = [{ kind: 'list', ordered: false, items: [{ text: 'one', html: 'one' }, { text: 'two', html: 'two' }] }];
    expect(summarize('List', blocks)).toBe('one; two');
  });
});
