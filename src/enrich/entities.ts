import type nlpModule from 'compromise';
import { loadOnUse } from '../load-on-use.js';
import type { EntityTag } from '../types.js';
import { sweep } from './sweep.js';

// "About ten": enough for the actors of a news story, few enough to stay meaningful as feed categories.
export const MAX_ENTITY_TAGS = 12;
// The tagger reads only the lead: the story's actors are named there, and tagging costs
// time in proportion to length (a 10,000-character page took ~60 ms). Salience still counts the whole body.
const TAGGED_CHARS = 3000;

type Nlp = typeof nlpModule;
type Tagger = { nlp: Nlp; hooks: string[]; functionWords: ReadonlySet<string> };
let loaded: Tagger | undefined;
// The package's bundled build (its `require` export) loads in about half the time of its tree of ES modules.
const compromise = loadOnUse<Nlp>('compromise');

/**
 * Word classes that never begin a name. A sentence whose only capital letter
 * starts such a word ("The", "However", "In") was capitalized by its place and
 * names no one, so it is not tagged.
 */
const FUNCTION_WORD_CLASSES = new Set(['Determiner', 'Pronoun', 'Possessive', 'Preposition', 'Conjunction', 'Negative', 'QuestionWord', 'Adverb', 'Copula']);

/** compromise, on first use: a thread that never tags (the build's main thread, while workers enrich) never loads it. */
function tagger(): Tagger {
  if (loaded) return loaded;
  const nlp = compromise();
  // The post-tagger's sweep of its ~570 patterns was two thirds of tagging time; ours finds the same matches
  // with less work (tagging 400 articles: 2.9 s of CPU instead of 3.9 s).
  nlp.plugin({ methods: { one: { bulkMatch: sweep } } });
  // The parse ends with the chunker (noun and verb phrases), which people(), places() and
  // organizations() never read: the same matches without it, in less time. nlp.tokenize has
  // already run the hooks that come before the lexicon.
  const hooks = nlp.hooks().filter((hook) => !['contractions', 'alias', 'machine', 'chunks'].includes(hook));
  // The tagger's own lexicon says which words are function words.
  const lexicon = (nlp.world() as { model: { one: { lexicon: Record<string, string | string[]> } } }).model.one.lexicon;
  const functionWords = new Set(Object.keys(lexicon).filter((word) => [lexicon[word] ?? []].flat().every((tag) => FUNCTION_WORD_CLASSES.has(tag))));
  return (loaded = { nlp, hooks, functionWords });
}

/** A token as compromise's tokenizer leaves it: the text as written and its normal (lower-case) form. */
interface Token {
  text: string;
  normal: string;
}

const CAPITALIZED = /^\p{Lu}/u;
// "However", not "US": only a word capitalized by its place can be a function word.
const ONE_CAPITAL = /^\p{Lu}\P{Lu}*$/u;

/**
 * Whether a sentence may name someone: every name this module keeps is
 * capitalized, so a sentence without a capital word, or whose only one is a
 * sentence-initial function word, adds no mention. An acronym ("US", "IT") is
 * never taken for a function word.
 */
function mayName(sentence: readonly Token[], functionWords: ReadonlySet<string>): boolean {
  for (let i = 1; i < sentence.length; i++) if (CAPITALIZED.test(sentence[i]?.text ?? '')) return true;
  const first = sentence[0];
  if (!first || !CAPITALIZED.test(first.text)) return false;
  return !(ONE_CAPITAL.test(first.text) && functionWords.has(first.normal));
}

/**
 * The names the tagger finds in `text`, cleaned and split, in the order of
 * people, places, organisations. `every` tags every sentence: the reference
 * the sentence filter is tested against.
 */
