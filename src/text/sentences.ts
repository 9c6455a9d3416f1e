const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// ICU breaks after any period followed by a capital; these periods end an abbreviation, not a sentence.
const ABBREVIATION = /(?:\b\p{Lu}\.(?:\p{Lu}\.)*|\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Gov|Sen|Rep|Col|Lt|Sgt|Capt|Rev|Inc|Ltd|Co|Corp|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)\s*$/u;

/** Splits prose into sentences, keeping abbreviations like "U.S." and "Mr." inside their sentence. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const last = sentences.length - 1;
    if (last >= 0 && ABBREVIATION.test(sentences[last] ?? '')) sentences[last] += segment;
    else sentences.push(segment);
  }
  return sentences.map((s) => s.trim()).filter(Boolean);
}
