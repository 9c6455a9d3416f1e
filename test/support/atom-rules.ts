// What the W3C Feed Validator checks in Atom 1.0 (RFC 4287) beyond the RELAX NG schema, which
// jing runs separately (atomSchema). Each problem starts with the validator's message name
// (validator.w3.org/feed/docs/{error,warning}/<Name>.html); strict mode fails on warnings too.

import { atomPlainTextProblem, escapedHtmlProblems, markupProblems, type MarkupElement } from './html-safety.js';
import {
  absoluteIriProblem,
  addrSpecProblem,
  asList,
  canonicalIriProblem,
  characterProblems,
  repeatedValues,
  rfc3339Problem,
  selfHrefProblem,
} from './syntax.js';
import { NS, attr, checkText, childrenNamed, descendants, firstChild, parseXml, strayAfterFirst, type XElement } from './xml-tree.js';

// The IANA link relations the validator knows (UnregisteredAtomLinkRel for other short names;
// any absolute IRI is also allowed as a rel).
const REGISTERED_RELS = new Set([
  'alternate', 'current', 'describedby', 'edit', 'edit-media', 'enclosure', 'first', 'hub', 'last',
  'license', 'next', 'next-archive', 'payment', 'prev-archive', 'previous', 'related', 'replies',
  'search', 'self', 'service', 'up', 'via',
]);
const IANA_REL_PREFIX = 'http://www.iana.org/assignments/relation/';

const atom = (parent: XElement, local: string) => childrenNamed(parent, NS.atom, local);

/** Problems that would keep the W3C Feed Validator from a clean pass on this Atom feed. */
export function atomRules(xml: string): string[] {
  const { root, problems } = parseXml(xml);
  return [...problems, ...characterProblems(xml, 'document'), ...(root ? feedProblems(root) : [])];
}

function feedProblems(feed: XElement): string[] {
  if (feed.ns !== NS.atom || feed.local !== 'feed') return [`UndefinedElement: the root element is <${feed.qname}>, not an Atom feed`];
  const entries = atom(feed, 'entry');
  const feedHasAuthor = atom(feed, 'author').length > 0;
  return [
    ...requiredProblems(feed),
    ...misplacedMetadataProblems(feed),
    ...sharedProblems(feed),
    ...selfLinkProblems(feed),
    ...noWhitespaceProblems([...atom(feed, 'icon'), ...atom(feed, 'logo')]),
    ...checkText([...atom(feed, 'icon'), ...atom(feed, 'logo')], absoluteIriProblem),
    ...entries.flatMap((entry) => entryProblems(entry, feedHasAuthor)),
    ...duplicateProblems(entries, 'id', 'DuplicateEntries'),
    ...duplicateProblems(entries, 'updated', 'DuplicateUpdated'),
  ];
}

function entryProblems(entry: XElement, feedHasAuthor: boolean): string[] {
  return [
    ...requiredProblems(entry),
    ...authorProblems(entry, feedHasAuthor),
    ...sharedProblems(entry),
    ...contentProblems(entry),
  ];
}

// MissingElement: RFC 4287 §4.1.1 and §4.1.2 require title, id and updated in feed and entry.
function requiredProblems(element: XElement): string[] {
  return ['title', 'id', 'updated']
    .filter((local) => !firstChild(element, NS.atom, local))
    .map((local) => `MissingElement: ${element.path} has no ${local}`);
}

// MissingElement (author): RFC 4287 §4.1.2, the schema's Schematron rule that jing skips: an
// entry needs an author unless its feed, or its atom:source, has one.
function authorProblems(entry: XElement, feedHasAuthor: boolean): string[] {
  const source = firstChild(entry, NS.atom, 'source');
  const hasAuthor = feedHasAuthor || atom(entry, 'author').length > 0 || (source && atom(source, 'author').length > 0);
  return hasAuthor ? [] : [`MissingElement: ${entry.path} has no author, and neither does the feed`];
}

// MisplacedMetadata: feed metadata must come before the first entry.
function misplacedMetadataProblems(feed: XElement): string[] {
  return strayAfterFirst(feed, (child) => child.ns === NS.atom && child.local === 'entry').map(
    (child) => `MisplacedMetadata: ${child.path} must appear before all entries`,
  );
}

