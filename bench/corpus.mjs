// Generates a realistic seeds/ folder for the build benchmarks, at run time,
// from the real article text in ../shared/data/article-pages (Readability's
// expected article bodies). That text must never be committed: the corpus is
// written to a temporary folder and deleted by the caller.
//
// Each document reads like a scraped article: a title line, 6–12 paragraphs
// taken in order from one real article (with a paragraph or two from another,
// as scrapers splice "related" text), the seed's kinds of boilerplate ("Share
// your love", "I also read: …", "Read Also …", "Article Source"), and per-site
// furniture lines that repeat across the corpus. About one in five documents is
// Markdown with front matter; the rest are plain text dated by mtime.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DATA_DIR = new URL('../../shared/data/article-pages/', import.meta.url);

/** Deterministic PRNG (mulberry32), so a corpus of a given size and seed is the same on every run. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITY = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', hellip: '…' };

function plain(html) {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name) => {
      if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
      return ENTITY[name.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The real articles: title and prose paragraphs (≥ 12 words) of each page. Undefined when the data is absent. */
export function loadArticles(dir = DATA_DIR) {
  if (!existsSync(dir)) return undefined;
  const articles = [];
  for (const name of readdirSync(dir).sort()) {
    const html = join(dir.pathname ?? dir, name, 'expected.html.gz');
    if (!existsSync(html)) continue;
    const meta = JSON.parse(gunzipSync(readFileSync(join(dir.pathname ?? dir, name, 'expected-metadata.json.gz'))).toString('utf8'));
    const body = gunzipSync(readFileSync(html)).toString('utf8');
    const paragraphs = [...body.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => plain(m[1])).filter((p) => p.split(' ').length >= 12 && p.length < 2500);
    const title = plain(meta.title ?? '');
    if (paragraphs.length >= 4 && title) articles.push({ title, paragraphs });
  }
  return articles;
}

const SITES = ['The Daily Ledger', 'Northern Wire', 'Metro Courier', 'Coastal Herald', 'Evening Dispatch', 'Capital Observer'];
const FURNITURE = [
  (site) => `© ${site}. All rights reserved.`,
  (site) => `Get the ${site} morning briefing in your inbox every day`,
  (site) => `Reporting by the ${site} newsroom; editing by the night desk`,
];
const TAG_POOL = ['politics', 'economy', 'europe', 'elections', 'technology', 'health', 'climate', 'energy', 'sport', 'science', 'culture', 'security'];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function hex16(rand) {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(rand() * 0x10000).toString(16).padStart(4, '0');
  return s;
}

/** One document's parts; `format` is how Wirefeed gets it, `tags` are what Hugo gets as front matter. */
function makeDocument(rand, articles, index) {
  const main = pick(rand, articles);
  const other = pick(rand, articles);
  const length = 6 + Math.floor(rand() * 7);
  const start = Math.floor(rand() * Math.max(1, main.paragraphs.length - length));
  const paragraphs = main.paragraphs.slice(start, start + length);
  paragraphs.splice(1 + Math.floor(rand() * paragraphs.length), 0, pick(rand, other.paragraphs));
  // Titles repeat across a corpus of thousands; a running number keeps them distinct, as datelines do.
  const title = index < articles.length ? main.title : `${main.title} (${index % 97 + 1})`;
  const site = pick(rand, SITES);
  const lines = [...paragraphs];
  if (rand() < 0.7) lines.splice(0, 0, 'Share your love');
  if (rand() < 0.6) lines.splice(2, 0, `I also read: ${pick(rand, articles).title}`);
  if (rand() < 0.4) lines.splice(lines.length - 1, 0, `Read Also\u00a0\u00a0 ${pick(rand, articles).title}`);
  if (rand() < 0.3) lines.splice(3, 0, 'Advertisement');
  lines.push(pick(rand, FURNITURE)(site));
  if (rand() < 0.5) lines.push('Article Source');
  const tags = [pick(rand, TAG_POOL), pick(rand, TAG_POOL)].filter((t, i, all) => all.indexOf(t) === i);
  // Five minutes apart: 100k documents span 2024 and none is dated in the future (37 minutes apart,
  // the 100k corpus ran into 2031 and the build rightly refused 58,715 of its documents).
  const date = new Date(Date.UTC(2024, 0, 1) + index * 5 * 60 * 1000);
  return { key: hex16(rand), title, paragraphs: lines, tags, date, markdown: rand() < 0.2 };
}

function yamlString(text) {
  return JSON.stringify(text);
}

/** The documents of a corpus of `count`, without writing them. */
export function makeDocuments(articles, count, seed = 7) {
  const rand = random(seed);
  return Array.from({ length: count }, (_, i) => makeDocument(rand, articles, i));
}

/** Writes the documents as Wirefeed seeds: scraped-style .txt (dated by mtime) and some Markdown with front matter. */
export async function writeSeeds(documents, dir) {
  await mkdir(dir, { recursive: true });
  await inBatches(documents, async (doc, i) => {
    const stem = `${String(i).padStart(6, '0')}_${doc.key}`;
    if (doc.markdown) {
      const front = `---\ntitle: ${yamlString(doc.title)}\ndate: ${doc.date.toISOString()}\n---\n\n`;
      await writeFile(join(dir, `${stem}.md`), front + doc.paragraphs.join('\n\n') + '\n');
    } else {
      const file = join(dir, `${stem}.txt`);
      await writeFile(file, `${doc.title}\n\n${doc.paragraphs.join('\n\n')}\n`);
      await utimes(file, doc.date, doc.date);
    }
  });
}

/** The same documents as a Hugo site's content: Markdown pages with title, date and tags. */
export async function writeHugoContent(documents, dir) {
  const posts = join(dir, 'content', 'posts');
  await mkdir(posts, { recursive: true });
  await inBatches(documents, async (doc, i) => {
    const front = `---\ntitle: ${yamlString(doc.title)}\ndate: ${doc.date.toISOString()}\ntags: [${doc.tags.map(yamlString).join(', ')}]\n---\n\n`;
    await writeFile(join(posts, `${String(i).padStart(6, '0')}_${doc.key}.md`), front + doc.paragraphs.join('\n\n') + '\n');
  });
}

async function inBatches(list, work, size = 256) {
  for (let i = 0; i < list.length; i += size) await Promise.all(list.slice(i, i + size).map((doc, j) => work(doc, i + j)));
}
