/*
 * Dates in page metadata are mostly ISO 8601, sometimes with a space instead
 * of "T" or without a zone, sometimes RFC 2822. `new Date()` reads zone-less
 * date-times in the machine's local zone, which would make output depend on
 * where it runs, so zone-less values are read as UTC here.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const EXPLICIT_ZONE = /(GMT|UTC|[+-]\d{4}\b|\b[ECMP][SD]T\b|Z$)/;

/** A plausible publication date (years 1990–2100), or undefined. */
export function parseDate(raw: string): Date | undefined {
  const text = raw.trim();
  const date = parseIso(text) ?? parseCompact(text) ?? parseZoned(text);
  if (!date) return undefined;
  const year = date.getUTCFullYear();
  return year >= 1990 && year <= 2100 ? date : undefined;
}

function parseIso(text: string): Date | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '0', zone = 'Z'] = match;
  const millis = Math.round(Number(`0.${fraction}`) * 1000);
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${String(millis).padStart(3, '0')}${normalizeZone(zone)}`;
  return validDate(new Date(iso));
}

function normalizeZone(zone: string): string {
  if (zone.toUpperCase() === 'Z') return 'Z';
  const digits = zone.replace(':', '');
  return `${digits.slice(0, 3)}:${digits.slice(3, 5) || '00'}`;
}

function parseCompact(text: string): Date | undefined {
  const match = COMPACT.exec(text);
  return match ? validDate(new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`)) : undefined;
}

/** Other formats only when they carry a zone, so the result is the same everywhere. */
function parseZoned(text: string): Date | undefined {
  return EXPLICIT_ZONE.test(text) ? validDate(new Date(text)) : undefined;
}

function validDate(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date;
}