/** Checks that apply alike to atom:feed and atom:entry children. */
function sharedProblems(element: XElement): string[] {
  const dates = [...atom(element, 'updated'), ...atom(element, 'published')];
  return [
    ...noWhitespaceProblems([...atom(element, 'id'), ...dates]),
    ...checkText(atom(element, 'id'), (value, where) => absoluteIriProblem(value, where) ?? canonicalIriProblem(value, where)),
    ...checkText(dates, rfc3339Problem),
    ...['title', 'subtitle', 'summary', 'rights'].flatMap((local) => atom(element, local)).flatMap(textConstructProblems),
    ...[...atom(element, 'author'), ...atom(element, 'contributor')].flatMap(personProblems),
    ...atom(element, 'category').flatMap(categoryProblems),
    ...atom(element, 'link').flatMap(linkProblems),
    ...alternateLinkProblems(element),
  ];
}

// UnexpectedWhitespace: the validator's "nows" values (ids, dates, icon, logo) must not be
// padded with whitespace.
function noWhitespaceProblems(elements: readonly XElement[]): string[] {
  return elements
    .filter((element) => element.text !== element.text.trim())
    .map((element) => `UnexpectedWhitespace: ${element.path}: whitespace is not permitted around the value`);
}

// DuplicateEntries ("Two entries with the same id") and DuplicateUpdated ("Two entries with the
// same value for atom:updated") are both validator warnings.
function duplicateProblems(entries: readonly XElement[], local: string, message: string): string[] {
  const values = entries.map((entry) => firstChild(entry, NS.atom, local)?.text.trim() ?? '');
  return repeatedValues(values).map((value) => `${message}: two entries have the ${local} "${value}"`);
}

// Text constructs (RFC 4287 §3.1) must not be blank (NotBlank). type="html" is escaped HTML,
// held to the validator's SecurityRisk / SecurityRiskAttr / DangerousStyleAttr / ContainsRelRef
// / NotHtml; type="xhtml" is the same markup inline; plain text must not carry HTML
// (ContainsUndeclaredHTML).
function textConstructProblems(element: XElement): string[] {
  if (!element.text.trim() && element.children.length === 0) return [`NotBlank: ${element.path} should not be blank`];
  const type = attr(element, 'type') ?? 'text';
  if (type === 'html') return escapedHtmlProblems(element.text, element.path);
  if (type === 'xhtml') return markupProblems(xhtmlElements(element), element.path);
  if (type === 'text') return asList(atomPlainTextProblem(element.text, element.path));
  return [];
}

/** The XHTML inside a type="xhtml" construct, below its wrapping div. */
function xhtmlElements(element: XElement): MarkupElement[] {
  return descendants(element)
    .slice(1)
    .map((child) => ({
      name: child.ns === NS.xhtml ? child.local : child.qname,
      attrs: child.attrs.map((attribute) => [attribute.qname, attribute.value] as const),
    }));
}

// Person constructs (§3.2): a non-blank name, an addr-spec email (InvalidAddrSpec), an IRI uri.
function personProblems(person: XElement): string[] {
  return [
    ...checkText(atom(person, 'name'), (value, where) => (value ? null : `NotBlank: ${where} should not be blank`)),
    ...checkText(atom(person, 'email'), addrSpecProblem),
    ...checkText(atom(person, 'uri'), absoluteIriProblem),
  ];
}

// atom:category (§4.2.2): term is required (MissingAttribute) and not blank (AttrNotBlank);
// scheme is an IRI.
function categoryProblems(category: XElement): string[] {
  const term = attr(category, 'term');
  const scheme = attr(category, 'scheme');
  return [
    ...(term === undefined ? [`MissingAttribute: ${category.path} has no term attribute`] : []),
    ...(term !== undefined && !term.trim() ? [`AttrNotBlank: ${category.path}: the term attribute should not be blank`] : []),
    ...(scheme === undefined ? [] : asList(absoluteIriProblem(scheme, `${category.path}/@scheme`))),
  ];
}

/** The rel of an atom:link; RFC 4287 §4.2.7.2 makes a missing rel mean "alternate". */
function relOf(link: XElement): string {
  const rel = attr(link, 'rel') ?? 'alternate';
  return rel.startsWith(IANA_REL_PREFIX) ? rel.slice(IANA_REL_PREFIX.length) : rel;
}

