import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/ingest/decode.js';
import { detectFormat, isDocumentPath } from '../src/ingest/detect.js';
import { itemId, keyFromPath, normalizeKey } from '../src/ingest/identity.js';
import { ingestDocument } from '../src/ingest/index.js';
import { parseDate, parseDeclaredMeta, presentFields } from '../src/ingest/meta.js';
import { parseText } from '../src/ingest/text.js';
import { parseMarkdown } from '../src/ingest/markdown.js';
import type { RawDocument } from '../src/types.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const raw = (path: string, text: string, extra: Partial<RawDocument> = {}): RawDocument => ({ path, bytes: bytes(text), mtime: new Date('2020-01-01T00:00:00Z'), ...extra });

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeText(bytes('\uFEFFhé'))).toBe('hé');
    expect(decodeText(bytes('hé'))).toBe('hé');
  });
  it('reads UTF-16 LE and BE with a BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Título', 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decodeText(le)).toBe('Título');
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('Título');
  });
  it('names the byte where UTF-8 breaks instead of producing mojibake', () => {
    expect(() => decodeText(Buffer.from([0x41, 0x42, 0xe9, 0x43]))).toThrow(/invalid UTF-8 at byte 2/);
  });
  it('refuses binary data', () => {
    expect(() => decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]))).toThrow(/binary/);
  });
});

describe('detectFormat', () => {
  it('goes by extension, then by content', () => {
    expect(detectFormat('a.md', '')).toBe('markdown');
    expect(detectFormat('a.HTML', '')).toBe('html');
    expect(detectFormat('a.txt', '---\ntitle: x')).toBe('text');
    expect(detectFormat('README', '<!DOCTYPE html><html>')).toBe('html');
    expect(detectFormat('notes', '---\ntitle: x\n---')).toBe('markdown');
  });
  it('skips sidecars and dotfiles', () => {
    expect(isDocumentPath('a.meta.json')).toBe(false);
    expect(isDocumentPath('.DS_Store')).toBe(false);
    expect(isDocumentPath('dir/a.txt')).toBe(true);
    expect(isDocumentPath('image.png')).toBe(false);
  });
});

describe('identity', () => {
  it('takes the opaque hex key from a scraped file name', () => {
    expect(keyFromPath('000_d11a85e7f0a92099.txt')).toBe('d11a85e7f0a92099');
    expect(keyFromPath('sub/dir/My Story.md')).toBe('my-story');
  });
  it('gives scripts without Latin letters a stable key', () => {
    expect(keyFromPath('東京.txt')).toMatch(/^doc-[0-9a-f]{16}$/);
    expect(keyFromPath('東京.txt')).toBe(keyFromPath('東京.txt'));
    expect(keyFromPath('東京.txt')).not.toBe(keyFromPath('大阪.txt'));
  });
  it('makes a version-5 UUID URN that is stable and distinct', () => {
    const id = itemId('d11a85e7f0a92099');
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(itemId('d11a85e7f0a92099')).toBe(id);
    expect(itemId('d11a85e7f0a9209a')).not.toBe(id);
  });
  it('keeps declared ids URL-safe', () => {
    expect(normalizeKey('../etc/passwd')).toBe('etc-passwd');
    expect(normalizeKey('my story')).toBe('my-story');
  });
});

describe('parseText', () => {
  it('takes the first line as title and blank-line paragraphs, with any line endings', () => {
    const parsed = parseText('\r\nTitle here\r\n\r\nFirst line\r\nwraps here.\r\rSecond.\r');
    expect(parsed.title).toBe('Title here');
    expect(parsed.blocks).toEqual([
      { kind: 'p', text: 'First line wraps here.', html: 'First line wraps here.' },
      { kind: 'p', text: 'Second.', html: 'Second.' },
    ]);
  });
  it('keeps lists and quotes the input marks', () => {
    const parsed = parseText('T\n\n- one\n- two & three\n\n> a quote\n> goes on');
    expect(parsed.blocks[0]).toEqual({ kind: 'list', ordered: false, items: [{ text: 'one', html: 'one' }, { text: 'two & three', html: 'two &amp; three' }] });
    expect(parsed.blocks[1]).toEqual({ kind: 'quote', text: 'a quote goes on', html: 'a quote goes on' });
  });
});

