// RSS 2.0 (rssboard.org/rss-specification) plus what the W3C Feed Validator adds from the RSS
// Advisory Board's Best Practices Profile. Every problem starts with the validator's message
// name (its docs live at validator.w3.org/feed/docs/{error,warning}/<Name>.html); in our strict
// mode warnings fail a feed just as errors do.

import { escapedHtmlProblems, rssPlainTextProblem } from './html-safety.js';
import {
  absoluteIriProblem,
  asList,
  characterProblems,
  httpUrlOnlyProblem,
  languageProblem,
  repeatedValues,
  rfc822Problem,
  rssEmailProblem,
  selfHrefProblem,
} from './syntax.js';
import { NS, attr, checkText, childrenNamed, firstChild, parseXml, rawInnerSources, strayAfterFirst, type XElement } from './xml-tree.js';

/** Each element's content as written, before decoding (for the CharacterData rule). */
type RawSources = ReadonlyMap<XElement, string>;

const CHANNEL_ELEMENTS = [
  'title', 'link', 'description', 'language', 'copyright', 'managingEditor', 'webMaster', 'pubDate',
  'lastBuildDate', 'category', 'generator', 'docs', 'cloud', 'ttl', 'image', 'rating', 'textInput',
  'skipHours', 'skipDays', 'item',
];
const ITEM_ELEMENTS = ['title', 'link', 'description', 'author', 'category', 'comments', 'enclosure', 'guid', 'pubDate', 'source'];

// The children the spec gives each core element; any other child in no namespace is the
// validator's UndefinedElement (an error). Elements not listed hold text only.
const CORE_CHILDREN: Record<string, readonly string[]> = {
  rss: ['channel'],
  channel: CHANNEL_ELEMENTS,
  item: ITEM_ELEMENTS,
  image: ['url', 'title', 'link', 'width', 'height', 'description'],
  textInput: ['title', 'description', 'name', 'link'],
  skipHours: ['hour'],
  skipDays: ['day'],
};

// The attributes the spec gives core elements (UnexpectedAttribute for others).
const CORE_ATTRIBUTES: Record<string, readonly string[]> = {
  rss: ['version'],
  category: ['domain'],
  guid: ['isPermaLink'],
  enclosure: ['url', 'length', 'type'],
  source: ['url'],
  cloud: ['domain', 'port', 'path', 'registerProcedure', 'protocol'],
};

// Only category, item, hour and day may repeat (DuplicateElement; a second enclosure is the
// DuplicateEnclosure warning).
const REPEATABLE = new Set(['category', 'item', 'hour', 'day']);

const DUBLIN_CORE = [
  'title', 'creator', 'subject', 'description', 'publisher', 'contributor', 'date', 'type', 'format',
  'identifier', 'source', 'language', 'relation', 'coverage', 'rights',
].map((local) => `${NS.dc} ${local}`);

// Extension elements the harness knows the validator's rules for. Others are reported: the
// harness cannot vouch that the validator accepts them.
// RFC 5005 fh:archive/fh:complete are channel extensions the validator accepts (extension.py,
// do_fh_archive); media:content is its Media RSS item extension (media.py).
const EXTENSIONS: Record<string, readonly string[]> = {
  channel: [`${NS.atom} link`, `${NS.fh} archive`, `${NS.fh} complete`, ...DUBLIN_CORE],
  item: [`${NS.content} encoded`, `${NS.media} content`, ...DUBLIN_CORE],
};

// Core element / extension element pairs that say the same thing: the validator warns
// DuplicateSemantics (channel) and DuplicateItemSemantics (item) when both appear.
const CHANNEL_SAME_MEANING: ReadonlyArray<readonly [string, string]> = [
  ['managingEditor', 'creator'], ['category', 'subject'], ['pubDate', 'date'], ['language', 'language'],
  ['copyright', 'rights'], ['webMaster', 'publisher'],
];
const ITEM_SAME_MEANING: ReadonlyArray<readonly [string, string]> = [
  ['author', 'creator'], ['category', 'subject'], ['pubDate', 'date'], ['source', 'source'],
];

