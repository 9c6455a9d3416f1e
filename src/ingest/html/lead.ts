import { elementsOf, type DomDocument, type DomElement } from './dom.js';
import { classWords } from './preclean.js';

/*
 * News pages often set the lead paragraph (standfirst, intro, deck) apart
 * from the body, in the article header. Readability picks the body container
 * and leaves the lead behind, though readers and annotators count it as the
 * start of the article. The lead is recognised by its class words and by
 * sitting just before the extracted content in the same article container.
 */

const LEAD_WORDS = new Set(['lead', 'intro', 'introduction', 'introtext', 'standfirst', 'deck', 'excerpt', 'abstract', 'summary', 'subtitle', 'subheadline', 'description', 'teaser', 'kicker']);
const ATTRIBUTE = 'data-wf-index';
/** How far above the extracted content the lead and the content may part. */
const MAX_LEVELS_APART = 4;

/** Element positions recorded before Readability moves, empties and removes nodes. */
export interface DocumentMap {
  parents: number[];
  /** Deepest element nesting below body. */
  depth: number;
  /** Copies of the elements whose class words name a lead, by position. */
  leads: Map<number, DomElement>;
}

export function mapDocument(doc: DomDocument): DocumentMap {
  const elements = doc.body ? elementsOf(doc.body.querySelectorAll('*')) : [];
  const index = new Map<DomElement, number>();
  const leads = new Map<number, DomElement>();
  elements.forEach((element, i) => {
    index.set(element, i);
    element.setAttribute(ATTRIBUTE, String(i));
    if (classWords(element).some((word) => LEAD_WORDS.has(word))) leads.set(i, element.cloneNode(true));
  });
  const parents = elements.map((element) => (element.parentNode ? (index.get(element.parentNode) ?? -1) : -1));
  // Parents come before their children in document order, so one pass suffices.
  const depths: number[] = [];
  parents.forEach((parent, i) => (depths[i] = parent >= 0 ? (depths[parent] ?? 0) + 1 : 1));
  return { parents, depth: depths.reduce((deepest, depth) => Math.max(deepest, depth), 0), leads };
}

/** Puts back, at the top of `article`, lead elements that closely precede the extracted content but are missing from it. */
export function restoreLead(map: DocumentMap, article: DomElement): void {
  for (const lead of missingLeads(map, article).reverse()) article.insertBefore(lead, article.firstChild);
}

function missingLeads(map: DocumentMap, article: DomElement): DomElement[] {
  const first = elementsOf(article.querySelectorAll(`[${ATTRIBUTE}]`)).reduce(
    (lowest, element) => Math.min(lowest, Number(element.getAttribute(ATTRIBUTE))),
    Infinity,
  );
  if (first === Infinity) return [];
  const ancestors = ancestorsOf(map, first);
  const articleText = squash(article.textContent ?? '');
  const leads: DomElement[] = [];
  for (const [i, element] of map.leads) {
    if (i >= first || ancestors.includes(i)) continue;
    const common = ancestorsOf(map, i).find((a) => ancestors.includes(a));
    if (common === undefined || ancestors.indexOf(common) > MAX_LEVELS_APART) continue;
    const text = squash(element.textContent ?? '');
    if (text.length < 30 || text.length > 1500 || articleText.includes(text)) continue;
    if (leads.some((lead) => squash(lead.textContent ?? '').includes(text))) continue;
    leads.push(element);
  }
  return leads;
}

function ancestorsOf(map: DocumentMap, index: number): number[] {
  const chain: number[] = [];
  for (let i = map.parents[index] ?? -1; i >= 0; i = map.parents[i] ?? -1) chain.push(i);
  return chain;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
