// Value syntaxes shared by the RSS, Atom and JSON Feed rules. Each check returns a problem
// string naming the W3C Feed Validator message it mirrors, or null when the value is fine.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// RFC 822 §5 zones that the validator accepts without ProblematicalRFC822Date. The military
// single letters are left out on purpose: RFC 1123 §5.2.14 says RFC 822 got their signs wrong.
const RFC822_ZONE_HOURS: Record<string, number> = {
  UT: 0, GMT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
};

// The form the validator accepts silently: single spaces, a four-digit year (RSS 2.0 spec),
// seconds optional, a named zone or a signed offset whose minutes are 00 or 30.
const RFC822_DATE =
  /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? (UT|GMT|Z|[ECMP][SD]T|[+-]\d\d[03]0)$/;

// RFC 3339 §5.6 date-time, as the validator's rfc3339 check reads it (upper-case T and Z).
const RFC3339_DATE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|([+-])(\d\d):(\d\d))$/;

// The validator's ImplausibleDate: before 1990, or more than ten minutes in the future.
const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
const FUTURE_SLACK_MS = 10 * 60 * 1000;

/** Milliseconds since the epoch for a calendar date and time, or null if no such date exists. */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number | null {
  const millis = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  const date = new Date(millis);
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    hour < 24 && minute < 60 && second <= 60;
  return exists ? millis : null;
}

function implausible(millis: number): boolean {
  return millis < EARLIEST_PLAUSIBLE || millis > Date.now() + FUTURE_SLACK_MS;
}

function rfc822OffsetMinutes(zone: string): number {
  const named = RFC822_ZONE_HOURS[zone];
  if (named !== undefined) return named * 60;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
}