export function mentionsIn(text: string, every = false): Mention[] {
  const { nlp, hooks, functionWords } = tagger();
  const doc = nlp.tokenize(text) as ReturnType<Nlp> & { document: Token[][] };
  // Tagging costs time in proportion to the words tagged (three quarters of a build's enrichment),
  // and the tagger's rules look within a sentence: without the sentences that name no one, the
  // same names come out in about two thirds of the time (no tag changed over 11,096 real and generated articles).
  if (!every) doc.document = doc.document.filter((sentence) => mayName(sentence, functionWords));
  doc.compute(hooks);
  return [
    ...names(doc.people().out('array') as string[], 'person'),
    ...names(doc.places().out('array') as string[], 'place'),
    ...names(doc.organizations().out('array') as string[], 'organization'),
  ];
}

// Titles and roles compromise includes in a person match ("president Vladimir Putin").
const HONORIFIC = /^(?:president|prime|minister|deputy|foreign|secretary|spokesman|spokeswoman|spokesperson|chancellor|king|queen|prince|princess|pope|senator|sen\.|rep\.|gov\.|governor|mayor|general|gen\.|judge|justice|commissioner|ambassador|attorney|director|chairwoman|premier|sheikh|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|sir|dame|lord|lady|chief|ceo|chairman|leader|former|late|the)$/iu;

export interface Mention {
  name: string;
  kind: EntityTag['kind'];
}

/**
 * People, places and organisations named in the article, via compromise's
 * tagger, canonicalized ("Putin" → "Vladimir Putin" when the full name is
 * there; "US" → "United States" through the alias data) and ordered by salience:
 * how often the article mentions them, with mentions in the title counting more.
 */
export function extractEntities(title: string, body: string, aliases: Readonly<Record<string, string>>, max = MAX_ENTITY_TAGS): EntityTag[] {
  const canonical = canonicalize(mentionsIn(`${title}.\n\n${lead(body)}`), aliases);
  return rank(canonical, title, body).slice(0, max);
}

/** The body up to TAGGED_CHARS, cut at a paragraph (or else sentence) boundary so no name is split. */
function lead(body: string): string {
  if (body.length <= TAGGED_CHARS) return body;
  const head = body.slice(0, TAGGED_CHARS);
  const cut = Math.max(head.lastIndexOf('\n\n'), head.lastIndexOf('. '));
  return cut > TAGGED_CHARS / 2 ? head.slice(0, cut + 1) : head.slice(0, head.lastIndexOf(' '));
}

// Words the tagger sometimes glues onto a name across a sentence break ("Katie Allen, PhD. She").
const NOT_NAMES = /^(?:he|she|it|they|we|i|you|this|that|these|those|there|here|but|and|or|so|photo|image|credit|getty|images|phd|md|jr|sr)$/iu;

function names(matches: string[], kind: EntityTag['kind']): Mention[] {
  return matches
    .flatMap(splitMatch)
    .map((raw) => ({ name: cleanName(raw), kind }))
    .filter((m) => isName(m.name));
}

/**
 * One tagger match can hold several names: a list ("Italy, Poland, Germany"),
 * a dateline ("SEOUL, South Korea") or a sentence break after an abbreviation
 * ("PhD. She"). Initials ("George H.W. Bush") are not breaks. A match holding
 * a credit line ("Thomas Coex/AFP/Getty Images") is not a name at all.
 */
function splitMatch(raw: string): string[] {
  if (raw.includes('/')) return [];
  return raw
    .split(/,\s+|(?<![\s.]\p{Lu}|^\p{Lu})\.\s+(?=\p{Lu})/u)
    .map((part) => part.trim())
    .filter(Boolean);
}