/** Problems that would keep the W3C Feed Validator from a clean pass on this RSS 2.0 feed. */
export function rssRules(xml: string): string[] {
  const { root, problems } = parseXml(xml);
  const rootProblems = root ? rssProblems(root, rawInnerSources(xml, root)) : [];
  return [...problems, ...characterProblems(xml, 'document'), ...rootProblems];
}

function rssProblems(rss: XElement, raw: RawSources): string[] {
  if (rss.ns !== null || rss.local !== 'rss') return [`UndefinedElement: the root element is <${rss.qname}>, not <rss>`];
  const channels = childrenNamed(rss, null, 'channel');
  return [
    ...(attr(rss, 'version') === '2.0' ? [] : ['InvalidRSSVersion: /rss: the version attribute must be "2.0"']),
    ...(channels.length === 0 ? ['MissingElement: /rss has no channel'] : []),
    ...structureProblems(rss),
    ...channels.flatMap((channel) => channelProblems(channel, raw)),
  ];
}

// ---- structure: names, repetition and attributes of every core element ----

function structureProblems(element: XElement): string[] {
  const allowed = CORE_CHILDREN[element.local] ?? [];
  const known = element.children.filter((child) => child.ns === null && allowed.includes(child.local));
  return [
    ...attributeProblems(element),
    ...element.children.flatMap((child) => childNameProblem(element, child) ?? []),
    ...repetitionProblems(element, known),
    ...known.flatMap(structureProblems),
  ];
}

function childNameProblem(parent: XElement, child: XElement): string | null {
  if (child.ns === null) {
    return (CORE_CHILDREN[parent.local] ?? []).includes(child.local)
      ? null
      : `UndefinedElement: ${child.path}: <${parent.local}> has no child <${child.local}> in RSS 2.0`;
  }
  if ((EXTENSIONS[parent.local] ?? []).includes(`${child.ns} ${child.local}`)) return null;
  return `UnknownExtension: ${child.path}: <${child.qname}> (${child.ns}) is not an extension the strict harness can vouch for`;
}

function repetitionProblems(parent: XElement, children: readonly XElement[]): string[] {
  return repeatedValues(children.map((child) => child.local))
    .filter((name) => !REPEATABLE.has(name))
    .map((name) =>
      name === 'enclosure'
        ? `DuplicateEnclosure: ${parent.path} contains more than one enclosure`
        : `DuplicateElement: ${parent.path} contains more than one ${name}`,
    );
}

function attributeProblems(element: XElement): string[] {
  const allowed = CORE_ATTRIBUTES[element.local] ?? [];
  return element.attrs.flatMap((attribute) => {
    if (attribute.ns === NS.xml) return [];
    if (attribute.ns !== null) return [`UseOfExtensionAttr: ${element.path}: ${attribute.qname} on an RSS 2.0 core element`];
    return allowed.includes(attribute.local) ? [] : [`UnexpectedAttribute: ${element.path}: <${element.local}> has no ${attribute.local} attribute`];
  });
}

// ---- channel ----

function channelProblems(channel: XElement, raw: RawSources): string[] {
  const core = (local: string) => childrenNamed(channel, null, local);
  const items = core('item');
  return [
    ...requiredProblems(channel, [['title', 'MissingTitle'], ['link', 'MissingLink'], ['description', 'MissingDescription']]),
    ...titleProblems(core('title'), raw),
    ...plainTextProblems([...core('description'), ...core('copyright')], raw),
    ...checkText(core('link'), httpUrlOnlyProblem),
    ...checkText(core('docs'), absoluteIriProblem),
    ...checkText(core('language'), languageProblem),
    ...checkText([...core('pubDate'), ...core('lastBuildDate')], rfc822Problem),
    ...checkText([...core('managingEditor'), ...core('webMaster')], rssEmailProblem),
    ...checkText(core('ttl'), positiveIntegerProblem),
    ...core('category').flatMap((category) => categoryProblems(category, raw)),
    ...core('image').flatMap((image) => imageProblems(image, channel, raw)),
    ...core('textInput').map((textInput) => `AvoidTextInput: ${textInput.path}: the RSS profile advises against textInput`),
    ...selfLinkProblems(channel),
    ...misplacedItemProblems(channel),
    ...sameMeaningProblems(channel, CHANNEL_SAME_MEANING, 'DuplicateSemantics'),
    ...items.flatMap((item) => itemProblems(item, raw)),
    ...duplicateGuidProblems(items),
  ];
}

