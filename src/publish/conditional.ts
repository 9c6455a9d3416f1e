/**
 * RFC 9110 §13.2.2 evaluation of If-None-Match and If-Modified-Since for GET
 * and HEAD. Request Cache-Control is not consulted: it is addressed to caches,
 * and fetch() adds "no-cache" to every conditional request it sends.
 */
export function notModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModified: Date,
  /** `lastModified` as the server sends it (IMF-fixdate), when known: a client echoing it back needs no date parsing. */
  lastModifiedText?: string,
): boolean {
  // If-None-Match wins: when present, If-Modified-Since is ignored (§13.2.2 step 3 vs 4).
  // Clients almost always echo the one tag they were sent, so that is tried before splitting a list.
  if (ifNoneMatch !== undefined) return ifNoneMatch === etag || matchesAny(ifNoneMatch, etag);
  if (ifModifiedSince === undefined) return false;
  if (ifModifiedSince === lastModifiedText) return true;
  const since = parseHttpDate(ifModifiedSince);
  // An invalid date is ignored (§13.1.3).
  if (since === undefined) return false;
  // HTTP dates have whole seconds, so the resource's date is truncated before comparing.
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** Weak comparison (§8.8.3.2): W/ prefixes are ignored on both sides; "*" matches any current representation. */
function matchesAny(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = stripWeak(etag);
  for (const candidate of header.split(',')) {
    if (stripWeak(candidate.trim()) === opaque) return true;
  }
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// The three forms a recipient must accept (§5.6.7): IMF-fixdate, RFC 850, asctime.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Milliseconds since the epoch for an HTTP-date, or undefined. Date.parse is
 * not used: it accepts many strings HTTP does not (e.g. "2024"), which would
 * turn garbage into a 304.
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let parts: [day: string, month: string, year: number, h: string, m: string, s: string] | undefined;
  let match = IMF_FIXDATE.exec(text);
  if (match) parts = [match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!];
  else if ((match = RFC850.exec(text))) {
    // Two-digit years more than 50 years in the future belong to the previous century (§5.6.7).
    const yy = Number(match[3]);
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    parts = [match[1]!, match[2]!, year, match[4]!, match[5]!, match[6]!];
  } else if ((match = ASCTIME.exec(text))) parts = [match[2]!.trim(), match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!];
  if (!parts) return undefined;
  const [day, month, year, h, m, s] = parts;
  const time = Date.UTC(year, MONTHS.indexOf(month), Number(day), Number(h), Number(m), Number(s));
  // Reject impossible dates that Date.UTC would roll over (31 Feb, 25:00).
  const check = new Date(time);
  if (check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(h) || Number(m) > 59 || Number(s) > 60) return undefined;
  return time;
}
