import { parseHTML } from 'linkedom';
import { characterReferenceProblems } from './syntax.js';

/** One element of HTML content, from escaped HTML or from inline XHTML. */
export interface MarkupElement {
  name: string;
  attrs: ReadonlyArray<readonly [name: string, value: string]>;
}

// Elements a feed may carry. The W3C Feed Validator warns SecurityRisk for elements outside its
// "acceptable_elements" list and NotHtml for unknown ones; this is a subset of that list (no
// forms, canvas, dialog or template), so whatever passes here passes there.
const SAFE_ELEMENTS = new Set([
  'a', 'abbr', 'acronym', 'address', 'area', 'article', 'aside', 'audio', 'b', 'bdi', 'big',
  'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'data', 'dd', 'del',
  'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'main', 'map',
  'mark', 'nav', 'ol', 'p', 'picture', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section',
  'small', 'source', 'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'time', 'tr', 'track', 'tt', 'u', 'ul', 'var', 'video', 'wbr',
]);

// Attributes likewise, a subset of the validator's "acceptable_attributes" (SecurityRiskAttr
// otherwise; its list has no `controls`, so even <video controls> draws that warning). It
// accepts any data-* attribute; style is handled by styleProblem.
const SAFE_ATTRIBUTES = new Set([
  'abbr', 'align', 'alt', 'border', 'cite', 'class', 'colspan', 'datetime', 'decoding', 'default',
  'dir', 'headers', 'height', 'href', 'hreflang', 'id', 'kind', 'label', 'lang', 'loading', 'name',
  'poster', 'rel', 'reversed', 'rowspan', 'scope', 'sizes', 'span', 'src', 'srclang', 'srcset',
  'start', 'title', 'type', 'valign', 'value', 'width', 'xml:lang', 'xmlns',
]);

// Attributes holding URLs that a reader resolves: the validator's ContainsRelRef looks at
// a/@href and img/@src; a relative URL in a feed has no reliable base once the item is syndicated.
const URL_ATTRIBUTES = new Set(['href', 'src', 'poster', 'cite']);

// linkedom's DOM types are loose; these are the members the fragment reader uses.
interface HtmlDomElement {
  localName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
}

/** Elements of an HTML fragment as a browser-like parser sees them (linkedom, HTML mode). */
function parseHtmlFragment(html: string): MarkupElement[] {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  document.body.innerHTML = html;
  const elements = Array.from(document.body.querySelectorAll('*')) as unknown as HtmlDomElement[];
  return elements.map((element) => ({
    name: element.localName.toLowerCase(),
    attrs: Array.from(element.attributes, (attribute) => [attribute.name.toLowerCase(), attribute.value] as const),
  }));
}

/** Escaped HTML (RSS description, content:encoded, Atom type="html", JSON content_html). */
export function escapedHtmlProblems(html: string, where: string): string[] {
  // html5lib, which the validator uses, reports <?import as SecurityRisk before parsing.
  const importProblem = /<\?import\b/i.test(html) ? [`SecurityRisk: ${where} contains <?import>`] : [];
  return [
    ...importProblem,
    ...characterReferenceProblems(html, where),
    ...tagNestingProblems(html, where),
    ...markupProblems(parseHtmlFragment(html), where),
  ];
}

