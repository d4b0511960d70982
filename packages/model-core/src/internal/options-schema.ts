import { z } from 'zod';
import { ARCHITECTURES, type Architecture } from '../architectures/registry.js';
import { CHAR_NGRAMS, DEFAULT_CLASSIFIER_OPTIONS, INITIAL_STATES, OPTION_RANGES, type OptionRange, TOKENIZERS, TRUNCATING_SIDES } from '../options.js';

/** A number within an {@link OPTION_RANGES} entry `[min, max, integer]`. */
export const inRange = (range: OptionRange) => {
  const base = z.number().min(range[0]).max(range[1]);
  return range[2] ? base.int() : base;
};

/** The resolved classifier options as a bundle manifest or a checkpoint stores them. */
export const classifierOptionsSchema = z.object({
  architecture: z.enum(ARCHITECTURES as [Architecture, ...Architecture[]]),
  embeddingDim: inRange(OPTION_RANGES.embeddingDim),
  units: inRange(OPTION_RANGES.units),
  // Added with the transformer architecture.
  heads: inRange(OPTION_RANGES.heads).default(DEFAULT_CLASSIFIER_OPTIONS.heads),
  // Bundles from before the option start recurrent models from the zero state.
  initialState: z.enum(INITIAL_STATES).default('zero'),
  kernelSize: inRange(OPTION_RANGES.kernelSize),
  dropout: inRange(OPTION_RANGES.dropout),
  maxLength: inRange(OPTION_RANGES.maxLength),
  vocabSize: inRange(OPTION_RANGES.vocabSize),
  minFrequency: inRange(OPTION_RANGES.minFrequency),
  tokenizer: z.enum(TOKENIZERS),
  learningRate: inRange(OPTION_RANGES.learningRate),
  // Bundles from before the option kept the beginning of long texts.
  truncating: z.enum(TRUNCATING_SIDES).default('post'),
  // Added with the ngram architecture: format-1 bundles lack them and get the defaults.
  wordNgrams: inRange(OPTION_RANGES.wordNgrams).default(DEFAULT_CLASSIFIER_OPTIONS.wordNgrams),
  charNgrams: z.string().regex(CHAR_NGRAMS).default(DEFAULT_CLASSIFIER_OPTIONS.charNgrams),
  maxFeatures: inRange(OPTION_RANGES.maxFeatures).default(DEFAULT_CLASSIFIER_OPTIONS.maxFeatures),
  regularization: inRange(OPTION_RANGES.regularization).default(DEFAULT_CLASSIFIER_OPTIONS.regularization),
});

/** One epoch of a training history, as bundle manifests and checkpoints store it. */
export const epochLogSchema = z.object({
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
});