function requiredProblems(parent: XElement, required: ReadonlyArray<readonly [string, string]>): string[] {
  return required
    .filter(([local]) => !firstChild(parent, null, local))
    .map(([local, message]) => `${message}: ${parent.path} has no ${local}`);
}

function plainTextProblems(elements: readonly XElement[], raw: RawSources): string[] {
  return elements.flatMap((element) => asList(rssPlainTextProblem(element.text, raw.get(element) ?? '', element.path)));
}

function titleProblems(titles: readonly XElement[], raw: RawSources): string[] {
  const blank = titles.filter((title) => !title.text.trim());
  return [...blank.map((title) => `NotBlank: ${title.path} should not be blank`), ...plainTextProblems(titles, raw)];
}

function positiveIntegerProblem(value: string, where: string): string | null {
  return /^[1-9]\d*$/.test(value) ? null : `InvalidPositiveInteger: ${where}: "${value}" must be a positive integer`;
}

function categoryProblems(category: XElement, raw: RawSources): string[] {
  const domain = attr(category, 'domain');
  return [
    ...titleProblems([category], raw),
    ...(domain !== undefined && !domain.trim() ? [`AttrNotBlank: ${category.path}: the domain attribute should not be blank`] : []),
  ];
}

// The validator's image checks: title, url and link required, a GIF/JPEG/PNG url
// (ImageUrlFormat), title and link equal to the channel's (ImageTitleDoesntMatch,
// ImageLinkDoesntMatch), width at most 144 and height at most 400.
function imageProblems(image: XElement, channel: XElement, raw: RawSources): string[] {
  const text = (parent: XElement, local: string) => firstChild(parent, null, local)?.text.trim();
  const url = text(image, 'url');
  return [
    ...requiredProblems(image, [['title', 'MissingTitle'], ['url', 'MissingElement'], ['link', 'MissingLink']]),
    ...checkText([...childrenNamed(image, null, 'url'), ...childrenNamed(image, null, 'link')], httpUrlOnlyProblem),
    ...plainTextProblems([...childrenNamed(image, null, 'title'), ...childrenNamed(image, null, 'description')], raw),
    ...(url && !/\.(?:jpe?g|gif|png)$/i.test(url) ? [`ImageUrlFormat: ${image.path}/url: "${url}" is not a GIF, JPEG or PNG`] : []),
    ...(text(image, 'title') === text(channel, 'title') ? [] : [`ImageTitleDoesntMatch: ${image.path}/title differs from the channel title`]),
    ...(text(image, 'link') === text(channel, 'link') ? [] : [`ImageLinkDoesntMatch: ${image.path}/link differs from the channel link`]),
    ...checkText(childrenNamed(image, null, 'width'), (value, where) => boundedProblem(value, where, 144, 'InvalidWidth')),
    ...checkText(childrenNamed(image, null, 'height'), (value, where) => boundedProblem(value, where, 400, 'InvalidHeight')),
  ];
}

function boundedProblem(value: string, where: string, max: number, message: string): string | null {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  return number >= 1 && number <= max ? null : `${message}: ${where}: "${value}" must be between 1 and ${max}`;
}

