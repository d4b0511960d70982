import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, addDataOptions, addPredictBatchOption, cliLogger, type DataOptions, loadData } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatBytes, formatKeyValues, formatMetric } from '../internal/format.js';
import { choiceOption } from '../internal/parse-options.js';
import { type BackendChoice, bundleBytesOnDisk, initBackendFor, type LabeledText, type Logger, loadRuntime, type RuntimeApi } from '../runtime.js';

/** What `glossa quantize` and `glossa train --quantize` can store weights as. */
export const QUANTIZE_DTYPES = ['int8', 'float16'] as const;
/** One of {@link QUANTIZE_DTYPES}. */
export type QuantizeDtype = (typeof QUANTIZE_DTYPES)[number];

/** Parsed options of `glossa quantize`. */
export interface QuantizeCommandOptions extends DataOptions {
  dtype: QuantizeDtype;
  out?: string;
  eval?: string;
  batchSize: number;
  backend?: BackendChoice;
  json?: boolean;
}

/**
 * The `--dtype` / `--quantize` option.
 *
 * @param flags - The option's flags, e.g. `--dtype <dtype>`.
 * @param description - Its help text.
 * @returns The option (values: int8, float16).
 * @example
 * ```ts
 * command.addOption(dtypeOption('--quantize <dtype>', 'save the bundle quantized'));
 * ```
 */
export function dtypeOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser(choiceOption(flags.split(' ')[0]!, QUANTIZE_DTYPES));
}

/**
 * Writes bundle files to a directory, or to one packed file when `out` ends in `.glossa`; atomic either way
 * (node-runtime's `saveBundleFiles` / `openAtomicWriteStream`).
 *
 * @param runtime - The loaded runtime.
 * @param files - The bundle's files.
 * @param out - Target directory or `.glossa` file.
 * @param logger - Where node-runtime reports.
 * @returns The absolute path written and its size on disk.
 * @throws Whatever the file system throws.
 * @example
 * ```ts
 * await saveBundleFilesTo(runtime, files, 'model-int8.glossa', logger);
 * ```
 */
export async function saveBundleFilesTo(
  runtime: RuntimeApi,
  files: Record<string, Uint8Array>,
  out: string,
  logger: Logger,
): Promise<{ path: string; bytes: number }> {
  const path = resolve(out);
  if (path.endsWith(runtime.PACKED_BUNDLE_EXTENSION)) {
    const file = await runtime.openAtomicWriteStream(path);
    try {
      await new Promise<void>((done, fail) => {
        file.stream.write(runtime.packBundle(files), (error) => (error ? fail(error) : done()));
      });
      await file.commit();
    } catch (error) {
      await file.abort();
      throw new CliError('RUNTIME', `could not write ${path} (${(error as Error).message}). Check the path and free space.`, { cause: error });
    }
  } else {
    await runtime.saveBundleFiles(path, files, { logger });
  }
  return { path, bytes: await bundleBytesOnDisk(path) };
}

/**
 * Quantizes bundle files, turning model-core's messages into the CLI's (no function names).
 *
 * @param runtime - The loaded runtime.
 * @param files - A float32 bundle's files.
 * @param dtype - What to store the weights as.
 * @param name - The bundle's path, for messages.
 * @returns The quantized bundle's files.
 * @throws {CliError} RUNTIME for a bundle quantized already or weights float16 cannot hold.
 * @example
 * ```ts
 * const small = quantizeFiles(runtime, files, 'int8', './model');
 * ```
 */
export function quantizeFiles(runtime: RuntimeApi, files: Record<string, Uint8Array>, dtype: QuantizeDtype, name: string): Record<string, Uint8Array> {
  const stored = runtime.readManifest(files).quantization?.dtype;
  if (stored !== undefined) {
    throw new CliError('RUNTIME', `${name} is already quantized (${stored}). Quantize the float32 bundle it was made from: quantizing twice only adds error`);
  }
  try {
    return runtime.quantizeBundle(files, { dtype });
  } catch (error) {
    if (error instanceof runtime.ModelCoreError && !(error instanceof runtime.BundleError)) {
      throw new CliError('RUNTIME', `${name}: ${error.message.replace(/^quantizeBundle: /, '')}`, { cause: error });
    }
    throw error;
  }
}

