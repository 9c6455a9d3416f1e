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
  it('ignores subheadings and lists inside the article', () => {
    const blocks: Block[] = [
      p('Short.'),
      { kind: 'list', ordered: false, items: [{ text: 'A list item that is long enough to be a sentence.', html: '' }] },
      { kind: 'h2', text: 'A heading that is long enough to be a sentence', html: '' },
      p('The actual lead sentence of this article is here.'),
    ];
    expect(summarize('Lead', blocks)).toBe('The actual lead sentence of this article is here.');
  });
  it('takes a standfirst (a long heading above the first paragraph) and, while short, the lead after it, as two sentences', () => {
    const blocks: Block[] = [{ kind: 'h2', text: 'Ministers agree a plan to rebuild the harbour bridge by spring', html: '' }, p('The council met on Monday.')];
    expect(summarize('Bridge', blocks)).toBe('Ministers agree a plan to rebuild the harbour bridge by spring. The council met on Monday.');
  });
  it('takes key-point bullets above the first paragraph as sentences', () => {
    const blocks: Block[] = [
      { kind: 'list', ordered: false, items: [{ text: 'Rival operators fear the timetable plan will cost them passengers.', html: '' }] },
      p('The announcement last week promised a great deal to travellers across the whole country and beyond.'),
    ];
    expect(summarize('Rail', blocks)).toBe('Rival operators fear the timetable plan will cost them passengers. The announcement last week promised a great deal to travellers across the whole country and beyond.');
  });
  it('steps over one sentence that cannot stand alone when adding to a short lead', () => {
    const blocks: Block[] = [p('A tinkerer found a way to burn thin branches well.'), p('on Sunday, 11.12.2022 - 05:00 (1 comment)'), p('Thin branches left from pruning trees can be burned.')];
    expect(summarize('Wood', blocks)).toBe('A tinkerer found a way to burn thin branches well. Thin branches left from pruning trees can be burned.');
  });
  it('reads a capitalized "The" before a name as part of the name, not as a broken join', () => {
    const blocks: Block[] = [p('The mayor resigned on Friday, as reported by The Washington Post and other papers.'), p('Her deputy takes over until the election.')];
    expect(summarize('Mayor', blocks).startsWith('The mayor resigned on Friday, as reported by The Washington Post')).toBe(true);
  });
  it('never cuts a quotation open, even when the splitter breaks inside it', () => {
    const blocks: Block[] = [p('He said “Stop. Do it now.” and then he left the room quietly. Later everyone went home for the night.')];
    const summary = summarize('Quote', blocks);
    expect(summary.startsWith('He said “Stop. Do it now.” and then he left the room quietly.')).toBe(true);
  });
  it('bounds summaries of text without spaces by characters', () => {
    const blocks: Block[] = [p('这是一个很长的句子没有空格'.repeat(60))];
    expect(summarize('标题', blocks).length).toBeLessThanOrEqual(210);
  });
  it('falls back to the first words when no sentence qualifies', () => {
    const blocks: Block[] = [{ kind: 'list', ordered: false, items: [{ text: 'one', html: 'one' }, { text: 'two', html: 'two' }] }];
    expect(summarize('List', blocks)).toBe('one; two');
  });
});
