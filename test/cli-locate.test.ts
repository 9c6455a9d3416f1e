import { describe, expect, it } from 'vitest';
import { formatProblem, locateFailure } from '../src/cli/locate.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('locateFailure', () => {
  it('takes the line from YAML errors', () => {
    const problem = locateFailure({ path: 'a.md', reason: 'front matter is not valid YAML at line 3: Map keys must be unique' }, bytes('x'), 'seeds');
    expect(problem).toMatchObject({ file: 'seeds/a.md', line: 3 });
    expect(formatProblem(problem)).toMatch(/^seeds\/a\.md:3: front matter is not valid YAML at line 3: .*; fix the YAML/);
  });

  it('turns a byte offset into a line', () => {
    const data = new Uint8Array([...bytes('Title\n\nBody\n'), 0xff]);
    expect(locateFailure({ path: 'b.txt', reason: `invalid UTF-8 at byte ${data.length - 1}; save the file as UTF-8` }, data, 'seeds').line).toBe(4);
  });

  it('finds the front matter key a field error names', () => {
    const text = '---\ntitle: Ferry\ndate: yesterday\n---\nBody\n';
    expect(locateFailure({ path: 'c.md', reason: 'front matter: "date" is not a valid date (string "yesterday")' }, bytes(text), '.')).toMatchObject({ file: 'c.md', line: 3 });
  });

  it('adds what to do when the reason does not say it, and no line it cannot know', () => {
    const problem = locateFailure({ path: 'empty.txt', reason: 'no title: the first line of the document is empty' }, bytes(''), 'seeds');
    expect(problem.line).toBeUndefined();
    expect(formatProblem(problem)).toBe('seeds/empty.txt: no title: the first line of the document is empty; put the title on the first line (or "title:" in front matter)');
  });
});