// atom:link (§4.2.7): href required (MissingHref) and, strictly, absolute (a relative one
// needs xml:base, which the harness does not resolve; RelativeSelf for the self link); rel
// registered or an IRI (UnregisteredAtomLinkRel); length a byte count; no text content
// (AtomLinkNotEmpty).
function linkProblems(link: XElement): string[] {
  const href = attr(link, 'href');
  const rel = relOf(link);
  const length = attr(link, 'length');
  return [
    ...(href === undefined ? [`MissingHref: ${link.path} must have an href attribute`] : hrefProblems(href, rel, link.path)),
    ...(REGISTERED_RELS.has(rel) || !absoluteIriProblem(rel, '') ? [] : [`UnregisteredAtomLinkRel: ${link.path}: rel "${rel}" is not registered`]),
    ...(length === undefined || /^\d+$/.test(length) ? [] : [`InvalidNonNegativeInteger: ${link.path}: length "${length}"`]),
    ...(link.text.trim() ? [`AtomLinkNotEmpty: ${link.path} should not have text (all data is in attributes)`] : []),
  ];
}

function hrefProblems(href: string, rel: string, where: string): string[] {
  return asList(rel === 'self' ? selfHrefProblem(href, `${where}/@href`) : absoluteIriProblem(href, `${where}/@href`));
}

// MissingSelf: "atom:feed elements SHOULD contain one atom:link element with a rel attribute
// value of self" (§4.1.1); strictly typed application/atom+xml (the validator's SelfNotAtom
// also lets RSS types through).
function selfLinkProblems(feed: XElement): string[] {
  const selfLinks = atom(feed, 'link').filter((link) => relOf(link) === 'self');
  if (selfLinks.length === 0) return [`MissingSelf: ${feed.path} has no atom:link with rel="self"`];
  return selfLinks
    .filter((link) => attr(link, 'type') !== 'application/atom+xml')
    .map((link) => `SelfNotAtom: ${link.path}: the self link's type should be application/atom+xml`);
}

// DuplicateAtomLink: at most one alternate link per type and hreflang (§4.1.1). Strictly, the
// feed and every entry must have one (MissingAlternateLink): readers link titles to it, and an
// entry without content needs it anyway (MissingContentOrAlternate).
function alternateLinkProblems(element: XElement): string[] {
  const alternates = atom(element, 'link').filter((link) => relOf(link) === 'alternate');
  if (alternates.length === 0) return [`MissingAlternateLink: ${element.path} must contain a link element with rel="alternate"`];
  const keys = alternates.map((link) => `${attr(link, 'type') ?? ''} ${attr(link, 'hreflang') ?? ''}`);
  return keys.some((key, index) => keys.indexOf(key) !== index)
    ? [`DuplicateAtomLink: ${element.path} has two alternate links with the same type and hreflang`]
    : [];
}

// MissingTextualContent: an entry with neither content nor summary. MissingSummary: content
// given by src, or in a non-text, non-XML media type, needs a summary (RFC 4287 §4.1.1.1).
// MissingTypeAttr: content by src should say its media type.
function contentProblems(entry: XElement): string[] {
  const content = firstChild(entry, NS.atom, 'content');
  const hasSummary = Boolean(firstChild(entry, NS.atom, 'summary'));
  if (!content) return hasSummary ? [] : [`MissingTextualContent: ${entry.path} has neither content nor summary`];
  const type = attr(content, 'type') ?? 'text';
  const src = attr(content, 'src');
  const textual = ['text', 'html', 'xhtml'].includes(type) || /^text\/|[+/]xml$/i.test(type);
  return [
    ...(src !== undefined && attr(content, 'type') === undefined ? [`MissingTypeAttr: ${content.path} has src but no type`] : []),
    ...((src !== undefined || !textual) && !hasSummary ? [`MissingSummary: ${entry.path}: content of type "${type}"${src ? ' by src' : ''} needs a summary`] : []),
    ...(src === undefined ? textConstructProblems(content) : asList(absoluteIriProblem(src, `${content.path}/@src`))),
  ];
}
