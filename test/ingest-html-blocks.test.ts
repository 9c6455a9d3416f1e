import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToBlocks } from '../src/ingest/html-blocks.js';
import { ingestDocument } from '../src/ingest/index.js';

describe('htmlToBlocks', () => {
  it('maps paragraphs, every heading level, lists and quotes to blocks, in order', () => {
    const blocks = htmlToBlocks(
      '<h1>Top</h1><p>One <em>two</em>.</p><h3>Sub</h3><ul><li>a</li><li><a href="https://x.example/">b</a></li></ul><ol><li>first</li></ol><blockquote><p>Quoted.</p><p>More.</p></blockquote>',
    );
    expect(blocks).toEqual([
      { kind: 'h2', text: 'Top', html: 'Top' },
      { kind: 'p', text: 'One two.', html: 'One <em>two</em>.' },
      { kind: 'h2', text: 'Sub', html: 'Sub' },
      { kind: 'list', ordered: false, items: [{ text: 'a', html: 'a' }, { text: 'b', html: '<a href="https://x.example/">b</a>' }] },
      { kind: 'list', ordered: true, items: [{ text: 'first', html: 'first' }] },
      { kind: 'quote', text: 'Quoted. More.', html: 'Quoted.<br /><br />More.' },
    ]);
  });
  it('keeps a table whole as sanitized markup with its text', () => {
    const [table] = htmlToBlocks('<table onclick="x()"><tr><th>Team</th><td>3</td></tr></table>');
    expect(table?.kind).toBe('html');
    expect(table && 'html' in table ? table.html : '').toBe('<table><tr><th>Team</th><td>3</td></tr></table>');
    expect(table && 'text' in table ? table.text : '').toBe('Team3');
  });
  it('walks through wrappers, turns loose inline text into a paragraph and drops captions', () => {
    const blocks = htmlToBlocks('<div><section>Loose <b>text</b> &amp; more<p>Para</p></section><figure><img src="https://x.example/a.jpg"><figcaption>Photo: agency</figcaption></figure></div>');
    expect(blocks.map((b) => ('text' in b ? b.text : ''))).toEqual(['Loose text & more', 'Para']);
    expect(blocks[0]).toMatchObject({ html: 'Loose <b>text</b> &amp; more' });
  });
  it('collapses whitespace, keeps preformatted text verbatim and drops empty blocks', () => {
    const blocks = htmlToBlocks('<p>\n  spread\n   out\u00A0here </p><p> <br> </p><pre>a  b\n  c</pre>');
    expect(blocks).toEqual([
      { kind: 'p', text: 'spread out here', html: 'spread out here' },
      { kind: 'pre', text: 'a  b\n  c' },
    ]);
  });
  it('sanitizes whatever markup it is given', () => {
    const [block] = htmlToBlocks('<p>Hi<script>alert(1)</script> <a href="javascript:x()">there</a></p>');
    expect(block).toEqual({ kind: 'p', text: 'Hi there', html: 'Hi <a>there</a>' });
  });
});

describe('ingestDocument on a saved HTML page', () => {
  const bytes = readFileSync(join(import.meta.dirname, 'fixtures', 'html', 'news-article.html'));
  it('takes title, author, dates, language, image and url from the page and the body as blocks', () => {
    const doc = ingestDocument({ path: 'bridge.html', bytes, mtime: new Date(0) });
    expect(doc.format).toBe('html');
    expect(doc.title).toBe('Harbour bridge reopens after two years of repairs');
    expect(doc.meta).toMatchObject({ language: 'en-GB', url: 'https://courier.example/news/bridge-reopens', image: 'https://courier.example/media/bridge-wide.jpg' });
    expect(doc.meta.author).toBeTruthy();
    expect(doc.dateSource).toBe('declared');
    expect(doc.date.toISOString()).toBe('2024-03-05T07:30:00.000Z');
    expect(doc.baseUrl).toBe('https://courier.example/news/bridge-reopens');
    const texts = doc.blocks.map((b) => ('text' in b ? b.text : ''));
    expect(texts.some((t) => t.startsWith('The old harbour bridge opened to traffic again'))).toBe(true);
    expect(texts.join('\n')).not.toMatch(/Share on Social|Photo: Courier archive/);
  });
  it('lets a sidecar override what the page says', () => {
    const doc = ingestDocument({ path: 'bridge.html', bytes, mtime: new Date(0), sidecar: { title: 'Sidecar title', date: '2020-01-01' } });
    expect(doc.title).toBe('Sidecar title');
    expect(doc.date.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });
  it('reads a page in a legacy charset instead of refusing it as invalid UTF-8', () => {
    const page = Buffer.from('<html><head><meta charset="windows-1252"><title>Caf\xe9 news</title></head><body><article><h1>Caf\xe9 news</h1>' + '<p>The caf\xe9 on the corner reopened this week after a long renovation, its owners said on Monday.</p>'.repeat(8) + '</article></body></html>', 'latin1');
    const doc = ingestDocument({ path: 'cafe.html', bytes: page, mtime: new Date(0) });
    expect(doc.title).toBe('Café news');
    expect('text' in doc.blocks[0]! ? doc.blocks[0].text : '').toContain('The café on the corner');
  });
  it('reports a page without an article as a document error', () => {
    const empty = Buffer.from('<html><body><nav><a href="/">Home</a></nav></body></html>');
    expect(() => ingestDocument({ path: 'empty.html', bytes: empty, mtime: new Date(0) })).toThrow(/HTML page: /);
  });
  it('names a page without any title by its first heading', () => {
    const page = Buffer.from('<html><body><article><h2>Harbour works begin</h2>' + '<p>Work on the old harbour wall began this week and will last until the spring, the port authority said.</p>'.repeat(6) + '</article></body></html>');
    expect(ingestDocument({ path: 'untitled.html', bytes: page, mtime: new Date(0) }).title).toBe('Harbour works begin');
  });
  it('names a page with neither title nor heading by the start of its text', () => {
    const page = Buffer.from('<html><body><article>' + '<p>Work on the old harbour wall began this week and will last until the spring, the port authority said.</p>'.repeat(6) + '</article></body></html>');
    expect(ingestDocument({ path: 'untitled.html', bytes: page, mtime: new Date(0) }).title).toBe('Work on the old harbour wall began this week and will last …');
  });
});
