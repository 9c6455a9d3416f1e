import { stripIllegalXml } from './clean.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for XML and HTML, in element content and in quoted attributes alike.
 * Escaping instead of CDATA means a `]]>` in the text can never end a section early,
 * and stripping illegal characters here means no caller can forget to.
 */
export function escapeMarkup(text: string): string {
  return stripIllegalXml(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
