import { describe, expect, it } from 'vitest';
import { cleanInline, countWords, stripIllegalXml, unifyLineEndings } from '../src/text/clean.js';
import { escapeMarkup } from '../src/text/escape.js';
import { slugify } from '../src/text/slug.js';
import { decodeEntities } from '../src/text/sanitize.js';
import { splitSentences } from '../src/text/sentences.js';

describe('cleanInline', () => {
  it('turns NBSP and other Unicode spaces into one plain space', () => {
    expect(cleanInline('Read\u00A0Also \u2009 Maduro\u3000ratifies')).toBe('Read Also Maduro ratifies');
  });
  it('removes zero-width spaces and soft hyphens but keeps emoji joiners', () => {
    expect(cleanInline('zero\u200Bwidth soft\u00ADhyphen')).toBe('zerowidth softhyphen');
    expect(cleanInline('family 👨\u200D👩\u200D👧')).toBe('family 👨\u200D👩\u200D👧');
  });
  it('removes XML-illegal control characters and lone surrogates', () => {
    expect(cleanInline('a\u0000b\u0008c\u001Fd\uFFFEe\uD800f')).toBe('abcdef');
  });
  it('keeps typographic quotes and dashes', () => {
    expect(cleanInline('“quoted” — dash – en ‘single’')).toBe('“quoted” — dash – en ‘single’');
  });
});

describe('stripIllegalXml', () => {
  it('keeps tab, newline and a valid surrogate pair', () => {
    expect(stripIllegalXml('a\tb\nc😀\u000B')).toBe('a\tb\nc😀');
  });
  it('strips each kind of illegal character when it is the only one', () => {
    for (const illegal of ['\u0000', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF']) {
      expect(stripIllegalXml(`a${illegal}b`), JSON.stringify(illegal)).toBe('ab');
    }
  });
});

describe('escapeMarkup', () => {
  it('escapes the five markup characters, so ]]> and attribute quotes are inert', () => {
    expect(escapeMarkup(`<a href="x">&'</a> ]]>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt; ]]&gt;');
  });
  it('escapes an already escaped entity again, so &amp;amp; stays visible text', () => {
    expect(escapeMarkup('&amp;')).toBe('&amp;amp;');
  });
});

describe('decodeEntities', () => {
  it('decodes the whole HTML table once, never twice', () => {
    expect(decodeEntities('Ben &amp;amp; Jerry&rsquo;s &ldquo;new&rdquo; &eacute;t&eacute; &#x2014; &#39;')).toBe('Ben &amp; Jerry’s “new” été — \'');
  });
});

describe('slugify', () => {
  it('gives ASCII slugs', () => {
    expect(slugify('Padrino López')).toBe('padrino-lopez');
    expect(slugify('AT&T')).toBe('at-and-t');
    expect(slugify('Ñandú Ærø')).toBe('nandu-r');
    expect(slugify('東京')).toBe('');
  });
});

describe('text helpers', () => {
  it('unifies line endings', () => {
    expect(unifyLineEndings('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });
  it('counts words in any script', () => {
    expect(countWords('Moscow’s main claim — 2 sides')).toBe(5);
  });
  it('splits sentences without breaking at U.S. or Mr.', () => {
    expect(splitSentences('Talks with the U.S. Senate failed. Mr. Peskov spoke. Done?')).toEqual([
      'Talks with the U.S. Senate failed.',
      'Mr. Peskov spoke.',
      'Done?',
    ]);
  });
});
