/*
 * Character-set detection for saved pages, which arrive as bytes with no HTTP
 * header. The order of evidence, and why:
 *
 * 1. A byte-order mark is unambiguous.
 * 2. Bytes that are valid UTF-8 and contain non-ASCII are UTF-8, whatever the
 *    page declares: legacy-encoded text almost never forms valid multi-byte
 *    UTF-8 by accident, while tools that save pages often re-encode them to
 *    UTF-8 and keep the old `<meta charset>` (e.g. a page declaring gb2312).
 * 3. Otherwise the declaration in the head (`<meta charset>`, http-equiv
 *    Content-Type, XML declaration). Pure-ASCII bytes still honour it, which
 *    matters for 7-bit encodings such as ISO-2022-JP.
 * 4. A page that declares UTF-8 (or nothing, or an unknown label) but has a
 *    few broken sequences among many good ones is damaged UTF-8: decoding it
 *    as UTF-8 loses only the broken characters.
 * 5. With no usable declaration: windows-1252, the web's legacy default.
 * 6. An unknown declared label on bytes that are not UTF-8 is an error: any
 *    guess could silently publish garbled text.
 */

/** How far into the file the declaration is looked for. The HTML standard
 * says 1024 bytes; real saved pages put it after 2 KB of head markup. */
const PRESCAN_BYTES = 8192;

export function decodeHtml(bytes: Uint8Array): string {
  const bom = bomEncoding(bytes);
  if (bom) return decode(bytes.subarray(bom.length), bom.encoding);

  const utf8 = decodeStrictUtf8(bytes);
  const declared = declaredLabel(bytes);
  const known = declared === undefined ? undefined : knownEncoding(declared);

  if (utf8 !== undefined) {
    return isAscii(bytes) && known && !isUnicode(known) ? decode(bytes, known) : utf8;
  }
  if (known && !isUnicode(known)) return decode(bytes, known);
  if (looksLikeDamagedUtf8(bytes)) return decode(bytes, 'utf-8');
  if (declared !== undefined && known === undefined) {
    throw new Error(
      `cannot decode page: it declares the unknown charset "${declared}" and its bytes are not UTF-8`,
    );
  }
  return decode(bytes, 'windows-1252');
}

function bomEncoding(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return undefined;
}

function decode(bytes: Uint8Array, encoding: string): string {
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  return encoding === 'windows-1252' ? text.replace(/[\u0080-\u009f]/g, windows1252Char) : text;
}

/*
 * Node 20's TextDecoder decodes windows-1252 as ISO-8859-1, turning curly
 * quotes, dashes and the euro sign (bytes 0x80-0x9F) into C1 control
 * characters. The WHATWG mapping of that range is restored here; five bytes
 * stay C1 controls by definition.
 */
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252Char(c1: string): string {
  return WINDOWS_1252_C1[c1.charCodeAt(0) - 0x80] ?? c1;
}

function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte < 0x80);
}

/** A declaration of a UTF-16/UTF-8 family inside ASCII-readable markup can
 * only mean UTF-8 (the HTML standard says the same for UTF-16). */
function isUnicode(encoding: string): boolean {
  return encoding === 'utf-8' || encoding.startsWith('utf-16');
}

/** The WHATWG name for a charset label, or undefined when the label is unknown. */
export function knownEncoding(label: string): string | undefined {
  try {
    const encoding = new TextDecoder(label).encoding;
    return encoding === 'x-user-defined' ? 'windows-1252' : encoding;
  } catch {
    return undefined;
  }
}

/** The charset label declared in the head of the page, if any. */
export function declaredLabel(bytes: Uint8Array): string | undefined {
  const head = headText(bytes);
  const patterns = [
    /<meta\s[^>]*?charset\s*=\s*["']?\s*([^\s"'/>;]+)/i,
    /<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i,
  ];
  for (const pattern of patterns) {
    const label = pattern.exec(head)?.[1];
    if (label) return label.trim();
  }
  return undefined;
}

/** The start of the file as Latin-1 text, cut at `<body` and without comments,
 * so a commented-out or in-body declaration does not count. */
function headText(bytes: Uint8Array): string {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, PRESCAN_BYTES));
  const bodyAt = text.search(/<body[\s>]/i);
  return (bodyAt >= 0 ? text.slice(0, bodyAt) : text).replace(/<!--[\s\S]*?(-->|$)/g, '');
}

/** True when well-formed multi-byte UTF-8 sequences outnumber malformed bytes. */
function looksLikeDamagedUtf8(bytes: Uint8Array): boolean {
  let good = 0;
  let bad = 0;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      i += 1;
      continue;
    }
    const length = sequenceLength(byte);
    if (length > 0 && isContinuation(bytes, i + 1, length - 1)) {
      good += 1;
      i += length;
    } else {
      bad += 1;
      i += 1;
    }
  }
  return good > bad;
}

/** Length of the UTF-8 sequence a lead byte announces; 0 for a byte that cannot lead one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function isContinuation(bytes: Uint8Array, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) {
    const byte = bytes[i];
    if (byte === undefined || (byte & 0xc0) !== 0x80) return false;
  }
  return true;
}
