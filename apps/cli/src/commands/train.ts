import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  ARCHITECTURE_REGISTRY,
  type ArchitectureSpecificOption,
  architecturesWhere,
  listNames,
  ARCHITECTURES as MODEL_ARCHITECTURES,
} from '@glossa/model-core/architectures';
import {
  DEFAULT_CLASSIFIER_OPTIONS,
  DEFAULT_FIT_OPTIONS,
  FIT_OPTION_RANGES,
  INITIAL_STATES,
  isCharNgrams,
  OPTION_RANGES,
  TOKENIZERS as MODEL_TOKENIZERS,
  TRUNCATING_SIDES,
} from '@glossa/model-core/options';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, addDataOptions, cliLogger, type DataOptions, loadData } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { fitWithProgress } from '../internal/fit-with-progress.js';
import { EMBEDDING_ARCHITECTURES, preparePretrainedVectors } from '../internal/pretrained-vectors.js';
import { dtypeOption, type QuantizeDtype, quantizeFiles, saveBundleFilesTo } from './quantize.js';
import { formatBytes, formatDuration, formatPortfolio, formatRate, formatReport } from '../internal/format.js';
import { choiceOption, intOption, rangeOption, rangeText } from '../internal/parse-options.js';
import {
  type Architecture,
  type BackendChoice,
  type FitOptions,
  type RuntimeApi,
  initBackendFor,
  loadRuntime,
  saveClassifier,
  type TextClassifierOptions,
  type TokenizerType,
} from '../runtime.js';

/** Architectures accepted by `--arch`: model-core's registry (its tfjs-free entry). */
export const ARCHITECTURES: readonly Architecture[] = MODEL_ARCHITECTURES;
/** Tokenizers accepted by `--tokenizer`: model-core's. */
export const TOKENIZERS: readonly TokenizerType[] = MODEL_TOKENIZERS;

/**
 * Parsed options of `glossa train`: the classifier options under model-core's names (`--max-length` →
 * `maxLength`, …; `--arch` → `arch`), the fit options and the command's own.
 */
export interface TrainCommandOptions extends DataOptions, Omit<TextClassifierOptions, 'architecture'> {
  out: string;
  arch?: Architecture;
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validation?: string;
  seed?: number;
  backend?: BackendChoice;
  /** `--threads`: threads computing each batch's gradient (neural architectures and auto's LSTM). */
  threads?: number | 'auto';
  json?: boolean;
  /** `--checkpoint-dir`. */
  checkpointDir?: string;
  /** False with `--no-checkpoint`. */
  checkpoint?: boolean;
  /** `--resume`. */
  resume?: boolean;
  /** `--pretrained-vectors`: a fastText `.vec` or GloVe `.txt` file to initialise the embeddings from. */
  pretrainedVectors?: string;
  /** `--quantize`: save the bundle with its weights as int8 or float16 (see `glossa quantize`). */
  quantize?: QuantizeDtype;
}

/** A training checkpoint, as `fit` hands it over. */
type Checkpoint = NonNullable<FitOptions['resumeFrom']>;

/**
 * Where `glossa train` keeps its checkpoint by default: next to the bundle, `<out>.checkpoint`.
 *
 * @param out - The `--out` path.
 * @returns The absolute checkpoint directory.
 * @example
 * ```ts
 * defaultCheckpointDir('model.glossa'); // '/abs/model.glossa.checkpoint'
 * ```
 */
export function defaultCheckpointDir(out: string): string {
  return `${resolve(out)}.checkpoint`;
}

/**
 * The command line that continues an interrupted run: the same arguments plus `--resume` (and, when
 * given, a new learning rate in place of the old one).
 *
 * @param args - The arguments of the interrupted run (without `glossa`).
 * @param learningRate - A learning rate to use instead, e.g. after divergence.
 * @param bin - How the user runs glossa (`CliContext.bin`). Default `glossa`.
 * @returns A shell command line.
 * @example
 * ```ts
 * resumeCommand(['train', 'data.csv', '--out', 'model']); // 'glossa train data.csv --out model --resume'
 * ```
 */