/** How the size changed: e.g. `3.59× smaller`. */
function ratioText(before: number, after: number): string {
  return after > 0 ? `${(before / after).toFixed(2)}× smaller` : '-';
}

/** A metric's change in points (hundredths): e.g. `−0.06 points`. */
function pointsText(before: number, after: number): string {
  const points = (after - before) * 100;
  const rounded = Math.abs(points) < 0.005 ? 0 : points;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(2)} points`;
}

/** Accuracy, macro-F1 and the predicted label of every row, for one bundle. */
interface Scored {
  accuracy: number;
  macroF1: number;
  labels: Int32Array;
}

async function scoreBundle(runtime: RuntimeApi, files: Record<string, Uint8Array>, records: readonly LabeledText[], batchSize: number): Promise<Scored> {
  const classifier = await runtime.deserializeBundle(files);
  try {
    const known = new Set(classifier.labels);
    const usable = records.filter((r) => known.has(r.label));
    if (usable.length === 0) {
      throw new CliError('RUNTIME', `no row of the --eval data has a label the model knows (${classifier.labels.join(', ')}). Check --label-column`);
    }
    const report = await classifier.evaluate(usable, { batchSize });
    const probabilities = await classifier.predictProbabilities(
      usable.map((r) => r.text),
      { batchSize },
    );
    const k = classifier.labels.length;
    const labels = new Int32Array(usable.length);
    for (let i = 0; i < usable.length; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
      labels[i] = best;
    }
    return { accuracy: report.accuracy, macroF1: report.macroF1, labels };
  } finally {
    classifier.dispose();
  }
}

/**
 * Registers `glossa quantize <bundle> --out <bundle>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerQuantizeCommand(program, ctx);
 * ```
 */
export function registerQuantizeCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('quantize')
    .description('make a smaller copy of a bundle: weights as int8 (about 4× smaller) or float16 (2×)')
    .argument('<bundle>', 'float32 bundle directory, .glossa file or installed model package name');
  command
    .addOption(
      dtypeOption(
        '--dtype <dtype>',
        'int8 (about 4× smaller, accuracy typically within a few tenths of a point) or float16 (2×, practically lossless)',
      ).default('int8'),
    )
    // Checked in the action: a missing --out gets an example.
    .option('-o, --out <path>', 'where to write the quantized bundle (a directory, or a file ending in .glossa); required')
    .option('--eval <data>', 'labelled test data: evaluate both bundles on it and print the accuracy change');
  addDataOptions(command);
  addPredictBatchOption(command);
  addBackendOption(command);
  command
    .option('--json', 'print one JSON object with the sizes (and the evaluation) on stdout')
    .addHelpText(
      'after',
      `
The quantized bundle loads everywhere a float32 one does (predict, evaluate, serve, queue, the browser);
releases of Glossa from before quantization refuse it with "upgrade Glossa". Keep the float32 bundle:
it is what you would quantize again.

