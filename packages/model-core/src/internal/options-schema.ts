import { z } from 'zod';
import { OPTION_RANGES } from '../options.js';

/** A number within an {@link OPTION_RANGES} entry `[min, max, integer]`. */
export const inRange = (range: readonly [number, number, boolean]) => {
  const base = z.number().min(range[0]).max(range[1]);
  return range[2] ? base.int() : base;
};

/** The resolved classifier options as a bundle manifest or a checkpoint stores them. */
export const classifierOptionsSchema = z.object({
  architecture: z.enum(['lstm', 'bow', 'cnn']),
  embeddingDim: inRange(OPTION_RANGES.embeddingDim),
  units: inRange(OPTION_RANGES.units),
  kernelSize: inRange(OPTION_RANGES.kernelSize),
  dropout: inRange(OPTION_RANGES.dropout),
  maxLength: inRange(OPTION_RANGES.maxLength),
  vocabSize: inRange(OPTION_RANGES.vocabSize),
  minFrequency: inRange(OPTION_RANGES.minFrequency),
  tokenizer: z.enum(['word', 'whitespace', 'char', 'char-ngram']),
  learningRate: inRange(OPTION_RANGES.learningRate),
});