// MissingAtomSelfLink: the RSS profile wants the feed's own URL in an atom:link rel="self",
// absolute (RelativeSelf) and, strictly, typed as the RSS it is (SelfNotAtom is the
// validator's looser version of that check).
function selfLinkProblems(channel: XElement): string[] {
  const links = childrenNamed(channel, NS.atom, 'link');
  const selfLinks = links.filter((link) => attr(link, 'rel') === 'self');
  if (selfLinks.length === 0) return [`MissingAtomSelfLink: ${channel.path} has no atom:link with rel="self"`];
  return [
    ...links.flatMap((link) => atomLinkHrefProblems(link)),
    ...selfLinks
      .filter((link) => attr(link, 'type') !== 'application/rss+xml')
      .map((link) => `SelfNotAtom: ${link.path}: the self link's type should be application/rss+xml`),
  ];
}

function atomLinkHrefProblems(link: XElement): string[] {
  const href = attr(link, 'href');
  if (href === undefined) return [`MissingHref: ${link.path} must have an href attribute`];
  const check = attr(link, 'rel') === 'self' ? selfHrefProblem : httpUrlOnlyProblem;
  return asList(check(href, `${link.path}/@href`));
}

// MisplacedItem: the RSS profile wants every item after all other channel elements.
function misplacedItemProblems(channel: XElement): string[] {
  return strayAfterFirst(channel, (child) => child.ns === null && child.local === 'item').map(
    (child) => `MisplacedItem: ${child.path} comes after an item; items belong at the end of the channel`,
  );
}

function sameMeaningProblems(
  parent: XElement,
  pairs: ReadonlyArray<readonly [string, string]>,
  message: string,
): string[] {
  return pairs
    .filter(([core, dc]) => firstChild(parent, null, core) && firstChild(parent, NS.dc, dc))
    .map(([core, dc]) => `${message}: ${parent.path} has both ${core} and dc:${dc}`);
}

// ---- item ----

function itemProblems(item: XElement, raw: RawSources): string[] {
  const core = (local: string) => childrenNamed(item, null, local);
  return [
    ...(core('title').length || core('description').length ? [] : [`ItemMustContainTitleOrDescription: ${item.path}`]),
    ...(core('guid').length ? [] : [`MissingGuid: ${item.path} should contain a guid`]),
    ...core('guid').flatMap(guidProblems),
    ...titleProblems(core('title'), raw),
    ...plainTextProblems(core('source'), raw),
    ...checkText([...core('link'), ...core('comments')], httpUrlOnlyProblem),
    ...checkText(core('author'), rssEmailProblem),
    ...checkText(core('pubDate'), rfc822Problem),
    ...core('category').flatMap((category) => categoryProblems(category, raw)),
    ...[...core('description'), ...childrenNamed(item, NS.content, 'encoded')].flatMap(htmlProblems),
    ...descriptionOrderProblems(item),
    ...core('enclosure').flatMap(enclosureProblems),
    ...childrenNamed(item, NS.media, 'content').flatMap(mediaContentProblems),
    ...core('source').flatMap(sourceProblems),
    ...checkText(childrenNamed(item, NS.dc, 'creator'), (value, where) => (value ? null : `NotBlank: ${where} should not be blank`)),
    ...sameMeaningProblems(item, ITEM_SAME_MEANING, 'DuplicateItemSemantics'),
  ];
}

// media:content needs a url (MissingAttribute), a full http(s) URL; medium is one of the
// Media RSS enumeration (InvalidMediaMedium).
function mediaContentProblems(content: XElement): string[] {
  const url = attr(content, 'url');
  const medium = attr(content, 'medium');
  return [
    ...(url === undefined ? [`MissingAttribute: ${content.path} needs a url attribute`] : /^https?:\/\/[^\s/]+/.test(url) ? [] : [`InvalidFullLink: ${content.path}: url "${url}" is not a full URL`]),
    ...(medium === undefined || ['image', 'audio', 'video', 'document', 'executable'].includes(medium) ? [] : [`InvalidMediaMedium: ${content.path}: medium "${medium}"`]),
  ];
}