describe('parseMarkdown', () => {
  it('reads front matter and renders safe HTML', () => {
    const md = parseMarkdown('---\ntitle: Hello\ntags: [a, b]\n---\n# Heading\n\nSome *text* <script>alert(1)</script> [x](javascript:alert(1)).\n\n## Sub\n\n- item\n');
    expect(md.frontMatter).toEqual({ title: 'Hello', tags: ['a', 'b'] });
    expect(md.heading).toBe('Heading');
    const html = md.blocks.map((b) => ('html' in b ? b.html : '')).join('');
    expect(html).toContain('<em>text</em>');
    expect(html).not.toMatch(/script|javascript|alert/);
    expect(md.blocks.map((b) => b.kind)).toEqual(['p', 'h2', 'list']);
  });
  it('reports invalid YAML with its line', () => {
    expect(() => parseMarkdown('---\ntitle: ok\ntags: [a, b\n---\nBody')).toThrow(/front matter is not valid YAML/);
  });
});

describe('declared metadata', () => {
  it('checks types and names the key', () => {
    expect(() => parseDeclaredMeta({ title: ['a'] }, 'front matter')).toThrow('front matter: "title" must be a string, got a list');
    expect(() => parseDeclaredMeta({ date: 'yesterday' }, 'front matter')).toThrow(/"date" is not a valid date/);
    expect(() => parseDeclaredMeta({ tags: [{ a: 1 }] }, 'sidecar')).toThrow(/"tags" must be a list of strings/);
  });
  it('reads dates without a zone as UTC', () => {
    expect(parseDate('2024-03-01T10:00:00')?.toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(parseDate('2024-03-01')?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(parseDate('2024-03-01T10:00:00+02:00')?.toISOString()).toBe('2024-03-01T08:00:00.000Z');
    expect(parseDate('2024-02-30')).toBeUndefined();
  });
});

describe('presentFields', () => {
  it('copies the named fields that hold a value and leaves out undefined, empty and unnamed ones', () => {
    const date = new Date(0);
    const source: { title?: string; author?: string; date?: Date; url?: string } = { title: 'T', author: '', date, url: 'https://example.com/' };
    const picked = presentFields(source, ['title', 'author', 'date']);
    expect(picked).toEqual({ title: 'T', date });
    expect('author' in picked).toBe(false);
  });
});

describe('ingestDocument', () => {
  it('dates documents: declared, then SOURCE_DATE_EPOCH, then git, then mtime', () => {
    const git = new Date('2021-05-05T00:00:00Z');
    const epoch = new Date('2022-02-02T00:00:00Z');
    expect(ingestDocument(raw('a.txt', 'T\n\nBody.')).dateSource).toBe('mtime');
    expect(ingestDocument(raw('a.txt', 'T\n\nBody.', { gitDate: git })).date).toEqual(git);
    expect(ingestDocument(raw('a.txt', 'T\n\nBody.', { gitDate: git }), { sourceDateEpoch: epoch }).date).toEqual(epoch);
    const declared = ingestDocument(raw('a.md', '---\ndate: 2019-01-01T00:00:00Z\n---\n# T\n\nBody.', { gitDate: git }), { sourceDateEpoch: epoch });
    expect(declared.dateSource).toBe('declared');
    expect(declared.date.toISOString()).toBe('2019-01-01T00:00:00.000Z');
  });
  it('lets a sidecar declare metadata for a text file, and front matter override the sidecar', () => {
    const doc = ingestDocument(raw('a.txt', 'T\n\nBody.', { sidecar: { id: 'custom', author: 'Ana' } }));
    expect(doc.key).toBe('custom');
    expect(doc.meta.author).toBe('Ana');
    const md = ingestDocument(raw('b.md', '---\nauthor: Bo\n---\n# T\n\nBody.', { sidecar: { author: 'Ana' } }));
    expect(md.meta.author).toBe('Bo');
  });
  it('explains why a document cannot become an item', () => {
    expect(() => ingestDocument(raw('a.txt', '   \n\n'))).toThrow(/no title/);
    expect(() => ingestDocument(raw('a.txt', 'Only a title'))).toThrow(/no body/);
  });
});
