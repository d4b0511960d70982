import { architecturesWhere, listNames } from '@glossa/model-core/architectures';
import { CliError } from '../cli-error.js';
import type { FitOptions, RuntimeApi, TextClassifierOptions } from '../runtime.js';
import type { CliContext } from './context.js';

/** Architectures with an embedding layer, the only ones `--pretrained-vectors` works with. */
export const EMBEDDING_ARCHITECTURES: readonly string[] = architecturesWhere((a) => a.usesEmbeddings);

/** What {@link preparePretrainedVectors} sets up. */
export interface PretrainedVectorsSetup {
  /** The file's dimension: the classifier's `embeddingDim`. */
  dimension: number;
  /** The `pretrainedEmbeddings` fit option: reads the vocabulary's vectors and reports the coverage on stderr. */
  pretrainedEmbeddings: NonNullable<FitOptions['pretrainedEmbeddings']>;
}

/**
 * The coverage line printed on stderr, e.g. `pretrained vectors: 17,432 of 20,000 vocabulary tokens
 * (87.2%) from wiki.en.vec`.
 *
 * @param covered - Vocabulary tokens that got a vector.
 * @param total - Vocabulary tokens asked for (without `<pad>` and `<unk>`).
 * @param file - The vector file as the user named it.
 * @returns One line of text.
 * @example
 * ```ts
 * coverageLine(17_432, 20_000, 'wiki.en.vec'); // 'pretrained vectors: 17,432 of 20,000 vocabulary tokens (87.2%) from wiki.en.vec'
 * ```
 */
export function coverageLine(covered: number, total: number, file: string): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const percent = total > 0 ? ` (${((covered / total) * 100).toFixed(1)}%)` : '';
  return `pretrained vectors: ${count(covered)} of ${count(total)} vocabulary tokens${percent} from ${file}`;
}

/**
 * Checks `--pretrained-vectors` against the architecture and `--embedding-dim`, reading only the vector
 * file's header, and returns the embedding dimension and the fit option that reads the vectors.
 *
 * @param ctx - CLI context (the coverage goes to stderr).
 * @param runtime - The loaded runtime.
 * @param file - The `--pretrained-vectors` path.
 * @param classifierOptions - The classifier options from the command line.
 * @returns The dimension to train with and the `pretrainedEmbeddings` option.
 * @throws {CliError} USAGE when the architecture has no embedding layer, or `--embedding-dim` differs from
 *   the file's dimension (or the file's is out of range); DataError from node-runtime for a bad file.
 * @example
 * ```ts
 * const setup = await preparePretrainedVectors(ctx, runtime, 'wiki.en.vec', { architecture: 'bow' });
 * ```
 */
export async function preparePretrainedVectors(
  ctx: CliContext,
  runtime: RuntimeApi,
  file: string,
  classifierOptions: TextClassifierOptions,
): Promise<PretrainedVectorsSetup> {
  const architecture: string = classifierOptions.architecture ?? runtime.DEFAULT_CLASSIFIER_OPTIONS.architecture;
  if (!EMBEDDING_ARCHITECTURES.includes(architecture)) {
    const chosen = classifierOptions.architecture === undefined ? `the default architecture (${architecture})` : `--arch ${architecture}`;
    throw new CliError(
      'USAGE',
      `--pretrained-vectors needs --arch ${listNames(EMBEDDING_ARCHITECTURES)} (an architecture with an embedding layer), not ${chosen}. Pass one of those, or drop --pretrained-vectors.`,
    );
  }
  const { dimension, format } = await runtime.readWordVectorsHeader(file);
  const [min, max] = runtime.OPTION_RANGES.embeddingDim;
  if (classifierOptions.embeddingDim !== undefined && classifierOptions.embeddingDim !== dimension) {
    throw new CliError(
      'USAGE',
      `--embedding-dim ${classifierOptions.embeddingDim} does not match ${file}, whose vectors have ${dimension} values. Leave --embedding-dim out (it then follows the file) or pass --embedding-dim ${dimension}.`,
    );
  }
  if (dimension < min || dimension > max) {
    throw new CliError('USAGE', `${file} has ${dimension}-dimensional vectors; embeddings can be ${min} to ${max} wide. Use a file with smaller vectors.`);
  }
  return {
    dimension,
    pretrainedEmbeddings: async (vocabulary, _embeddingDim, { signal }) => {
      ctx.err(`reading pretrained vectors from ${file} (${format === 'fasttext' ? 'fastText' : 'GloVe'}, ${dimension} dimensions)…`);
      // <pad> and <unk> (ids 0 and 1) keep their initialisation.
      const read = await runtime.readWordVectors(file, { tokens: vocabulary.slice(2), ...(signal === undefined ? {} : { signal }) });
      ctx.err(coverageLine(read.covered, read.requested, file));
      return { vectors: read.vectors, source: file };
    },
  };
}
