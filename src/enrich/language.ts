import { franc } from 'franc-min';

// franc answers in ISO 639-3; feeds use BCP 47, which takes the 639-1 code where there is one.
const ISO639_1: Record<string, string> = {
  eng: 'en', spa: 'es', por: 'pt', fra: 'fr', deu: 'de', ita: 'it', nld: 'nl', pol: 'pl', rus: 'ru', ukr: 'uk',
  arb: 'ar', cmn: 'zh', jpn: 'ja', kor: 'ko', tur: 'tr', swe: 'sv', dan: 'da', nob: 'nb', fin: 'fi', ces: 'cs',
  slk: 'sk', hun: 'hu', ron: 'ro', bul: 'bg', hrv: 'hr', srp: 'sr', ell: 'el', heb: 'he', pes: 'fa', hin: 'hi',
  ben: 'bn', urd: 'ur', ind: 'id', zlm: 'ms', vie: 'vi', tha: 'th', cat: 'ca', glg: 'gl', eus: 'eu', tgl: 'tl',
};

/** BCP 47 language of a text, or `fallback` when the text is too short or ambiguous to tell. */
export function detectLanguage(text: string, fallback: string): string {
  const code = franc(text.slice(0, 4000), { minLength: 40 });
  return ISO639_1[code] ?? fallback;
}

/** The language most items are in; ties go to the alphabetically first, so builds are deterministic. */
export function majorityLanguage(languages: readonly string[], fallback: string): string {
  const counts = new Map<string, number>();
  for (const lang of languages) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  let best = fallback;
  let bestCount = 0;
  for (const [lang, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (count > bestCount) [best, bestCount] = [lang, count];
  }
  return best;
}
