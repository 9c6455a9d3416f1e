// The hostile corpus in test/fixtures/hostile/, one case per row: which files make the case and
// what a build must do with them. test/hostile.test.ts builds each case beside good documents;
// test/feeds.test.ts builds the whole folder at once and checks it with every reader.

export interface Refusal {
  /** File name in the case, as the build names it on stderr. */
  file: string;
  /** The reason the build must give. */
  reason: RegExp;
}

export interface HostileCase {
  name: string;
  /** Files of test/fixtures/hostile/ that make the case (symlinks are copied as symlinks). */
  files: string[];
  /** Titles the case must publish, one per item (a title listed twice: two items with distinct ids). */
  published: string[];
  /** Files the build must refuse, each named with its reason. */
  refused: Refusal[];
}

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'empty file', files: ['empty.txt'], published: [], refused: [{ file: 'empty.txt', reason: /no title/ }] },
  { name: 'whitespace only', files: ['whitespace-only.txt'], published: [], refused: [{ file: 'whitespace-only.txt', reason: /no title/ }] },
  { name: 'title only', files: ['title-only.txt'], published: [], refused: [{ file: 'title-only.txt', reason: /no body text after the title/ }] },
  { name: 'binary (PNG header, NUL bytes)', files: ['binary.txt'], published: [], refused: [{ file: 'binary.txt', reason: /binary data \(NUL bytes\)/ }] },
  { name: 'invalid UTF-8 (Latin-1 bytes)', files: ['invalid-utf8.txt'], published: [], refused: [{ file: 'invalid-utf8.txt', reason: /invalid UTF-8 at byte 3/ }] },
  { name: 'UTF-16 LE with BOM', files: ['utf16le-bom.txt'], published: ['UTF-16 little endian'], refused: [] },
  { name: 'UTF-16 BE with BOM', files: ['utf16be-bom.txt'], published: ['UTF-16 big endian'], refused: [] },
  {
    name: 'UTF-16 with an unpaired surrogate',
    files: ['lone-surrogate-utf16le.txt'],
    published: [],
    refused: [{ file: 'lone-surrogate-utf16le.txt', reason: /invalid UTF-16LE after its byte order mark/ }],
  },
  { name: 'UTF-8 with BOM', files: ['utf8-bom.txt'], published: ['UTF-8 with BOM'], refused: [] },
  { name: 'CRLF line endings', files: ['crlf.txt'], published: ['Windows line endings'], refused: [] },
  { name: 'bare CR line endings', files: ['cr-only.txt'], published: ['Old Mac line endings'], refused: [] },
  { name: 'XML-illegal control characters', files: ['control-chars.txt'], published: ['Control characters in a title'], refused: [] },
  { name: '"]]>" repeated', files: ['cdata-end.txt'], published: ['Markets ]]> rally ]]> again'], refused: [] },
  { name: '<script>, <iframe>, onerror=, javascript: in Markdown', files: ['script-injection.md'], published: ['Council votes'], refused: [] },
  { name: 'obfuscated XSS in Markdown (entities, case, svg, style, forms)', files: ['obfuscated-xss.md'], published: ['Parliament passes the data bill'], refused: [] },
  { name: '<script>, <iframe>, onerror=, javascript: and data: links in a saved HTML page', files: ['xss-page.html'], published: ['Harbour reopens after storm'], refused: [] },
  { name: 'entities and double escaping (&amp;amp;)', files: ['double-escaped.txt'], published: ["Ben & Jerry's news"], refused: [] },
  { name: '& and < in title, tags and category', files: ['ampersand-title.md'], published: ['AT&T and Procter & Gamble: profits < forecasts'], refused: [] },
  { name: 'extremely long title', files: ['long-title.txt'], published: [Array(30).fill('Extremely long headline').join(' ')], refused: [] },
  { name: 'extremely long lines (200 kB, one 100 kB word)', files: ['long-line.txt'], published: ['A document with one enormous line'], refused: [] },
  { name: '10,000 tiny paragraphs', files: ['many-paragraphs.txt'], published: ['Ten thousand tiny paragraphs'], refused: [] },
  {
    name: 'markup nested thousands deep',
    files: ['deep-nesting.md'],
    published: [],
    refused: [{ file: 'deep-nesting.md', reason: /nested too deeply to parse/ }],
  },
  { name: 'right-to-left script', files: ['arabic-rtl.txt'], published: ['قمة عربية في القاهرة لبحث الأزمة الإقليمية'], refused: [] },
  { name: 'mixed scripts, emoji, combining marks', files: ['mixed-scripts.txt'], published: ['Tokyo 東京 and Москва talks — שלום 👋🏽 café'], refused: [] },
  { name: 'emoji in front matter title', files: ['emoji.md'], published: ['🚀 Launch day 🎉'], refused: [] },
  { name: 'duplicate titles', files: ['duplicate-title-a.txt', 'duplicate-title-b.txt'], published: ['Storm hits the coast', 'Storm hits the coast'], refused: [] },
  {
    name: 'two files claiming the same id',
    files: ['same-id-a.md', 'same-id-b.md'],
    published: ['First claim to an id'],
    refused: [{ file: 'same-id-b.md', reason: /its id "shared-story" is already used by same-id-a\.md/ }],
  },
  { name: 'declared id shaped like a path (../../..)', files: ['path-id.md'], published: ['An id that climbs out of the folder'], refused: [] },
  {
    name: 'front matter with wrong types (title a list)',
    files: ['bad-front-matter.md'],
    published: [],
    refused: [{ file: 'bad-front-matter.md', reason: /"title" must be a string, got a list/ }],
  },
  {
    name: 'front matter with wrong types (tags a mapping)',
    files: ['wrong-types.md'],
    published: [],
    refused: [{ file: 'wrong-types.md', reason: /"tags" must be a list of strings, got a mapping/ }],
  },
  { name: 'YAML alias bomb in front matter', files: ['yaml-bomb.md'], published: [], refused: [{ file: 'yaml-bomb.md', reason: /front matter is not valid YAML: Excessive alias count/ }] },
  { name: 'date in the future', files: ['future-date.md'], published: [], refused: [{ file: 'future-date.md', reason: /dated 2999-01-01T00:00:00\.000Z, in the future/ }] },
  { name: 'date without a time zone (read as UTC)', files: ['no-timezone.md'], published: ['A date without a time zone'], refused: [] },
  { name: 'impossible date (30 February)', files: ['invalid-date.md'], published: [], refused: [{ file: 'invalid-date.md', reason: /"date" is not a valid date \(string "2024-02-30"\)/ }] },
  { name: 'date in words', files: ['not-a-date.md'], published: [], refused: [{ file: 'not-a-date.md', reason: /"date" is not a valid date \(string "last Tuesday"\)/ }] },
  {
    name: 'symlink to a file outside the seeds folder (/etc/passwd)',
    files: ['outside-symlink.txt'],
    published: [],
    refused: [{ file: 'outside-symlink.txt', reason: /is a symlink to a file outside the seeds folder/ }],
  },
  { name: 'file name with spaces', files: ['name with spaces.txt'], published: ['A file name with spaces'], refused: [] },
  { name: 'file name in Unicode', files: ['ünïcödé-名前.txt'], published: ['A file name in several scripts'], refused: [] },
  { name: 'file name with ".."', files: ['double..dots..name.txt'], published: ['A file name with double dots'], refused: [] },
];
