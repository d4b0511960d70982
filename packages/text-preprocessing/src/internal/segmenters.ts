import { TextPreprocessingError } from '../errors.js';

/**
 * Intl.Segmenter instances are cached: constructing one costs far more than segmenting a sentence.
 * The root locale (`'und'`) is used on purpose: the default locale differs between machines, and
 * training and serving must split text identically.
 */
const SEGMENTER_LOCALE = 'und';

let wordSegmenter: Intl.Segmenter | undefined;
let graphemeSegmenter: Intl.Segmenter | undefined;

function requireSegmenter(): typeof Intl.Segmenter {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (typeof Segmenter !== 'function') {
    throw new TextPreprocessingError(
      'UNSUPPORTED_ENVIRONMENT',
      'createTokenizer: Intl.Segmenter is not available in this JavaScript engine (needed for non-ASCII text). Use Node >= 20 or a current browser, or a "whitespace" tokenizer.',
    );
  }
  return Segmenter;
}

/** The shared word segmenter. */
export function getWordSegmenter(): Intl.Segmenter {
  if (wordSegmenter === undefined) {
    wordSegmenter = new (requireSegmenter())(SEGMENTER_LOCALE, { granularity: 'word' });
  }
  return wordSegmenter;
}

/** The shared grapheme-cluster segmenter. */
export function getGraphemeSegmenter(): Intl.Segmenter {
  if (graphemeSegmenter === undefined) {
    graphemeSegmenter = new (requireSegmenter())(SEGMENTER_LOCALE, { granularity: 'grapheme' });
  }
  return graphemeSegmenter;
}