Examples:
  $ glossa quantize ./sentiment-model --out ./sentiment-int8
  $ glossa quantize ./sentiment-model --dtype float16 --out sentiment-f16.glossa
  $ glossa quantize ./sentiment-model --out ./sentiment-int8 --eval test.csv`,
    )
    .action(async (bundle: string, options: QuantizeCommandOptions, cmd: Command) => {
      if (options.out === undefined) {
        throw new CliError(
          'USAGE',
          `--out <path> is missing: where to write the quantized bundle, e.g. glossa quantize ${bundle} --out ${bundle.replace(/[\\/]+$/, '').replace(/\.glossa$/, '')}-${options.dtype}`,
        );
      }
      await runQuantize(ctx, bundle, options.out, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runQuantize(ctx: CliContext, bundle: string, out: string, options: QuantizeCommandOptions, verbose: boolean): Promise<void> {
  const runtime = await loadRuntime();
  // A model package name (@glossa/model-sentiment-en) becomes the path of its bundle.
  const source = await runtime.resolveBundlePath(bundle);
  if (resolve(out) === source) {
    throw new CliError(
      'USAGE',
      `--out ${out} is the bundle being quantized: write the quantized copy elsewhere (e.g. --out ${bundle.replace(/[\\/]+$/, '').replace(/\.glossa$/, '')}-${options.dtype}) and keep the float32 bundle`,
    );
  }
  const logger = cliLogger(ctx, verbose);
  // Read the test data first: a bad file fails before anything is written.
  const records = options.eval === undefined ? undefined : await loadData(runtime, ctx, options.eval, options);
  if (records !== undefined && records.length === 0)
    throw new CliError('RUNTIME', `${options.eval} has no usable rows. Check --text-column and --label-column.`);
  const files = await runtime.readBundleFiles(source);
  const quantized = quantizeFiles(runtime, files, options.dtype, bundle);
  const before = await bundleBytesOnDisk(source);
  const sourceForm = (await stat(source)).isFile() ? 'file' : 'directory';
  const saved = await saveBundleFilesTo(runtime, quantized, out, logger);
  const form = saved.path.endsWith(runtime.PACKED_BUNDLE_EXTENSION) ? 'file' : 'directory';
  const rows: Array<[string, string]> = [
    ['float32 bundle', `${source} (${sourceForm}, ${formatBytes(before)})`],
    [`${options.dtype} bundle`, `${saved.path} (${form}, ${formatBytes(saved.bytes)})`],
    ['size', `${ratioText(before, saved.bytes)} (${before.toLocaleString('en-US')} → ${saved.bytes.toLocaleString('en-US')} bytes)`],
  ];
  let evaluation: Record<string, unknown> | undefined;
  if (records !== undefined) {
    const backend = await initBackendFor(runtime, 'predict', options.backend, logger);
    ctx.err(`evaluating both bundles on ${options.eval} (${records.length.toLocaleString('en-US')} rows, backend ${backend.backend})…`);
    const a = await scoreBundle(runtime, files, records, options.batchSize);
    const b = await scoreBundle(runtime, quantized, records, options.batchSize);
    let changed = 0;
    for (let i = 0; i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) changed++;
    const n = a.labels.length;
    rows.push(
      ['accuracy', `${formatMetric(a.accuracy)} → ${formatMetric(b.accuracy)} (${pointsText(a.accuracy, b.accuracy)})`],
      ['macro-F1', `${formatMetric(a.macroF1)} → ${formatMetric(b.macroF1)} (${pointsText(a.macroF1, b.macroF1)})`],
      ['changed labels', `${changed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows (${((100 * changed) / n).toFixed(2)}%)`],
    );
    evaluation = {
      data: resolve(options.eval!),
      n,
      float32: { accuracy: a.accuracy, macroF1: a.macroF1 },
      quantized: { accuracy: b.accuracy, macroF1: b.macroF1 },
      accuracyChange: b.accuracy - a.accuracy,
      macroF1Change: b.macroF1 - a.macroF1,
      changedPredictions: changed,
      backend: backend.backend,
    };
  }
  if (options.json) {
    ctx.out(
      JSON.stringify({
        bundle: source,
        out: saved.path,
        dtype: options.dtype,
        float32: { bytes: before, form: sourceForm },
        quantized: { bytes: saved.bytes, form },
        ratio: before / saved.bytes,
        ...(evaluation === undefined ? {} : { evaluation }),
      }),
    );
    return;
  }
  ctx.out(formatKeyValues(rows, ctx.colors));
  ctx.out(ctx.colors.dim(`next: ${ctx.bin} info ${saved.path}   or   ${ctx.bin} predict ${saved.path} "some text"`));
}
