import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import {
  addBackendOption,
  addDataOptions,
  cliLogger,
  type DataOptions,
  loadData,
} from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { fitWithProgress } from '../internal/fit-with-progress.js';
import { formatBytes, formatDuration, formatRate, formatReport } from '../internal/format.js';
import { choiceOption, floatOption, intOption } from '../internal/parse-options.js';
import {
  type Architecture,
  type BackendChoice,
  type FitOptions,
  initBackendFor,
  loadRuntime,
  saveClassifier,
  type TextClassifierOptions,
  type TokenizerType,
} from '../runtime.js';

/** Architectures accepted by `--arch`. */
export const ARCHITECTURES: readonly Architecture[] = ['lstm', 'bow', 'cnn'];
/** Tokenizers accepted by `--tokenizer`. */
export const TOKENIZERS: readonly TokenizerType[] = ['word', 'whitespace', 'char', 'char-ngram'];

/** Parsed options of `glossa train`. */
export interface TrainCommandOptions extends DataOptions {
  out: string;
  arch?: Architecture;
  epochs?: number;
  batchSize?: number;
  maxLength?: number;
  vocabSize?: number;
  minFrequency?: number;
  embeddingDim?: number;
  units?: number;
  kernelSize?: number;
  dropout?: number;
  learningRate?: number;
  tokenizer?: TokenizerType;
  validationSplit?: number;
  validation?: string;
  seed?: number;
  backend?: BackendChoice;
  json?: boolean;
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
  return command
    .addOption(
      new Option('--arch <arch>', `model architecture: ${ARCHITECTURES.join(', ')} (default: lstm)`).argParser(
        choiceOption('--arch', ARCHITECTURES),
      ),
    )
    .addOption(
      new Option('--epochs <n>', 'training epochs, 1–1000 (default: 5)').argParser(
        intOption('--epochs', 1, 1000),
      ),
    )
    .addOption(
      new Option('--batch-size <n>', 'examples per training batch, 1–65536 (default: 64)').argParser(
        intOption('--batch-size', 1, 65_536),
      ),
    )
    .addOption(
      new Option('--max-length <n>', 'tokens kept per text, 1–10000 (default: 100)').argParser(
        intOption('--max-length', 1, 10_000),
      ),
    )
    .addOption(
      new Option('--vocab-size <n>', 'vocabulary size incl. padding and OOV, 3–2000000 (default: 20000)').argParser(
        intOption('--vocab-size', 3, 2_000_000),
      ),
    )
    .addOption(
      new Option('--min-frequency <n>', 'minimum count for a token to enter the vocabulary, 1–1000000 (default: 1)').argParser(
        intOption('--min-frequency', 1, 1_000_000),
      ),
    )
    .addOption(
      new Option('--embedding-dim <n>', 'embedding width, 1–1024 (default: 64)').argParser(
        intOption('--embedding-dim', 1, 1024),
      ),
    )
    .addOption(
      new Option('--units <n>', 'LSTM units / CNN filters (unused by bow), 1–1024 (default: 64)').argParser(
        intOption('--units', 1, 1024),
      ),
    )
    .addOption(
      new Option('--kernel-size <n>', 'CNN kernel width in tokens, 1–32 (default: 5)').argParser(
        intOption('--kernel-size', 1, 32),
      ),
    )
    .addOption(
      new Option('--dropout <f>', 'dropout rate, 0–0.9 (default: 0)').argParser(
        floatOption('--dropout', { min: 0, max: 0.9 }),
      ),
    )
    .addOption(
      new Option('--learning-rate <f>', 'Adam learning rate, 1e-7–10 (default: 0.001)').argParser(
        floatOption('--learning-rate', { min: 1e-7, max: 10 }),
      ),
    )
    .addOption(
      new Option('--tokenizer <kind>', `tokenizer: ${TOKENIZERS.join(', ')} (default: word)`).argParser(
        choiceOption('--tokenizer', TOKENIZERS),
      ),
    )
    .addOption(
      new Option('--seed <n>', 'random seed, 0–4294967295 (default: 42)').argParser(
        intOption('--seed', 0, 4_294_967_295),
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
export function classifierOptionsFrom(
  options: Pick<
    TrainCommandOptions,
    | 'arch'
    | 'maxLength'
    | 'vocabSize'
    | 'minFrequency'
    | 'embeddingDim'
    | 'units'
    | 'kernelSize'
    | 'dropout'
    | 'learningRate'
    | 'tokenizer'
  >,
): TextClassifierOptions {
  const result: TextClassifierOptions = {};
  if (options.arch !== undefined) result.architecture = options.arch;
  if (options.maxLength !== undefined) result.maxLength = options.maxLength;
  if (options.vocabSize !== undefined) result.vocabSize = options.vocabSize;
  if (options.minFrequency !== undefined) result.minFrequency = options.minFrequency;
  if (options.kernelSize !== undefined) result.kernelSize = options.kernelSize;
  if (options.embeddingDim !== undefined) result.embeddingDim = options.embeddingDim;
  if (options.units !== undefined) result.units = options.units;
  if (options.dropout !== undefined) result.dropout = options.dropout;
  if (options.learningRate !== undefined) result.learningRate = options.learningRate;
  if (options.tokenizer !== undefined) result.tokenizer = options.tokenizer;
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
    .argument('<data>', 'training data (.csv, .tsv or .jsonl with text and label columns)')
    .requiredOption('-o, --out <dir>', 'where to write the bundle (a directory, or a file ending in .glossa)');
  addModelOptions(command);
  addDataOptions(command);
  addBackendOption(command);
  command
    .addOption(
      new Option('--validation-split <f>', 'fraction held out for validation, 0–0.9 (default: 0.1)')
        .argParser(floatOption('--validation-split', { min: 0, max: 0.9 }))
        .conflicts('validation'),
    )
    .option('--validation <file>', 'validation data file (same columns and format) instead of a split')
    .option('--json', 'print one JSON object with the results on stdout (progress stays on stderr)')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa train reviews.csv --out ./sentiment-model
  $ glossa train tweets.tsv --out model.glossa --arch bow --epochs 3 --text-column tweet
  $ glossa train data.jsonl --out ./model --validation dev.jsonl --json > result.json`,
    )
    .action(async (data: string, options: TrainCommandOptions, cmd: Command) => {
      await runTrain(ctx, data, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runTrain(
  ctx: CliContext,
  data: string,
  options: TrainCommandOptions,
  verbose: boolean,
): Promise<void> {
  const say = options.json ? ctx.err : ctx.out;
  const colors = options.json ? ctx.errColors : ctx.colors;
  const runtime = await loadRuntime();
  // Data first: a bad file fails fast, before any backend is initialised.
  const records = await loadData(runtime, ctx, data, options);
  if (records.length === 0) {
    throw new CliError('RUNTIME', `${data} has no usable rows. Check --text-column and --label-column.`);
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

  const classifier = runtime.createTextClassifier(classifierOptionsFrom(options));
  try {
    const { result, start } = await fitWithProgress(ctx, classifier, records, fitOptions);
    const { path: bundle, bytes } = await saveClassifier(
      runtime,
      classifier,
      options.out,
      cliLogger(ctx, verbose),
    );

    if (result.validation !== undefined) {
      say(formatReport(result.validation, colors, 'Validation metrics'));
    }
    if (!options.json) {
      say(
        `trained ${result.epochsRun} epoch${result.epochsRun === 1 ? '' : 's'} in ${formatDuration(result.trainSeconds)} ` +
          `(${formatRate(result.trainSamplesPerSecond)} samples/s)`,
      );
    }
    say(`bundle written to ${bundle} (${formatBytes(bytes)})`);
    if (!options.json) say(colors.dim(`next: glossa evaluate ${bundle} <test-data>   or   glossa predict ${bundle} "some text"`));

    if (options.json) {
      ctx.out(
        JSON.stringify({
          bundle,
          bundleBytes: bytes,
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
          options: classifier.options,
        }),
      );
    }
  } finally {
    classifier.dispose();
  }
}