// HTML elements that never have an end tag, and those whose end tag may be left out
// (HTML Living Standard §13.1.2.4 "Optional tags").
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const OPTIONAL_END = new Set(['p', 'li', 'dt', 'dd', 'rt', 'rp', 'optgroup', 'option', 'colgroup', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th']);
const TAG = /<!--[\s\S]*?-->|<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*(\/?)>/g;

/**
 * NotHtml ("Invalid HTML"): the validator parses escaped HTML with html5lib in strict mode and
 * warns at the first parse error. This catches the errors a feed generator makes, above all
 * HTML cut short for a summary: end tags with no open element, misnested or unclosed
 * elements, and "/>" on elements that are not void.
 */
function tagNestingProblems(html: string, where: string): string[] {
  const open: string[] = [];
  for (const [token, slash, rawName, selfClosing] of html.matchAll(TAG)) {
    const name = rawName?.toLowerCase();
    if (!name || VOID_ELEMENTS.has(name)) continue;
    if (selfClosing) return [`NotHtml: ${where}: "${token}" is not a void element and cannot self-close`];
    if (!slash) open.push(name);
    else if (!open.includes(name)) return [`NotHtml: ${where}: end tag </${name}> has no open element`];
    else if (closeTo(open, name)) return [`NotHtml: ${where}: </${name}> closes elements left open inside it`];
  }
  const unclosed = open.filter((name) => !OPTIONAL_END.has(name));
  return unclosed.length > 0 ? [`NotHtml: ${where}: <${unclosed.join('>, <')}> never closed`] : [];
}

/** Pops `open` down to and including `name`; true when that skipped elements needing an end tag. */
function closeTo(open: string[], name: string): boolean {
  const skipped = open.splice(open.lastIndexOf(name)).slice(1);
  return skipped.some((element) => !OPTIONAL_END.has(element));
}

/** Dangerous elements, attributes and URLs, and relative URLs, in parsed markup. */
export function markupProblems(elements: readonly MarkupElement[], where: string): string[] {
  return elements.flatMap((element) => [
    ...(SAFE_ELEMENTS.has(element.name) ? [] : [`SecurityRisk: ${where} should not contain <${element.name}>`]),
    ...element.attrs.flatMap(([name, value]) => attributeProblems(element.name, name, value, where)),
  ]);
}

function attributeProblems(element: string, name: string, value: string, where: string): string[] {
  if (name === 'style') return [styleProblem(element, where)];
  if (!SAFE_ATTRIBUTES.has(name) && !name.startsWith('data-')) {
    return [`SecurityRiskAttr: ${where}: <${element}> should not carry the ${name} attribute`];
  }
  const urls = name === 'srcset' ? srcsetUrls(value) : URL_ATTRIBUTES.has(name) ? [value.trim()] : [];
  return urls.flatMap((url) => urlProblems(element, name, url, where));
}

// The validator parses style attributes and warns DangerousStyleAttr for anything beyond a
// short list of CSS properties and keywords. The harness is stricter and rejects every style
// attribute: feed readers drop or restyle inline CSS anyway, and no list here can drift.
function styleProblem(element: string, where: string): string {
  return `DangerousStyleAttr: ${where}: <${element}> has a style attribute (strict: none allowed)`;
}

function srcsetUrls(srcset: string): string[] {
  return srcset.split(',').map((candidate) => candidate.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

function urlProblems(element: string, name: string, url: string, where: string): string[] {
  if (/^\s*(?:javascript|vbscript):/i.test(url)) {
    return [`SecurityRisk: ${where}: <${element} ${name}> is a script URL, which is potentially dangerous content`];
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) {
    return [`ContainsRelRef: ${where}: <${element} ${name}="${url}"> is a relative URL reference`];
  }
  return [];
}

// The validator's nonhtml test for plain-text elements: text that still holds an HTML end tag,
// or an entity or character reference, after XML decoding was escaped twice or is HTML the
// reader will show as source. "&" then a word counts as a reference; a known one is flagged.
const HTML_END_TAG = /<\/[A-Za-z][A-Za-z0-9]*\s*>/;
const REFERENCE_LIKE = /&#?\w+/;
const KNOWN_REFERENCE = /&(?:#\w+|(?:amp|lt|gt|quot|apos|nbsp|[lr][sd]quo|[mn]dash|hellip|copy|reg)\b)/;

/** Atom type="text" constructs: HTML in them is ContainsUndeclaredHTML. */
export function atomPlainTextProblem(text: string, where: string): string | null {
  const html = HTML_END_TAG.exec(text)?.[0] ?? KNOWN_REFERENCE.exec(text)?.[0];
  return html ? `ContainsUndeclaredHTML: ${where} is plain text but contains HTML ("${html}")` : null;
}

/**
 * RSS 2.0 plain-text elements (titles, channel description, category...). Besides HTML
 * (ContainsHTML), the RSS profile's CharacterData warning: a "<" that starts what looks like a
 * tag in the decoded text must be written as a hexadecimal reference (&#x3C;), so an element
 * whose source has no "&#x" is flagged. `rawSource` is its content as written.
 */
export function rssPlainTextProblem(text: string, rawSource: string, where: string): string | null {
  const endTag = HTML_END_TAG.exec(text)?.[0];
  if (endTag) return `ContainsHTML: ${where} is plain text but contains HTML ("${endTag}")`;
  const hexEncoded = rawSource.includes('&#x');
  if (REFERENCE_LIKE.test(text)) {
    const reference = KNOWN_REFERENCE.exec(text)?.[0];
    return reference && !hexEncoded ? `ContainsHTML: ${where} is plain text but contains "${reference}"` : null;
  }
  return /<[/A-Za-z]/.test(text) && !hexEncoded
    ? `CharacterData: ${where}: encode "&" and "<" in plain text as &#x26; and &#x3C;`
    : null;
}