/** RSS 2.0 dates (pubDate, lastBuildDate): RFC 822 with a four-digit year. */
export function rfc822Problem(value: string, where: string): string | null {
  const match = RFC822_DATE.exec(value);
  if (!match) {
    return (
      `InvalidRFC2822Date: ${where}: "${value}" is not an RFC-822 date-time such as ` +
      '"Wed, 02 Oct 2002 13:00:00 GMT" (the validator also warns ProblematicalRFC822Date ' +
      'for double spaces, two-digit years, lower case and military zones)'
    );
  }
  const [, weekday, day, month, year, hour, minute, second, zone] = match;
  const local = utcMillis(Number(year), MONTHS.indexOf(month as string) + 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  if (local === null) return `InvalidRFC2822Date: ${where}: "${value}" names a date or time that does not exist`;
  const millis = local - rfc822OffsetMinutes(zone as string) * 60_000;
  const actualWeekday = WEEKDAYS[new Date(local).getUTCDay()];
  if (weekday && weekday !== actualWeekday) return `IncorrectDOW: ${where}: "${value}" fell on a ${actualWeekday}`;
  if (implausible(millis)) return `ImplausibleDate: ${where}: "${value}" is before 1990 or in the future`;
  return null;
}

/** Atom date constructs and JSON Feed dates: RFC 3339 date-time with a time zone. */
export function rfc3339Problem(value: string, where: string): string | null {
  const match = RFC3339_DATE.exec(value);
  if (!match) {
    return `InvalidRFC3339Date: ${where}: "${value}" is not an RFC-3339 date-time such as "2003-12-13T18:30:02Z"`;
  }
  const [, year, month, day, hour, minute, second, zone, sign, offsetHours, offsetMinutes] = match;
  const local = utcMillis(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
  const offsetValid = zone === 'Z' || (Number(offsetHours) < 24 && Number(offsetMinutes) < 60);
  if (local === null || !offsetValid) return `InvalidRFC3339Date: ${where}: "${value}" names a date or time that does not exist`;
  const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  if (implausible(local - offset * 60_000)) return `ImplausibleDate: ${where}: "${value}" is before 1990 or in the future`;
  return null;
}

// RFC 3986 §2: the characters a URI may contain once non-ASCII (IRI) characters are percent-encoded.
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// RFC 4151 tag URIs: tag:authority,date:specific
const TAG_URI = /^tag:(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+,\d{4}(?:-\d\d(?:-\d\d)?)?:[^\s#]*(?:#[^\s]*)?$/;
// RFC 8141 URN syntax, and RFC 4122 for urn:uuid (the validator's InvalidURN / InvalidUUID).
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:(?:[A-Za-z0-9()+,\-.:=@;$_!*'/]|%[0-9A-Fa-f]{2})+$/i;
const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Schemes a Wirefeed feed has any reason to use; anything else is more likely a bug than a
// deliberate choice (the validator's SchemeNotIANARegistered covers the truly unknown ones).
const ACCEPTED_SCHEMES = new Set(['http', 'https', 'mailto', 'tag', 'urn']);

/** An IRI (RFC 3987) as a URI: its non-ASCII characters percent-encoded. */
function iriAsUri(value: string): string {
  return value.replace(/[^\x00-\x7F]+/gu, (characters) => encodeURIComponent(characters));
}

/**
 * An absolute IRI such as the validator wants in atom:id, guid, link and href values:
 * InvalidFullLink (relative), InvalidUriChar (spaces, quotes...), InvalidTAG, InvalidURN.
 */
export function absoluteIriProblem(value: string, where: string): string | null {
  const uri = iriAsUri(value);
  const scheme = SCHEME.exec(uri)?.[1];
  if (!scheme) return `InvalidFullLink: ${where}: "${value}" is not an absolute IRI (it has no scheme)`;
  if (!URI_CHARACTERS.test(uri)) return `InvalidUriChar: ${where}: "${value}" contains characters a URI cannot (spaces, quotes, <, >, bad %-escapes)`;
  if (!ACCEPTED_SCHEMES.has(scheme.toLowerCase())) return `SchemeNotIANARegistered: ${where}: scheme "${scheme}" is not one of ${[...ACCEPTED_SCHEMES].join(', ')}`;
  return schemeSpecificProblem(scheme.toLowerCase(), value, uri, where);
}

function schemeSpecificProblem(scheme: string, value: string, uri: string, where: string): string | null {
  if (scheme === 'tag') return TAG_URI.test(uri) ? null : `InvalidTAG: ${where}: "${value}" is not an RFC 4151 tag URI`;
  if (scheme === 'urn' && /^urn:uuid:/i.test(uri)) return UUID_URN.test(uri) ? null : `InvalidUUID: ${where}: "${value}" is not a urn:uuid`;
  if (scheme === 'urn') return URN.test(uri) ? null : `InvalidURN: ${where}: "${value}" is not an RFC 8141 URN`;
  if (scheme === 'http' || scheme === 'https') return httpUrlProblem(value, uri, where);
  return null;
}

function httpUrlProblem(value: string, uri: string, where: string): string | null {
  // The validator requires "scheme://host": http:foo and http:///foo are not full URLs.
  if (!/^https?:\/\/[^/?#]/i.test(uri)) return `InvalidFullLink: ${where}: "${value}" has no host`;
  return URL.canParse(uri) ? null : `InvalidFullLink: ${where}: "${value}" is not a parseable URL`;
}

/** Like absoluteIriProblem, but only http(s) will do (links a reader opens or fetches). */
export function httpUrlOnlyProblem(value: string, where: string): string | null {
  const problem = absoluteIriProblem(value, where);
  if (problem) return problem;
  return /^https?:/i.test(value) ? null : `InvalidURLAttribute: ${where}: "${value}" must be an http or https URL`;
}

/**
 * RelativeSelf: a feed's self link exists so a reader can find the feed again from its content
 * alone, so it must be an absolute http(s) URL.
 */
export function selfHrefProblem(href: string, where: string): string | null {
  if (!SCHEME.test(href)) return `RelativeSelf: ${where}: relative href "${href}" on the self link`;
  return httpUrlOnlyProblem(href, where);
}

// RFC 3986 §2.3 unreserved characters, which a canonical URI never percent-encodes.
const ENCODED_UNRESERVED = /%(?:4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9]|2D|2E|5F|7E)/i;

/**
 * The validator compares identifiers in canonical form (NonCanonicalURI): lower-case scheme
 * and host, no default port, "/" for an empty path, no dot segments, upper-case %-escapes,
 * no escaped unreserved characters. WHATWG URL serialisation does all but the last two.
 */
export function canonicalIriProblem(value: string, where: string): string | null {
  const uri = iriAsUri(value);
  const scheme = SCHEME.exec(uri)?.[1] ?? '';
  const httpCanonical = !/^https?$/i.test(scheme) || (URL.canParse(uri) && new URL(uri).href === uri);
  const canonical =
    scheme === scheme.toLowerCase() && httpCanonical && !/%[0-9A-F]?[a-f]/.test(uri) && !ENCODED_UNRESERVED.test(uri);
  return canonical ? null : `NonCanonicalURI: ${where}: "${value}" is not in canonical form`;
}

// The validator's addr-spec: local part @ dotted domain (InvalidAddrSpec / InvalidContact).
const ADDR_SPEC = /^[A-Za-z0-9_\-+.']+@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9][A-Za-z0-9-]*$/;

/** Atom's atom:email: a bare addr-spec. */
export function addrSpecProblem(value: string, where: string): string | null {
  return ADDR_SPEC.test(value) ? null : `InvalidAddrSpec: ${where}: "${value}" must be an email address`;
}

/**
 * RSS author, managingEditor, webMaster: an email address, and per the RSS Advisory Board's
 * profile one with a real name, "jane@example.org (Jane Doe)" (MissingRealName, EmailFormat).
 */
export function rssEmailProblem(value: string, where: string): string | null {
  if (!value.includes('@')) {
    return `InvalidContact: ${where}: "${value}" is not an email address (put names in dc:creator)`;
  }
  const named = /^(\S+) \((.+)\)$/.exec(value);
  if (!named) {
    return value.includes(' ')
      ? `EmailFormat: ${where}: "${value}" should be "address (Real Name)"`
      : `MissingRealName: ${where}: "${value}" should be followed by " (Real Name)"`;
  }
  return ADDR_SPEC.test(named[1] as string) ? null : `InvalidContact: ${where}: "${named[1]}" is not a valid email address`;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** RSS language: an ISO 639 code with an optional region, e.g. en or en-us (InvalidLanguage). */
export function languageProblem(value: string, where: string): string | null {
  const primary = /^([A-Za-z]{2,3})(?:-[A-Za-z0-9]{1,8})*$/.exec(value)?.[1]?.toLowerCase();
  // Intl echoes back a code it has no name for, which tells known codes from made-up ones.
  const known = primary !== undefined && languageNames.of(primary) !== primary;
  return known ? null : `InvalidLanguage: ${where}: "${value}" is not an ISO-639 language code`;
}

// XML 1.0 §2.2 Char: what may not appear in a document at all, even as a character reference.
const XML_ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
// The validator's BadCharacters: C1 controls (usually cp1252 mistaken for Latin-1) and U+FFFD.
const BAD_CHARACTER = /[\x80-\x9F\uFFFD]/;
const CHARACTER_REFERENCE = /&#(?:x([0-9A-Fa-f]+)|([0-9]+));/g;

function isXmlIllegal(codePoint: number): boolean {
  return codePoint > 0x10ffff || XML_ILLEGAL.test(String.fromCodePoint(codePoint));
}

/** Characters XML forbids and characters the validator flags, literal or as &#...; references. */
export function characterProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  const illegal = XML_ILLEGAL.exec(text)?.[0];
  if (illegal) problems.push(`SAXError: ${where}: XML-illegal character U+${hex(illegal)}`);
  const bad = BAD_CHARACTER.exec(text)?.[0];
  if (bad) problems.push(`BadCharacters: ${where}: contains U+${hex(bad)}`);
  return [...problems, ...characterReferenceProblems(text, where)];
}

/**
 * The &#...; references in `text` that name characters XML forbids or the validator flags.
 * On its own for escaped HTML, whose literal characters were checked with the document.
 */
export function characterReferenceProblems(text: string, where: string): string[] {
  return [...text.matchAll(CHARACTER_REFERENCE)].flatMap(([reference, hexDigits, decimalDigits]) => {
    const codePoint = hexDigits ? parseInt(hexDigits, 16) : Number(decimalDigits);
    if (isXmlIllegal(codePoint)) return [`SAXError: ${where}: ${reference} refers to an XML-illegal character`];
    return BAD_CHARACTER.test(String.fromCodePoint(codePoint)) ? [`BadCharacters: ${where}: ${reference}`] : [];
  });
}

function hex(character: string): string {
  return (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** The values that occur more than once, each named once (for the Duplicate* rules). */
export function repeatedValues(values: readonly string[]): string[] {
  return [...new Set(values.filter((value, index) => value !== '' && values.indexOf(value) !== index))];
}

/** A check's result as a list, for spreading into a list of problems. */
export function asList(problem: string | null): string[] {
  return problem === null ? [] : [problem];
}