export function resumeCommand(args: readonly string[], learningRate?: number, bin = 'glossa'): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (learningRate !== undefined && arg === '--learning-rate') {
      i++;
      continue;
    }
    if (learningRate !== undefined && arg.startsWith('--learning-rate=')) continue;
    kept.push(arg);
  }
  if (!kept.includes('--resume')) kept.push('--resume');
  if (learningRate !== undefined) kept.push('--learning-rate', String(learningRate));
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  return [bin, ...kept.map(quote)].join(' ');
}

function describeCheckpoint(checkpoint: Checkpoint): string {
  return checkpoint.batch > 0
    ? `epoch ${checkpoint.epoch + 1} of ${checkpoint.epochs}, after batch ${checkpoint.batch}`
    : `after epoch ${checkpoint.epoch} of ${checkpoint.epochs}`;
}

/**
 * Adds the hyper-parameter options shared by `train` and `quickstart`.
 *
 * @param command - The command to extend.
 * @returns The same command.
 * @example
 * ```ts
 * addModelOptions(program.command('train'));
 * ```
 */
export function addModelOptions(command: Command): Command {
  const C = OPTION_RANGES;
  const D = DEFAULT_CLASSIFIER_OPTIONS;
  const readers = (option: ArchitectureSpecificOption): string => architecturesWhere((a) => a.kind !== 'portfolio' && a.reads.includes(option)).join('/');
  return command
    .addOption(
      new Option(
        '--arch <arch>',
        `model architecture: ${ARCHITECTURES.join(', ')} (default: ${D.architecture}, which trains ngram and lstm within a time budget and keeps the best on validation or their average)`,
      ).argParser(choiceOption('--arch', ARCHITECTURES)),
    )
    .addOption(
      new Option('--epochs <n>', `training epochs, ${rangeText(FIT_OPTION_RANGES.epochs)} (default: ${DEFAULT_FIT_OPTIONS.epochs})`).argParser(
        rangeOption('--epochs', FIT_OPTION_RANGES.epochs),
      ),
    )
    .addOption(
      new Option(
        '--batch-size <n>',
        `examples per training batch, ${rangeText(FIT_OPTION_RANGES.batchSize)} (default: ${DEFAULT_FIT_OPTIONS.batchSize})`,
      ).argParser(rangeOption('--batch-size', FIT_OPTION_RANGES.batchSize)),
    )
    .addOption(
      new Option(
        '--threads <n>',
        "threads computing each batch (data-parallel; neural architectures and auto's LSTM), 1–256 or auto = every core (default: 1, so a command trains the same model on any machine; on 2 vCPUs auto trained lstm, gru, bilstm, bigru and transformer 1.12–1.42× faster, cnn 0.82–1.10×, see the README; bow trains on one thread, where two were 0.4–0.5× as fast). The same seed and thread count give the same model",
      ).argParser((raw: string) => (raw === 'auto' ? 'auto' : intOption('--threads', 1, 256)(raw))),
    )
    .addOption(
      new Option('--max-length <n>', `tokens kept per text, ${rangeText(C.maxLength)} (default: ${D.maxLength})`).argParser(
        rangeOption('--max-length', C.maxLength),
      ),
    )
    .addOption(
      new Option(
        '--truncating <side>',
        `which end of a text longer than --max-length is dropped: pre (keep the end) or post (keep the beginning) (default: ${D.truncating})`,
      ).argParser(choiceOption('--truncating', TRUNCATING_SIDES)),
    )
    .addOption(
      new Option('--vocab-size <n>', `vocabulary size incl. padding and OOV, ${rangeText(C.vocabSize)} (default: ${D.vocabSize})`).argParser(
        rangeOption('--vocab-size', C.vocabSize),
      ),
    )
    .addOption(
      new Option(
        '--min-frequency <n>',
        `minimum count for a token to enter the vocabulary, ${rangeText(C.minFrequency)} (default: ${D.minFrequency})`,
      ).argParser(rangeOption('--min-frequency', C.minFrequency)),
    )
    .addOption(
      new Option('--embedding-dim <n>', `embedding width, ${rangeText(C.embeddingDim)} (default: ${D.embeddingDim})`).argParser(
        rangeOption('--embedding-dim', C.embeddingDim),
      ),
    )
    .addOption(
      new Option(
        '--units <n>',
        `LSTM/GRU units per direction, CNN filters, transformer feed-forward width (unused by bow), ${rangeText(C.units)} (default: ${D.units})`,
      ).argParser(rangeOption('--units', C.units)),
    )
    .addOption(
      new Option(
        '--initial-state <kind>',
        `${readers('initialState')}: what a text starts from, learned (a trained state; cnn: a window of trained padding), zero, or padded (as a pre-padded, unmasked Keras/PyTorch model: cnn, the windows over the padding before each text; lstm and gru, the state after reading max-length − length pad tokens) (default: ${D.initialState})`,
      ).argParser(choiceOption('--initial-state', INITIAL_STATES)),
    )
    .addOption(
      new Option('--heads <n>', `${readers('heads')}: attention heads, ${rangeText(C.heads)}, dividing --embedding-dim (default: ${D.heads})`).argParser(
        rangeOption('--heads', C.heads),
      ),
    )
    .addOption(
      new Option('--kernel-size <n>', `CNN kernel width in tokens, ${rangeText(C.kernelSize)} (default: ${D.kernelSize})`).argParser(
        rangeOption('--kernel-size', C.kernelSize),
      ),
    )
    .addOption(new Option('--dropout <f>', `dropout rate, ${rangeText(C.dropout)} (default: ${D.dropout})`).argParser(rangeOption('--dropout', C.dropout)))
    .addOption(
      new Option('--learning-rate <f>', `Adam learning rate, ${rangeText(C.learningRate)} (default: ${D.learningRate})`).argParser(
        rangeOption('--learning-rate', C.learningRate),
      ),
    )
    .addOption(
      new Option('--tokenizer <kind>', `tokenizer: ${TOKENIZERS.join(', ')} (default: ${D.tokenizer})`).argParser(choiceOption('--tokenizer', TOKENIZERS)),
    )
    .addOption(
      new Option('--word-ngrams <n>', `ngram/auto: longest word n-gram, ${rangeText(C.wordNgrams)} (0: no word features; default: ${D.wordNgrams})`).argParser(
        rangeOption('--word-ngrams', C.wordNgrams),
      ),
    )
    .addOption(
      new Option(
        '--char-ngrams <range>',
        `ngram/auto: character n-grams, auto, none or a range N-M (default: ${D.charNgrams}: 1-3 for CJK text, 2-5 otherwise, none for very large inputs)`,
      ).argParser((value: string) => {
        if (isCharNgrams(value)) return value;
        throw new CliError('USAGE', `--char-ngrams must be auto, none or a range N-M with 1 ≤ N ≤ M ≤ 10 (got ${JSON.stringify(value)})`);
      }),
    )
    .addOption(
      new Option('--max-features <n>', `ngram/auto: n-gram features kept at most, ${rangeText(C.maxFeatures)} (default: ${D.maxFeatures})`).argParser(
        rangeOption('--max-features', C.maxFeatures),
      ),
    )
    .addOption(
      new Option(
        '--regularization <f>',
        `ngram/auto: L2 strength of the logistic regression, ${rangeText(C.regularization)} (0: chosen on the validation split; default: ${D.regularization})`,
      ).argParser(rangeOption('--regularization', C.regularization)),
    )
    .addOption(
      new Option('--seed <n>', `random seed, ${rangeText(FIT_OPTION_RANGES.seed)} (default: ${DEFAULT_FIT_OPTIONS.seed})`).argParser(
        rangeOption('--seed', FIT_OPTION_RANGES.seed),
      ),
    );
}

