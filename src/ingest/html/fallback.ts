import { parseDocument, parseFragment, type DomElement } from './dom.js';
import { mainProseElement, precleanDocument } from './preclean.js';

/**
 * The body to use when Readability finds nothing or little (pages whose text
 * sits in one element it rejects, such as lyrics, forum posts or
 * <br>-separated blog posts): the element with the most prose in a freshly
 * parsed and pre-cleaned page, or the JSON-LD articleBody, whichever is longer.
 */
export function fallbackArticle(html: string, articleBody: string | undefined): DomElement | undefined {
  const doc = parseDocument(html);
  precleanDocument(doc);
  const prose = doc.body ? mainProseElement(doc.body) : undefined;
  const fromJsonLd = articleBody ? parseFragment(plainTextToHtml(articleBody)) : undefined;
  return textLength(fromJsonLd) > textLength(prose) ? fromJsonLd : prose;
}

function textLength(element: DomElement | undefined): number {
  return (element?.textContent ?? '').trim().length;
}

/** Paragraphs of a plain text (line breaks separate them) as escaped HTML. */
function plainTextToHtml(text: string): string {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n+/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escape(paragraph)}</p>`)
    .join('');
}
