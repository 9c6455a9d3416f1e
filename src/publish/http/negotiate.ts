/** The content codings every resource is published in, most preferred first (smallest bytes). */
export const CODINGS = ['br', 'gzip', 'identity'] as const;
export type Coding = (typeof CODINGS)[number];

/**
 * RFC 9110 §12.5.3: picks the coding to send for an Accept-Encoding value, or
 * null when the client refuses every coding we have (identity;q=0 without br
 * or gzip), which is a 406. The highest q wins; ties go to the smaller body.
 * A missing header accepts anything, but identity is the safe answer for
 * clients that say nothing. Malformed members are skipped, as if not sent.
 */
export function negotiateEncoding(header: string | undefined): Coding | null {
  if (header === undefined) return 'identity';
  const weights = parseAcceptEncoding(header);
  const star = weights.get('*');
  let best: Coding | null = null;
  let bestQ = 0;
  for (const coding of CODINGS) {
    // identity is acceptable unless excluded by name or by "*;q=0" (§12.5.3 rule 2).
    const q = weights.get(coding) ?? star ?? (coding === 'identity' ? 1 : 0);
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** Coding name (lower case) → q. "x-gzip" is gzip (§8.4.1.3). */
function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of header.split(',')) {
    const [rawName = '', ...params] = member.split(';');
    let name = rawName.trim().toLowerCase();
    if (name === '' || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) continue;
    if (name === 'x-gzip') name = 'gzip';
    let q = 1;
    let valid = true;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=').map((part) => part.trim());
      if (key.toLowerCase() !== 'q') continue;
      if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value)) valid = false;
      else q = Number(value);
    }
    if (valid) weights.set(name, Math.max(q, weights.get(name) ?? 0));
  }
  return weights;
}

/**
 * Clients send a handful of distinct Accept-Encoding values, so answers are
 * memoized: the hot path does one Map lookup instead of parsing. The memo is
 * bounded so that hostile values cannot grow it.
 */
export function memoizedNegotiation(size = 256): (header: string | undefined) => Coding | null {
  const memo = new Map<string, Coding | null>();
  return (header) => {
    if (header === undefined) return 'identity';
    let coding = memo.get(header);
    if (coding === undefined) {
      coding = negotiateEncoding(header);
      if (memo.size < size) memo.set(header, coding);
    }
    return coding;
  };
}