/**
 * Picks the classifier options that the user set.
 *
 * @param options - Parsed command options.
 * @returns Options for `createTextClassifier` (unset ones left to model-core's defaults).
 * @example
 * ```ts
 * classifierOptionsFrom({ arch: 'bow', units: 32 }); // { architecture: 'bow', units: 32 }
 * ```
 */
export function classifierOptionsFrom(options: Omit<TextClassifierOptions, 'architecture'> & { arch?: Architecture }): TextClassifierOptions {
  const result: TextClassifierOptions = {};
  if (options.arch !== undefined) result.architecture = options.arch;
  for (const key of Object.keys(DEFAULT_CLASSIFIER_OPTIONS) as Array<keyof TextClassifierOptions>) {
    const value = key === 'architecture' ? undefined : options[key];
    if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  }
  return result;
}

/**
 * Registers `glossa train <data> --out <dir>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerTrainCommand(program, ctx);
 * ```
 */
export function registerTrainCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('train')
    .description('train a text classifier on a CSV, TSV or JSONL file and save it as a bundle')
    .argument('<data>', 'training data (.csv, .tsv, .jsonl or .parquet with text and label columns)')
    // Checked in the action (not commander's requiredOption): a missing data file is named before a missing --out.
    .option('-o, --out <dir>', 'where to write the bundle (a directory, or a file ending in .glossa); required');
  addModelOptions(command);
  addDataOptions(command);
  addBackendOption(command);
  command
    .addOption(
      new Option(
        '--validation-split <f>',
        `fraction held out for validation, ${rangeText(FIT_OPTION_RANGES.validationSplit)} (default: ${DEFAULT_FIT_OPTIONS.validationSplit})`,
      )
        .argParser(rangeOption('--validation-split', FIT_OPTION_RANGES.validationSplit))
        .conflicts('validation'),
    )
    .option('--validation <file>', 'validation data file (same columns and format) instead of a split')
    .option('--json', 'print one JSON object with the results on stdout (progress stays on stderr)')
    .option(
      '--checkpoint-dir <dir>',
      'where to keep the training checkpoint, written after every epoch and on Ctrl-C, removed once the bundle is saved (default: <out>.checkpoint)',
    )
    .option('--resume', 'continue the interrupted run whose checkpoint is in --checkpoint-dir (give the same data and options)')
    .option('--no-checkpoint', 'write no checkpoints')
    .option(
      '--pretrained-vectors <file>',
      `initialise the embeddings from word vectors, a fastText .vec or GloVe .txt file (--arch ${listNames(EMBEDDING_ARCHITECTURES)}; --embedding-dim follows the file's dimension)`,
    )
    .addOption(
      dtypeOption(
        '--quantize <dtype>',
        'save the bundle quantized: int8 (about 4× smaller) or float16 (2×); as glossa quantize, without keeping the float32 bundle',
      ),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ glossa train reviews.csv --out ./sentiment-model
  $ glossa train tweets.tsv --out model.glossa --arch bow --epochs 3 --text-column tweet
  $ glossa train data.jsonl --out ./model --validation dev.jsonl --json > result.json
  $ glossa train part-00000.snappy.parquet --out ./model --text-column review --label-column stars
  $ glossa train reviews.csv --out ./model --epochs 20 --resume   # after Ctrl-C: continue where it stopped
  $ glossa train reviews.csv --out ./model --pretrained-vectors wiki.en.vec
  $ glossa train reviews.csv --out model.glossa --quantize int8             # about 4× smaller`,
    )
    .action(async (data: string, options: TrainCommandOptions, cmd: Command) => {
      if (options.out === undefined) {
        throw new CliError(
          'USAGE',
          `--out <dir> is missing: where to save the trained model, e.g. ${ctx.bin} train ${data} --out ./model (or --out model.glossa for one file)`,
        );
      }
      // commander keeps the arguments as given (untyped `rawArgs`), for the resume hint.
      const args = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      await runTrain(ctx, data, options, cmd.optsWithGlobals().verbose === true, args.length > 0 ? args : ['train', data, '--out', options.out]);
    });
  return command;
}

