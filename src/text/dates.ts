import { formatRFC7231 } from 'date-fns/formatRFC7231';

/** RFC 822 date as RSS and HTTP want it ("Tue, 01 Feb 2022 10:00:00 GMT"); RFC 7231's IMF-fixdate is a valid RFC 822 date. */
export function rfc822(date: Date): string {
  return formatRFC7231(date);
}

/** RFC 3339 date in UTC, without fractions of a second, as Atom and JSON Feed want it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
