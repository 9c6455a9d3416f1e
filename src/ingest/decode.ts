/**
 * Turns the bytes of a text or Markdown file into a string, or explains why it can't.
 * A feed must never carry mojibake, so undecodable bytes are an error, not a guess.
 */

export class DecodeError extends Error {}

export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16('utf-16be', bytes.subarray(2));
  if (bytes.includes(0)) throw new DecodeError('binary data (NUL bytes), not a text document');
  return utf8(bytes);
}

function utf16(encoding: 'utf-16le' | 'utf-16be', bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(`invalid ${encoding.toUpperCase()} after its byte order mark (an unpaired surrogate or an odd number of bytes)`);
  }
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(`invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}; save the file as UTF-8 (or UTF-16 with a BOM)`);
  }
}

/** Byte offset of the first invalid UTF-8 sequence, so the author can find it. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const valid = (end: number): boolean => {
    // A prefix cut in the middle of a sequence is still valid when streamed.
    try {
      decoder.decode(bytes.subarray(0, end), { stream: true });
      decoder.decode();
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (valid(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