function cleanName(raw: string): string {
  let words = raw
    .replace(/[’']s$/u, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.]+$/gu, '')
    .replace(/[’']s\b/gu, '')
    .split(/\s+/)
    .filter(Boolean);
  while (words.length > 1 && (HONORIFIC.test(words[0] ?? '') || /^\p{Ll}/u.test(words[0] ?? ''))) words = words.slice(1);
  // A trailing period belongs to the sentence unless the name is an abbreviation ("U.S.").
  const name = words.join(' ').replace(/(?<!\b\p{Lu})\.$/u, '');
  // Datelines shout ("LONDON"); short capitals are acronyms ("NATO", "BBC") and stay.
  return /^[\p{Lu} -]{5,}$/u.test(name) ? name.toLowerCase().replace(/(^|[ -])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase()) : name;
}

/** Proper names only: every word capitalized (or a number), no sentence fragments. */
function isName(name: string): boolean {
  if (name.length < 2 || name.length > 60) return false;
  const words = name.split(' ');
  if (words.length > 5) return false;
  if (words.length === 1 && (HONORIFIC.test(name) || NOT_NAMES.test(name))) return false;
  return words.every((w) => /^[\p{Lu}\p{N}]/u.test(w) || /^(?:of|de|del|la|le|van|von|der|al|bin|and|for|the)$/u.test(w)) && /^\p{Lu}/u.test(name);
}

function canonicalize(mentions: Mention[], aliases: Readonly<Record<string, string>>): Mention[] {
  const aliased = mentions.map((m) => ({ ...m, name: aliases[m.name] ?? m.name }));
  const fullNames = aliased.filter((m) => m.kind === 'person' && m.name.includes(' ')).map((m) => m.name);
  return aliased.map((m) => {
    if (m.kind !== 'person' || m.name.includes(' ')) return m;
    // A surname alone is the person whose full name ends with it; a first name alone, the
    // one person whose full name starts with it ("Benjamin" → "Benjamin Netanyahu").
    const full = fullNames.find((f) => f.endsWith(` ${m.name}`)) ?? only(new Set(fullNames.filter((f) => f.startsWith(`${m.name} `))));
    return full ? { ...m, name: full } : m;
  });
}

function only<T>(values: Set<T>): T | undefined {
  return values.size === 1 ? [...values][0] : undefined;
}

function rank(mentions: Mention[], title: string, body: string): EntityTag[] {
  const byName = new Map<string, Mention>();
  for (const m of mentions) if (!byName.has(m.name)) byName.set(m.name, m);
  const titled = `${title}\n${body}`;
  // A surname is a form of every person who has it: count each form once per article.
  const seen = new Map<string, { first: number; inBody: number; inTitle: number }>();
  const counted = (form: string): { first: number; inBody: number; inTitle: number } => {
    let found = seen.get(form);
    if (!found) seen.set(form, (found = { first: firstIndex(titled, form), inBody: occurrences(body, form), inTitle: occurrences(title, form) }));
    return found;
  };
  const scored = [...byName.values()].map((m) => {
    const surname = m.name.split(' ').pop();
    const forms = (m.kind === 'person' && surname && surname !== m.name ? [m.name, surname] : [m.name]).map(counted);
    const order = Math.min(...forms.map((f) => f.first));
    const inBody = Math.max(1, ...forms.map((f) => f.inBody));
    const inTitle = forms.some((f) => f.inTitle > 0) ? 2 : 0;
    return { tag: { name: m.name, kind: m.kind } satisfies EntityTag, score: inBody + inTitle, order };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map((s) => s.tag);
}

function firstIndex(text: string, name: string): number {
  const index = text.indexOf(name);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whole-word occurrences of `name` (not inside a longer word), without compiling a pattern per name. */
function occurrences(text: string, name: string): number {
  let count = 0;
  for (let at = text.indexOf(name); at !== -1; ) {
    const end = at + name.length;
    if (!isWordChar(codePointBefore(text, at)) && !isWordChar(text.codePointAt(end))) {
      count++;
      at = text.indexOf(name, end);
    } else at = text.indexOf(name, at + 1);
  }
  return count;
}

function codePointBefore(text: string, index: number): number | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0;
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? text.codePointAt(index - 2) : low;
}

function isWordChar(codePoint: number | undefined): boolean {
  return codePoint !== undefined && WORD_CHAR.test(String.fromCodePoint(codePoint));
}