async function runTrain(ctx: CliContext, data: string, options: TrainCommandOptions, verbose: boolean, args: readonly string[]): Promise<void> {
  if (options.resume && options.checkpoint === false) {
    throw new CliError('USAGE', '--resume needs a checkpoint; it cannot be combined with --no-checkpoint');
  }
  const say = options.json ? ctx.err : ctx.out;
  const colors = options.json ? ctx.errColors : ctx.colors;
  const runtime = await loadRuntime();
  // The vector file's header (and the options it must agree with) before the data: a usage error fails fastest.
  const pretrained =
    options.pretrainedVectors === undefined
      ? undefined
      : await preparePretrainedVectors(ctx, runtime, options.pretrainedVectors, classifierOptionsFrom(options));
  // Data first: a bad file fails fast, before any backend is initialised.
  const records = await loadData(runtime, ctx, data, options);
  if (records.length === 0) {
    throw new CliError('RUNTIME', `${data} has no usable rows. Check --text-column and --label-column.`);
  }
  const classes = new Set(records.map((r) => r.label));
  if (classes.size < 2) {
    throw new CliError(
      'RUNTIME',
      `${data}: every row has the label "${[...classes][0]}"; a classifier needs at least two labels. Add examples of the other classes (or check --label-column).`,
    );
  }
  const fitOptions: Omit<FitOptions, 'onProgress' | 'signal'> = {};
  if (options.epochs !== undefined) fitOptions.epochs = options.epochs;
  if (options.batchSize !== undefined) fitOptions.batchSize = options.batchSize;
  if (options.seed !== undefined) fitOptions.seed = options.seed;
  if (options.validationSplit !== undefined) fitOptions.validationSplit = options.validationSplit;
  if (options.validation !== undefined) {
    fitOptions.validationData = await loadData(runtime, ctx, options.validation, options);
  }
  const backend = await initBackendFor(runtime, 'train', options.backend, cliLogger(ctx, verbose));
  ctx.err(`backend: ${backend.backend}`); // with --verbose, node-runtime's logger says why

  // Checkpoints: written after every epoch and on Ctrl-C, read by --resume, removed once the bundle is saved.
  // Only the neural architectures have them (ngram trains in one pass; auto's portfolio starts afresh).
  const architecture = options.arch ?? 'auto';
  const checkpoints = ARCHITECTURE_REGISTRY[architecture].checkpoints;
  if (options.resume && !checkpoints) {
    throw new CliError(
      'USAGE',
      `--resume: --arch ${architecture} keeps no checkpoints (it trains in one pass); run the same command without --resume, or use --arch ${listNames(architecturesWhere((a) => a.checkpoints))}`,
    );
  }
  const store =
    options.checkpoint === false || !checkpoints
      ? undefined
      : runtime.createCheckpointStore(options.checkpointDir === undefined ? defaultCheckpointDir(options.out) : resolve(options.checkpointDir), {
          logger: cliLogger(ctx, verbose),
        });
  let latest: Checkpoint | undefined;
  if (store !== undefined) {
    if (options.resume) {
      latest = await store.load();
      if (latest === undefined) {
        throw new CliError(
          'RUNTIME',
          `--resume: there is no checkpoint in ${store.path}. Start without --resume, or pass the --checkpoint-dir of the interrupted run.`,
        );
      }
      fitOptions.resumeFrom = latest;
      ctx.err(`resuming from the checkpoint in ${store.path} (${describeCheckpoint(latest)})`);
    } else if (await store.exists()) {
      ctx.warn(`${store.path} holds the checkpoint of an earlier run; this run replaces it (Ctrl-C now and pass --resume to continue that run instead)`);
    }
    fitOptions.onCheckpoint = async (checkpoint) => {
      await store.save(checkpoint);
      latest = checkpoint;
    };
  }

  if (pretrained !== undefined) fitOptions.pretrainedEmbeddings = pretrained.pretrainedEmbeddings;
  const classifier = runtime.createTextClassifier({
    ...classifierOptionsFrom(options),
    ...(pretrained === undefined ? {} : { embeddingDim: pretrained.dimension }),
  });
  // Worker threads compute shards of each batch (not for ngram, which has no batches). One by default, so the
  // same command and seed give the same model on any machine (the thread count changes the summation order).
  const threads = options.threads === 'auto' ? availableParallelism() : (options.threads ?? 1);
  let workers: Awaited<ReturnType<RuntimeApi['createTrainingWorkers']>> | undefined;
  try {
    const oneThread = ARCHITECTURE_REGISTRY[architecture].oneThread;
    if (threads > 1 && oneThread !== undefined) ctx.err(`threads: 1, not ${threads} (${architecture}: ${oneThread})`);
    else if (threads > 1 && ARCHITECTURE_REGISTRY[architecture].kind !== 'sparse') {
      workers = await runtime.createTrainingWorkers({ threads, backend: backend.backend as BackendChoice });
      fitOptions.gradientWorkers = workers;
      ctx.err(`threads: ${threads} (each batch in ${threads} shards)`);
    }
    let outcome: Awaited<ReturnType<typeof fitWithProgress>>;
    try {
      outcome = await fitWithProgress(ctx, classifier, records, fitOptions, {
        abortMessage: () => {
          if (store === undefined || latest === undefined) return 'training interrupted; nothing was saved (checkpoints are off)';
          ctx.err(`checkpoint saved in ${store.path} (${describeCheckpoint(latest)})`);
          ctx.err(`to continue: ${resumeCommand(args, undefined, ctx.bin)}`);
          return `training interrupted; resume with --resume (checkpoint in ${store.path})`;
        },
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'TRAINING_DIVERGED') {
        const learningRate = classifier.options.learningRate / 10;
        if (store !== undefined && latest !== undefined) {
          ctx.err(`the last good checkpoint (${describeCheckpoint(latest)}) is kept in ${store.path}`);
          ctx.err(`to continue from it with a lower learning rate: ${resumeCommand(args, learningRate, ctx.bin)}`);
        } else {
          ctx.err(`try a lower learning rate, e.g. --learning-rate ${learningRate}`);
        }
        throw new CliError('RUNTIME', (error as Error).message, { cause: error });
      }
      throw error;
    }
    const { result, start } = outcome;
    let float32Bytes: number | undefined;
    let saved: { path: string; bytes: number };
    if (options.quantize === undefined) {
      saved = await saveClassifier(runtime, classifier, options.out, cliLogger(ctx, verbose));
    } else {
      const files = await runtime.serializeBundle(classifier);
      // What the float32 bundle would have taken in the same form.
      float32Bytes = resolve(options.out).endsWith(runtime.PACKED_BUNDLE_EXTENSION)
        ? runtime.packBundle(files).byteLength
        : Object.values(files).reduce((n, bytes) => n + bytes.byteLength, 0);
      let quantized: Record<string, Uint8Array> | undefined;
      try {
        quantized = quantizeFiles(runtime, files, options.quantize, options.out);
      } catch (error) {
        // Never lose a trained model to a failed quantization: keep it as float32 and say so.
        if (!(error instanceof CliError)) throw error;
        ctx.warn(`could not quantize the model (${error.message}); saving it as float32`);
        float32Bytes = undefined;
      }
      saved = await saveBundleFilesTo(runtime, quantized ?? files, options.out, cliLogger(ctx, verbose));
    }
    const { path: bundle, bytes } = saved;
    // The bundle is safely saved: the checkpoint has served its purpose.
    await store?.remove();

    if (result.validation !== undefined) {
      say(formatReport(result.validation, colors, 'Validation metrics'));
    }
    if (result.portfolio !== undefined) say(formatPortfolio(result.portfolio));
    if (!options.json) {
      const kind = ARCHITECTURE_REGISTRY[architecture].kind;
      say(
        kind === 'neural'
          ? `trained ${result.epochsRun} epoch${result.epochsRun === 1 ? '' : 's'} in ${formatDuration(result.trainSeconds)} (${formatRate(result.trainSamplesPerSecond)} samples/s)`
          : `trained in ${formatDuration(result.trainSeconds)}`,
      );
    }
    say(
      float32Bytes === undefined
        ? `bundle written to ${bundle} (${formatBytes(bytes)})`
        : `bundle written to ${bundle} (${formatBytes(bytes)}, ${options.quantize}: ${(float32Bytes / bytes).toFixed(2)}× smaller than float32's ${formatBytes(float32Bytes)})`,
    );
    if (!options.json) say(colors.dim(`next: ${ctx.bin} evaluate ${bundle} <test-data>   or   ${ctx.bin} predict ${bundle} "some text"`));

    if (options.json) {
      ctx.out(
        JSON.stringify({
          bundle,
          bundleBytes: bytes,
          ...(float32Bytes === undefined ? {} : { quantization: { dtype: options.quantize, float32Bytes } }),
          backend: backend.backend,
          backendReason: backend.reason,
          trainSize: start?.trainSize ?? result.trainSize ?? records.length,
          validationSize: start?.validationSize ?? result.validationSize ?? result.validation?.n ?? 0,
          labels: [...classifier.labels],
          epochs: result.epochsRun,
          bestEpoch: result.bestEpoch,
          stoppedEarly: result.stoppedEarly,
          trainSeconds: result.trainSeconds,
          trainSamplesPerSecond: result.trainSamplesPerSecond,
          history: result.history,
          validation: result.validation ?? null,
          ...(result.pretrained === undefined ? {} : { pretrained: result.pretrained }),
          ...(result.portfolio === undefined ? {} : { portfolio: result.portfolio }),
          options: classifier.options,
        }),
      );
    }
  } finally {
    classifier.dispose();
    await workers?.close();
  }
}
