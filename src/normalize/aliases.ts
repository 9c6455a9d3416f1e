import type { NormalizeRules } from './rules.js';

// Quoted speech is left as spoken: replacing inside it would change a quote.
const QUOTED = /(“[^”]*”|"[^"\n]*"|&quot;.*?&quot;|«[^»]*»)/u;

/** Replaces source-language leftovers in prose, outside quotation marks. */
export function applyAliases(text: string, rules: NormalizeRules): string {
  return text
    .split(QUOTED)
    .map((part, i) => (i % 2 === 1 ? part : replaceInProse(part, rules)))
    .join('');
}

function replaceInProse(text: string, rules: NormalizeRules): string {
  let out = text;
  for (const [pattern, to] of rules.terms) out = out.replace(pattern, to);
  return out.replace(rules.conjunctions, (word) => rules.conjunctionWords[word] ?? word);
}

/** Applies a text transformation to the text between the tags of sanitized HTML. */
export function mapHtmlText(html: string, transform: (text: string) => string): string {
  return html
    .split(/(<[^>]*>)/)
    .map((part, i) => (i % 2 === 1 ? part : transform(part)))
    .join('');
}
