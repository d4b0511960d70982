import type { LabeledText } from '../src/index.js';

/** A small, learnable two-class data set with English, Chinese and emoji texts. */
export function tinyData(size = 80): LabeledText[] {
  const pos = ['lovely film', 'great acting', '好看 🙂', 'wonderful 😀 story'];
  const neg = ['dull film', 'poor acting', '难看 😞', 'boring 😴 story'];
  return Array.from({ length: size }, (_, i) => {
    const positive = i % 2 === 1;
    const words = positive ? pos : neg;
    return { text: `${words[i % words.length]} ${i}`, label: positive ? 'pos' : 'neg' };
  });
}

/** Texts to score in parity checks, including Chinese, emoji, unknown words and an empty text. */
export const PARITY_TEXTS = ['a lovely film', 'dull and poor', '好看 🙂', '难看😞难看', 'wonderful 😀😀 story', 'unseen words only', ''];