// InvalidHttpGUID: a guid is a permalink unless isPermaLink="false", and a permalink must be
// a full URL; InvalidPermalink for tag: and urn: values; NotSufficientlyUnique for small numbers.
function guidProblems(guid: XElement): string[] {
  const value = guid.text.trim();
  const isPermaLink = attr(guid, 'isPermaLink');
  if (isPermaLink !== undefined && isPermaLink !== 'true' && isPermaLink !== 'false') {
    return [`InvalidBooleanAttribute: ${guid.path}: isPermaLink must be "true" or "false"`];
  }
  if (!value) return [`NotBlank: ${guid.path} should not be blank`];
  if (isPermaLink === 'false') {
    return /^\d{1,8}$/.test(value) ? [`NotSufficientlyUnique: ${guid.path}: "${value}" is not sufficiently unique`] : [];
  }
  if (/^(?:tag|urn):/i.test(value)) return [`InvalidPermalink: ${guid.path}: "${value}" is not a permalink; add isPermaLink="false"`];
  return httpUrlOnlyProblem(value, guid.path)
    ? [`InvalidHttpGUID: ${guid.path}: "${value}" must be a full URL, unless isPermaLink="false"`]
    : [];
}

// DuplicateValue: guid values must not be duplicated within a feed.
function duplicateGuidProblems(items: readonly XElement[]): string[] {
  const guids = items.flatMap((item) => childrenNamed(item, null, 'guid')).map((guid) => guid.text.trim());
  return repeatedValues(guids).map((guid) => `DuplicateValue: guid "${guid}" appears in more than one item`);
}

// description and content:encoded hold escaped HTML: SecurityRisk, SecurityRiskAttr,
// DangerousStyleAttr, ContainsRelRef (see html-safety.ts).
function htmlProblems(element: XElement): string[] {
  return escapedHtmlProblems(element.text, element.path);
}

// NeedDescriptionBeforeContent: with content:encoded the profile wants a description first.
function descriptionOrderProblems(item: XElement): string[] {
  const position = (ns: string | null, local: string) => item.children.findIndex((c) => c.ns === ns && c.local === local);
  const content = position(NS.content, 'encoded');
  const description = position(null, 'description');
  return content >= 0 && (description < 0 || description > content)
    ? [`NeedDescriptionBeforeContent: ${item.path}: a description must precede content:encoded`]
    : [];
}

// enclosure: url (an http URL), length (bytes; UseZeroForUnknown rather than -1) and type (a
// MIME type) are all required (MissingAttribute).
function enclosureProblems(enclosure: XElement): string[] {
  const where = enclosure.path;
  const url = attr(enclosure, 'url');
  const length = attr(enclosure, 'length');
  const type = attr(enclosure, 'type');
  return [
    ...(['url', 'length', 'type'] as const)
      .filter((name) => attr(enclosure, name) === undefined)
      .map((name) => `MissingAttribute: ${where} has no ${name} attribute`),
    ...(url === undefined ? [] : asList(httpUrlOnlyProblem(url, `${where}/@url`))),
    ...(length === undefined ? [] : asList(enclosureLengthProblem(length, where))),
    ...(type === undefined || /^[\w.+-]+\/[\w.+-]+$/.test(type) ? [] : [`InvalidMIMEAttribute: ${where}: type "${type}" is not a MIME type`]),
  ];
}

function enclosureLengthProblem(length: string, where: string): string | null {
  if (/^\d+$/.test(length)) return null;
  return length === '-1'
    ? `UseZeroForUnknown: ${where}: length -1; use 0 for an unknown length`
    : `InvalidIntegerAttribute: ${where}: length "${length}" must be a non-negative integer`;
}

function sourceProblems(source: XElement): string[] {
  const url = attr(source, 'url');
  return url === undefined
    ? [`MissingAttribute: ${source.path} has no url attribute`]
    : asList(httpUrlOnlyProblem(url, `${source.path}/@url`));
}
