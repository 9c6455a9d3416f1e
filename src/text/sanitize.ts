import { decodeHTML } from 'entities';
import type sanitizeHtmlModule from 'sanitize-html';
import { sanitizeHtml } from '../load-on-use.js';

/**
 * The only way author-supplied HTML enters an item. Feed readers render
 * content:encoded and content_html, so anything active (scripts, frames,
 * event handlers, javascript: URLs) must be gone before rendering.
 */
const BLOCK_OPTIONS: sanitizeHtmlModule.IOptions = {
  allowedTags: ['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'a', 'img', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside removed elements like <script> must not leak into the item.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
};

export function sanitize(html: string): string {
  return sanitizeHtml()(html, BLOCK_OPTIONS);
}

/** Removes anything shaped like an HTML tag from plain text. */
export function stripTags(text: string): string {
  return text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '').replace(/<\/?[a-z][^<>]*>/gi, '');
}

/** Plain text of an HTML fragment, entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(sanitizeHtml()(html, { allowedTags: [], allowedAttributes: {} }));
}

/**
 * Decodes HTML character references once (never repeatedly: "&amp;amp;" becomes "&amp;"),
 * with the full HTML table, so scraped "&rsquo;" and "&ldquo;" become the characters.
 */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}
