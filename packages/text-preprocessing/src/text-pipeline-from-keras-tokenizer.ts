import { TextPreprocessingError, type ValidationProblem } from './errors.js';
import { MAX_VOCABULARY_SIZE, ProblemCollector } from './internal/config-validation.js';
import { createVocabularyUnchecked } from './internal/create-vocabulary.js';
import { childPath, describeValue, formatProblems, isRecord } from './internal/describe.js';
import { PAD_TOKEN, UNK_TOKEN } from './special-tokens.js';
import { createTextPipeline, type TextPipeline, type TextPipelineConfig } from './text-pipeline.js';

interface KerasTokenizerSettings {
  readonly numWords: number | null;
  readonly oovToken: string | null;
  readonly lower: boolean;
  readonly filters: string;
  readonly split: string;
  readonly charLevel: boolean;
  readonly wordIndex: ReadonlyMap<string, number>;
}

function parseJSONText(text: string, path: string, collector: ProblemCollector): unknown {
  try {
    return JSON.parse(text);
  } catch {
    collector.add(path, 'is not valid JSON text');
    return undefined;
  }
}

function readKerasSettings(json: unknown, collector: ProblemCollector): KerasTokenizerSettings | undefined {
  if (!collector.object(json, '$')) return undefined;
  if (json.class_name !== 'Tokenizer') {
    collector.add('$.class_name', `must be "Tokenizer" (got ${describeValue(json.class_name)})`);
  }
  const config = json.config;
  if (!collector.object(config, '$.config')) return undefined;

  const numWords = config.num_words ?? null;
  if (numWords !== null && (typeof numWords !== 'number' || !Number.isInteger(numWords) || numWords < 1)) {
    collector.add('$.config.num_words', `must be null or a positive integer (got ${describeValue(numWords)})`);
  }
  const oovToken = config.oov_token ?? null;
  if (oovToken !== null && typeof oovToken !== 'string') {
    collector.add('$.config.oov_token', `must be null or a string (got ${describeValue(oovToken)})`);
  }
  const lower = config.lower ?? true;
  if (typeof lower !== 'boolean') collector.add('$.config.lower', `must be a boolean (got ${describeValue(lower)})`);
  const filters = config.filters ?? '';
  if (typeof filters !== 'string') {
    collector.add('$.config.filters', `must be a string (got ${describeValue(filters)})`);
  }
  const split = config.split ?? ' ';
  if (typeof split !== 'string' || split.length === 0) {
    collector.add('$.config.split', `must be a non-empty string (got ${describeValue(split)})`);
  }
  const charLevel = config.char_level ?? false;
  if (typeof charLevel !== 'boolean') {
    collector.add('$.config.char_level', `must be a boolean (got ${describeValue(charLevel)})`);
  }

  let rawIndex: unknown = config.word_index;
  if (typeof rawIndex === 'string') rawIndex = parseJSONText(rawIndex, '$.config.word_index', collector);
  const wordIndex = new Map<string, number>();
  if (rawIndex !== undefined && !isRecord(rawIndex)) {
    collector.add('$.config.word_index', `must be a JSON object of word → index (got ${describeValue(rawIndex)})`);
  } else if (isRecord(rawIndex)) {
    const byIndex = new Map<number, string>();
    let reported = 0;
    for (const [word, index] of Object.entries(rawIndex)) {
      const path = childPath('$.config.word_index', word);
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > MAX_VOCABULARY_SIZE) {
        if (reported++ < 20) collector.add(path, `must be an integer index >= 1 (got ${describeValue(index)})`);
        continue;
      }
      const other = byIndex.get(index);
      if (other !== undefined) {
        if (reported++ < 20) collector.add(path, `reuses index ${index} of ${describeValue(other)}`);
        continue;
      }
      byIndex.set(index, word);
      wordIndex.set(word, index);
    }
    for (let i = 1; i <= byIndex.size; i++) {
      if (!byIndex.has(i)) {
        collector.add('$.config.word_index', `must number words 1..${byIndex.size} without gaps (index ${i} is missing)`);
        break;
      }
    }
  } else {
    collector.add('$.config.word_index', 'is missing');
  }

  if (typeof oovToken === 'string' && wordIndex.size > 0) {
    const oovIndex = wordIndex.get(oovToken);
    if (oovIndex === undefined) {
      collector.add('$.config.oov_token', `is ${describeValue(oovToken)} but word_index has no entry for it`);
    } else if (oovIndex !== 1) {
      collector.add('$.config.oov_token', `must have index 1 in word_index, where Keras fit_on_texts puts it (got index ${oovIndex})`);
    }
  }
  for (const reserved of [PAD_TOKEN, UNK_TOKEN]) {
    const index = wordIndex.get(reserved);
    if (index !== undefined && !(reserved === UNK_TOKEN && reserved === oovToken)) {
      collector.add(
        childPath('$.config.word_index', reserved),
        `is the reserved token ${describeValue(reserved)} (index ${index}); it would clash with Glossa's reserved ids`,
      );
    }
  }
  if (collector.problems.length > 0) return undefined;
  return {
    numWords: numWords as number | null,
    oovToken: oovToken as string | null,
    lower: lower as boolean,
    filters: filters as string,
    split: split as string,
    charLevel: charLevel as boolean,
    wordIndex,
  };
}

