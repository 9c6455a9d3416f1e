import { describe, expect, it } from 'vitest';
import { confusion, containsSnippet, firstWords, isLeadCopy, pageDescription, rouge1, seededRandom } from '../scripts/eval-metrics.js';

describe('rouge1', () => {
  it('is 1 for the same words and 0 for none in common', () => {
    expect(rouge1('The cat sat.', 'the CAT sat').f).toBe(1);
    expect(rouge1('dogs bark', 'cats meow').f).toBe(0);
    expect(rouge1('', 'cats meow').f).toBe(0);
  });
  it('clips repeated words to the reference count', () => {
    const score = rouge1('the the the cat', 'the cat');
    expect(score.precision).toBe(0.5);
    expect(score.recall).toBe(1);
    expect(score.f).toBeCloseTo(2 / 3, 10);
  });
});

describe('baselines and references', () => {
  it('takes the first K words', () => {
    expect(firstWords('one two  three\nfour', 3)).toBe('one two three');
    expect(firstWords('one two', 2.4)).toBe('one two');
  });
  it('recognizes a description that only copies the opening, cut or not', () => {
    const body = 'The bridge reopened on Tuesday after two years. Engineers found cracks.';
    expect(isLeadCopy('The bridge reopened on Tuesday…', body)).toBe(true);
    expect(isLeadCopy('After two years of repairs, traffic flows again.', body)).toBe(false);
  });
  it('reads og:description before the meta description, decoding references', () => {
    const html = '<meta name="description" content="Plain"><meta content="Fish &amp; chips" property="og:description">';
    expect(pageDescription(html)).toBe('Fish & chips');
    expect(pageDescription('<meta name="description" content=\'Only this\'>')).toBe('Only this');
    expect(pageDescription('<p>none</p>')).toBeUndefined();
  });
  it('finds snippets with whitespace collapsed', () => {
    expect(containsSnippet('a  b\n c', 'a b c')).toBe(true);
    expect(containsSnippet('a b', 'a c')).toBe(false);
  });
});

describe('confusion', () => {
  it('counts rows as truth and columns as prediction', () => {
    const { accuracy, matrix } = confusion(['A', 'B'], [
      { truth: 'A', predicted: 'A' },
      { truth: 'A', predicted: 'B' },
      { truth: 'B', predicted: 'B' },
    ]);
    expect(matrix).toEqual([
      [1, 1],
      [0, 1],
    ]);
    expect(accuracy).toBeCloseTo(2 / 3, 10);
  });
  it('refuses a label outside the list', () => {
    expect(() => confusion(['A'], [{ truth: 'A', predicted: 'Z' }])).toThrow(/unknown label/);
  });
});

describe('seededRandom', () => {
  it('repeats for the same seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const values = Array.from({ length: 100 }, () => a());
    expect(values).toEqual(Array.from({ length: 100 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
