/**
 * Character-level cleaning shared by every stage. XML 1.0 forbids some code
 * points even when escaped, so the renderers use `stripIllegalXml` as a last
 * guard and the normalizer uses `cleanInline` on every line of prose.
 */

// C0 controls except tab/LF/CR, U+FFFE/U+FFFF and lone surrogates are not XML 1.0 characters.
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Zero-width space, word joiner and BOM carry no meaning inside prose. ZWJ/ZWNJ are kept:
// emoji sequences and Persian/Indic spelling depend on them.
const ZERO_WIDTH = /[\u200B\u2060\uFEFF\u00AD]/g;

// C1 controls and DEL are legal XML but never intended in prose.
const INVISIBLE_CONTROLS = /[\u007F-\u009F]/g;

// NBSP and the other Unicode space separators become a plain space.
const UNICODE_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

// Any character ILLEGAL_XML could match, with no lookaround: a scan for it takes half the time
// of the replace, and nearly every text has none (surrogate pairs, in emoji, go the slow way).
const MAYBE_ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function stripIllegalXml(text: string): string {
  return MAYBE_ILLEGAL_XML.test(text) ? text.replace(ILLEGAL_XML, '') : text;
}

/** Cleans one line of prose: legal characters only, one kind of space, no runs of spaces. */
export function cleanInline(text: string): string {
  return stripIllegalXml(text)
    .normalize('NFC')
    .replace(ZERO_WIDTH, '')
    .replace(INVISIBLE_CONTROLS, '')
    .replace(UNICODE_SPACES, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Unifies CRLF and lone CR line endings to LF. */
export function unifyLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export function countWords(text: string): number {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return words ? words.length : 0;
}