/**
 * Checks the output of Keras `Tokenizer.to_json()` and returns every problem found (empty when it
 * can be imported).
 *
 * @param json - the parsed JSON value, or the JSON text.
 * @returns the problems, each with its JSON path.
 * @example
 * ```ts
 * validateKerasTokenizerJSON({ class_name: 'Tokenizer', config: {} });
 * // [{ path: '$.config.word_index', message: 'is missing' }]
 * ```
 */
export function validateKerasTokenizerJSON(json: string | object): ValidationProblem[] {
  const collector = new ProblemCollector();
  const value = typeof json === 'string' ? parseJSONText(json, '$', collector) : json;
  if (collector.problems.length === 0) readKerasSettings(value, collector);
  return collector.problems;
}

/**
 * Imports a Keras `Tokenizer` saved with `tokenizer.to_json()` (Keras 2 / `tf.keras` /
 * `keras.preprocessing.text`) as a pipeline that splits texts the way Keras does: lower-case (when
 * `lower`), replace every `filters` character by `split`, split, drop empty strings; with
 * `char_level`, one token per code point.
 *
 * Id mapping, so that a Keras-trained `Embedding` lines up:
 * - Keras index 0 is reserved and never assigned: it is our `PAD_ID` (0).
 * - **With `oov_token`** (Keras puts it at index 1): ids are identical to Keras
 *   `texts_to_sequences` — our `UNK_ID` (1) is Keras's OOV index, and words with index
 *   `>= num_words` map to it, as in Keras.
 * - **Without `oov_token`**: Keras silently drops unknown words and has no OOV index, while a
 *   Glossa vocabulary always reserves id 1 for `<unk>`. Every Keras index `i` becomes id `i + 1`
 *   and unknown words (and words with index `>= num_words`) become `UNK_ID` instead of being
 *   dropped. To reuse Keras embedding weights, insert one row at index 1
 *   (`numpy.insert(weights, 1, 0, axis=0)`).
 *
 * The vocabulary keeps the indices below `num_words` (all of them when `num_words` is null).
 * Python's `str.lower()` and JavaScript's `toLowerCase()` agree except for a handful of rare
 * characters.
 *
 * @param json - the `to_json()` string, or its parsed object; `config.word_index` may be a JSON
 *   string (as Keras writes it) or an object.
 * @param options - pipeline settings; `maxLength`, `padding` and `truncating` are the usual ones
 *   to set (Keras `pad_sequences` defaults are `'pre'`/`'pre'`, ours `'post'`/`'post'`). Overriding
 *   `normalization` or `tokenizer` breaks the equivalence with Keras.
 * @returns the {@link TextPipeline}.
 * @throws {@link TextPreprocessingError} `INVALID_JSON` listing every problem found.
 * @example
 * ```ts
 * import { textPipelineFromKerasTokenizer } from '@glossa/text-preprocessing';
 *
 * // tokenizer_json = tokenizer.to_json() in Python, saved to a file and read here
 * const pipeline = textPipelineFromKerasTokenizer(tokenizerJson, { maxLength: 120, padding: 'pre', truncating: 'pre' });
 * const batch = pipeline.encodeBatch(['What a great film!'], { length: 120 });
 * ```
 */
export function textPipelineFromKerasTokenizer(json: string | object, options: Partial<TextPipelineConfig> = {}): TextPipeline {
  const collector = new ProblemCollector();
  const value = typeof json === 'string' ? parseJSONText(json, '$', collector) : json;
  const settings = collector.problems.length === 0 ? readKerasSettings(value, collector) : undefined;
  if (settings === undefined) {
    throw new TextPreprocessingError(
      'INVALID_JSON',
      `textPipelineFromKerasTokenizer: the Keras tokenizer JSON is invalid (${formatProblems(collector.problems)}). Pass the exact output of tokenizer.to_json() from Keras.`,
      { problems: collector.problems },
    );
  }
  const { numWords, oovToken, lower, filters, split, charLevel, wordIndex } = settings;
  const tokens: string[] = [PAD_TOKEN, UNK_TOKEN];
  const offset = oovToken === null ? 1 : 0;
  const byIndex: string[] = [];
  for (const [word, index] of wordIndex) byIndex[index] = word;
  const lastIndex = numWords === null ? byIndex.length - 1 : Math.min(byIndex.length - 1, numWords - 1);
  for (let index = 2 - offset; index <= lastIndex; index++) tokens.push(byIndex[index] as string);

  const config: Partial<TextPipelineConfig> = {
    normalization: {
      unicode: 'none',
      lowercase: lower,
      stripAccents: false,
      stripHtml: false,
      removeControl: false,
      collapseWhitespace: false,
    },
    tokenizer: { type: 'keras', filters, split, charLevel },
    vocabulary: { maxSize: tokens.length, minFrequency: 1 },
    ...options,
  };
  return createTextPipeline(createVocabularyUnchecked(tokens), config);
}
