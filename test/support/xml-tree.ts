import { DOMParser } from 'linkedom';

export const NS = {
  xml: 'http://www.w3.org/XML/1998/namespace',
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  xhtml: 'http://www.w3.org/1999/xhtml',
  fh: 'http://purl.org/syndication/history/1.0',
  media: 'http://search.yahoo.com/mrss/',
} as const;

interface XAttr {
  ns: string | null;
  local: string;
  qname: string;
  value: string;
}

/** An element with its namespace resolved, which linkedom's XML mode does not do itself. */
export interface XElement {
  ns: string | null;
  local: string;
  qname: string;
  /** Where the element is, for messages: /rss/channel/item[2]/guid */
  path: string;
  attrs: XAttr[];
  children: XElement[];
  /** The decoded text of the element and its descendants (entities and CDATA resolved). */
  text: string;
}

interface ParsedXml {
  root: XElement | null;
  /** Namespace errors found while resolving prefixes (validator message MissingNamespace). */
  problems: string[];
}

type Scope = ReadonlyMap<string, string>;

// linkedom's own DOM types are loose; these are the members the tree builder reads.
interface DomAttr {
  name: string;
  value: string;
}
interface DomElement {
  tagName: string;
  attributes: ArrayLike<DomAttr>;
  children: ArrayLike<DomElement>;
  textContent: string | null;
}

/**
 * Parses a feed with a real XML parser (linkedom, XML mode) and resolves every element and
 * attribute name against the xmlns declarations in scope. Well-formedness is xmllint's job
 * (xmlWellFormed); this never throws, so rule checkers can run on any input.
 */
export function parseXml(xml: string): ParsedXml {
  const problems: string[] = [];
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const rootElement = document.documentElement as unknown as DomElement | null;
  if (!rootElement) return { root: null, problems: ['SAXError: the document has no root element'] };
  const predeclared: Scope = new Map([['xml', NS.xml]]);
  return { root: buildElement(rootElement, predeclared, `/${rootElement.tagName}`, problems), problems };
}

function buildElement(dom: DomElement, parentScope: Scope, path: string, problems: string[]): XElement {
  const rawAttrs = Array.from(dom.attributes);
  const scope = declaredScope(rawAttrs, parentScope);
  const name = resolveName(dom.tagName, scope, true, path, problems);
  const attrs = rawAttrs
    .filter((attr) => !isNamespaceDeclaration(attr.name))
    .map((attr) => ({ ...resolveName(attr.name, scope, false, path, problems), value: attr.value }));
  const childDoms = Array.from(dom.children);
  const children = childDoms.map((child, index) =>
    buildElement(child, scope, `${path}/${child.tagName}${siblingIndex(childDoms, index)}`, problems),
  );
  return { ...name, path, attrs, children, text: dom.textContent ?? '' };
}

/** `[n]` when several siblings share a name, so paths identify one element. */
function siblingIndex(siblings: DomElement[], index: number): string {
  const name = siblings[index]?.tagName;
  const same = siblings.filter((sibling) => sibling.tagName === name);
  return same.length > 1 ? `[${same.indexOf(siblings[index] as DomElement) + 1}]` : '';
}

function isNamespaceDeclaration(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

function declaredScope(attrs: DomAttr[], parentScope: Scope): Scope {
  const declarations = attrs.filter((attr) => isNamespaceDeclaration(attr.name));
  if (declarations.length === 0) return parentScope;
  const scope = new Map(parentScope);
  for (const { name, value } of declarations) scope.set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), value);
  return scope;
}

/** Namespaces in XML 1.0 §6: unprefixed elements take the default namespace, unprefixed attributes none. */
function resolveName(
  qname: string,
  scope: Scope,
  isElement: boolean,
  path: string,
  problems: string[],
): Pick<XElement, 'ns' | 'local' | 'qname'> {
  const colon = qname.indexOf(':');
  if (colon < 0) return { ns: isElement ? scope.get('') || null : null, local: qname, qname };
  const prefix = qname.slice(0, colon);
  const ns = scope.get(prefix);
  if (ns === undefined) problems.push(`MissingNamespace: ${path}: prefix "${prefix}" of ${qname} is not declared`);
  return { ns: ns ?? null, local: qname.slice(colon + 1), qname };
}

/** The children of `parent` with this namespace and local name. */
export function childrenNamed(parent: XElement, ns: string | null, local: string): XElement[] {
  return parent.children.filter((child) => child.ns === ns && child.local === local);
}

export function firstChild(parent: XElement, ns: string | null, local: string): XElement | undefined {
  return childrenNamed(parent, ns, local)[0];
}

/** The value of an attribute in no namespace (the usual case), or undefined. */
export function attr(element: XElement, local: string): string | undefined {
  return element.attrs.find((candidate) => candidate.ns === null && candidate.local === local)?.value;
}

/** The children that follow the first child matching `isMarker` without matching it themselves. */
export function strayAfterFirst(parent: XElement, isMarker: (child: XElement) => boolean): XElement[] {
  const first = parent.children.findIndex(isMarker);
  return first < 0 ? [] : parent.children.slice(first).filter((child) => !isMarker(child));
}

/** Every element below `element`, depth first. */
export function descendants(element: XElement): XElement[] {
  return element.children.flatMap((child) => [child, ...descendants(child)]);
}

/** Runs a value check on the trimmed text of each element. */
export function checkText(
  elements: readonly XElement[],
  check: (value: string, where: string) => string | null,
): string[] {
  return elements.flatMap((element) => check(element.text.trim(), element.path) ?? []);
}

// A start or end tag; attribute values are skipped whole, since XML lets them contain ">".
const TAG = /<(\/?)([^\s/>!?]+)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;

/** The document with CDATA sections and comments blanked out, so every tag left is a real one. */
function maskedMarkup(xml: string): string {
  return xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, (hidden) => ' '.repeat(hidden.length));
}

/**
 * The raw source between each element's start and end tags, as written (entities and CDATA
 * not yet decoded), for rules that depend on how text was escaped. Empty when the document is
 * not well-formed enough to pair tags with elements; xmllint reports that case.
 */
export function rawInnerSources(xml: string, root: XElement): Map<XElement, string> {
  const elements = [root, ...descendants(root)];
  const sources: string[] = [];
  const open: Array<{ index: number; contentStart: number }> = [];
  for (const tag of maskedMarkup(xml).matchAll(TAG)) {
    const [token, isEnd, , selfClosing] = tag;
    const start = tag.index ?? 0;
    if (selfClosing) sources.push('');
    else if (!isEnd) open.push({ index: sources.push('') - 1, contentStart: start + token.length });
    else {
      const element = open.pop();
      if (element) sources[element.index] = xml.slice(element.contentStart, start);
    }
  }
  if (sources.length !== elements.length) return new Map();
  return new Map(elements.map((element, index) => [element, sources[index] ?? '']));
}
