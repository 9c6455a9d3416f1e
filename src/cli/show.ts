import { relative, resolve, dirname, basename } from 'node:path';
import type { Config } from '../config/schema.js';
import { classifySection } from '../enrich/section.js';
import { enrichArticle } from '../enrich/index.js';
import { normalizeDocument } from '../normalize/index.js';
import { prepareDocuments } from '../pipeline.js';
import type { Block, DateSource, Item } from '../types.js';
import { formatProblem, locateFailure } from './locate.js';
import { UsageError } from './options.js';
import { pipelineOptions, readSeedsFolder } from './site.js';

const DATE_SOURCES: Record<DateSource, string> = {
  declared: 'declared in front matter, a sidecar file or the page',
  SOURCE_DATE_EPOCH: 'from SOURCE_DATE_EPOCH: no date declared',
  git: 'from the commit that first added the file: no date declared',
  mtime: 'from the file modification time: no date declared, not committed to git',
};

/**
 * `wirefeed show FILE`: one document through the same stages as the build,
 * with the corpus it belongs to (repeated-line boilerplate is a corpus-level
 * decision), printed with the reasons behind each inferred field.
 */
export async function show(file: string, config: Config, env: NodeJS.ProcessEnv, cwd: string, json: boolean): Promise<number> {
  const full = resolve(cwd, file);
  const seedsRoot = resolve(cwd, config.seeds);
  const inSeeds = full.startsWith(seedsRoot + '/');
  const dir = inSeeds ? config.seeds : relative(cwd, dirname(full)) || '.';
  const path = inSeeds ? relative(seedsRoot, full).split('\\').join('/') : basename(full);
  const read = await readSeedsFolder(dir);
  const raw = read.documents.find((doc) => doc.path === path);
  const readFailure = read.failures.find((failure) => failure.path === path);
  if (!raw && !readFailure) throw new UsageError(`${file}: not a document in ${dir}/ (documents are .txt, .md and .html files; dot-files are skipped)`);
  const options = pipelineOptions(config, env, cwd, read.deleted);
  const prepared = prepareDocuments(read.documents, options);
  const failure = readFailure ?? prepared.failures.find((f) => f.path === path);
  const source = prepared.sources.find((s) => s.path === path);
  if (failure || !source) {
    process.stderr.write(`${formatProblem(locateFailure(failure ?? { path, reason: 'was not published' }, raw?.bytes, dir))}\n`);
    return 1;
  }
  const article = normalizeDocument(source, prepared.rules, prepared.repeated);
  const item = enrichArticle(article, prepared.enrichOptions);
  const scores = Object.entries(classifySection(item.title, item.contentText, { sections: config.taxonomy.sections }).scores).sort((a, b) => b[1] - a[1]);
  const removed = source.blocks.filter((block) => !article.blocks.some((kept) => similar(blockText(block), blockText(kept)))).map(blockText);
  if (json) {
    const { contentHtml: _html, ...rest } = item;
    process.stdout.write(`${JSON.stringify({ file: `${dir}/${path}`, item: rest, keyFrom: source.meta.id ? 'declared id' : 'file name', sectionScores: Object.fromEntries(scores), removed, blocks: article.blocks }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(describe(`${dir}/${path}`, item, source.meta.id !== undefined, source.meta.section !== undefined, scores, removed, article.blocks));
  return 0;
}

function describe(file: string, item: Item, declaredId: boolean, declaredSection: boolean, scores: [string, number][], removed: string[], blocks: Block[]): string {
  const pct = (n: number): string => `${Math.round(n * 100)}%`;
  const others = scores.filter(([name]) => name !== item.section).slice(0, 2).map(([name, p]) => `${name} ${pct(p)}`).join(', ');
  const rows: [string, string][] = [
    ['id', `${item.id} (key "${item.key}", from the ${declaredId ? 'declared id' : 'file name'})`],
    ['title', item.title],
    ['date', `${item.published.toISOString()} (${DATE_SOURCES[item.dateSource]})`],
    ['updated', item.updated.toISOString()],
    ['section', declaredSection ? `${item.section} (declared)` : `${item.section} (confidence ${pct(item.sectionConfidence)}; next: ${others})`],
    ['language', item.language],
    ['tags', item.tags.map((tag) => `${tag.name} (${tag.kind})`).join(', ') || '(none)'],
    ['words', `${item.wordCount} (${item.readingMinutes} min read)`],
    ['summary', item.summary],
  ];
  const lines = [file, ...rows.map(([k, v]) => `  ${k.padEnd(9)} ${v}`)];
  lines.push('', `Removed by the cleaner (${removed.length}):`, ...(removed.length ? removed.map((text) => `  - ${text}`) : ['  (nothing)']));
  lines.push('', `Body (${blocks.length} blocks):`, ...blocks.map((block, i) => `  ${String(i + 1).padStart(2)}. ${block.kind === 'p' ? '' : `[${block.kind}] `}${blockText(block)}`));
  return `${lines.join('\n')}\n`;
}

function blockText(block: Block): string {
  return (block.kind === 'list' ? block.items.map((item) => item.text).join(' · ') : block.text).replace(/\s+/g, ' ').trim();
}

/** A block kept but rewritten (aliases, spaces) still shares most of its words with the original. */
function similar(a: string, b: string): boolean {
  if (a === b) return true;
  const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const x = words(a);
  const y = words(b);
  const shared = [...x].filter((w) => y.has(w)).length;
  return shared / Math.max(1, Math.max(x.size, y.size)) >= 0.6;
}
