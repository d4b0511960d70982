import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../internal/context.js';
import { formatBytes, formatDuration, formatKeyValues, formatMetric } from '../internal/format.js';
import { type BundleManifest, bundleBytesOnDisk, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa info`. */
export interface InfoCommandOptions {
  json?: boolean;
}

/**
 * The rows `glossa info` prints for a manifest.
 *
 * @param manifest - The bundle manifest.
 * @param location - Path, size and form of the bundle.
 * @returns Key/value rows in display order.
 * @example
 * ```ts
 * manifestRows(manifest, { path: '/m', bytes: 1024, form: 'directory' });
 * ```
 */
export function manifestRows(
  manifest: BundleManifest,
  location: { path: string; bytes: number; form: 'directory' | 'file' },
): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['bundle', `${location.path} (${location.form}, ${formatBytes(location.bytes)})`],
    ['format', `${manifest.format} v${manifest.formatVersion}, ${manifest.task}`],
    [
      'labels',
      `${manifest.labels.length}: ${manifest.labels.slice(0, 30).join(', ')}${manifest.labels.length > 30 ? ', …' : ''}`,
    ],
    ['architecture', manifest.architecture],
  ];
  const options = manifest.options as unknown as Record<string, unknown>;
  // Only the options the architecture uses (an auto bundle's members use both kinds).
  const ngramOnly = ['wordNgrams', 'charNgrams', 'maxFeatures', 'regularization'];
  const neuralOnly = ['embeddingDim', 'units', 'kernelSize', 'dropout', 'learningRate', 'vocabSize', 'minFrequency', 'maxLength', 'truncating'];
  // Options only some architectures read (auto's: those of its lstm member), hidden for the others.
  const readBy: Record<string, readonly string[]> = {
    heads: ['transformer'],
    initialState: ['lstm', 'gru', 'bilstm', 'bigru', 'cnn', 'auto'],
  };
  const unused = [
    ...(manifest.architecture === 'ngram' ? neuralOnly : manifest.architecture === 'auto' ? [] : ngramOnly),
    ...Object.keys(readBy).filter((key) => !readBy[key]!.includes(manifest.architecture)),
  ];
  const optionText = Object.keys(options)
    .filter((key) => key !== 'architecture' && !unused.includes(key))
    .sort()
    .map((key) => `${key}=${String(options[key])}`)
    .join(', ');
  rows.push(['options', optionText]);
  const training = manifest.training;
  if (training !== undefined) {
    rows.push(
      [
        'training',
        `${training.trainSize} examples, ${
          manifest.portfolio !== undefined
            ? `${training.epochsRun} candidate${training.epochsRun === 1 ? '' : 's'} compared`
            : manifest.ngram !== undefined
              ? `${training.epochsRun} regularisation strength${training.epochsRun === 1 ? '' : 's'} tried (kept ${training.bestEpoch})`
              : `${training.epochsRun} epoch${training.epochsRun === 1 ? '' : 's'} (best ${training.bestEpoch})`
        }, ` +
          `${formatDuration(training.trainSeconds)}, seed ${training.seed}`,
      ],
      ['data fingerprint', training.dataFingerprint],
    );
  }
  if (manifest.ngram !== undefined) {
    const f = manifest.ngram.features;
    const parts = [f.wordMaxN > 0 ? `words 1–${f.wordMaxN}` : '', f.charMinN > 0 ? `characters ${f.charMinN}–${f.charMaxN}` : ''].filter(Boolean);
    rows.push([
      'n-grams',
      `${parts.join(' + ')}; ${manifest.ngram.featureCount.toLocaleString('en-US')} features; λ = ${Number(manifest.ngram.regularization.toPrecision(3))}${manifest.ngram.refit ? '; refitted on all examples' : ''}`,
    ]);
  }
  if (manifest.members !== undefined) {
    rows.push(['members', manifest.members.map((m) => `${m.name} (${m.architecture}, weight ${Number(m.weight.toFixed(3))})`).join(', ')]);
  }
  if (manifest.portfolio !== undefined) {
    const p = manifest.portfolio;
    rows.push(['auto', `kept ${p.chosen}: ${p.reason}`]);
    for (const c of p.candidates) {
      const figures = c.valAccuracy === undefined ? 'not trained' : `val_accuracy ${formatMetric(c.valAccuracy)}, val_loss ${formatMetric(c.valLoss)}, ${formatDuration(c.trainSeconds)}`;
      rows.push([`  ${c.name}`, `${figures}${c.note ? `; ${c.note}` : ''}`]);
    }
  }
  const validation = manifest.metrics?.validation;
  if (validation !== undefined) {
    rows.push([
      'validation',
      `accuracy ${formatMetric(validation.accuracy)}, macro-F1 ${formatMetric(validation.macroF1)} (n=${validation.n})`,
    ]);
  }
  rows.push(
    ['created by', `${manifest.createdBy.name} ${manifest.createdBy.version}`],
    ['created at', manifest.createdAt],
  );
  return rows;
}

/**
 * Registers `glossa info <bundle>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerInfoCommand(program, ctx);
 * ```
 */
export function registerInfoCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('info')
    .description('show what a bundle holds: labels, architecture, options, metrics, size, creator')
    .argument('<bundle>', 'bundle directory or .glossa file');
  command
    .option('--json', 'print the manifest and size as one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa info ./sentiment-model
  $ glossa info model.glossa --json | jq .manifest.labels`,
    )
    .action(async (bundle: string, options: InfoCommandOptions) => {
      const runtime = await loadRuntime();
      // A model package name (@glossa/model-sentiment-en) becomes the path of its bundle.
      const path = await runtime.resolveBundlePath(bundle);
      const manifest = runtime.readManifest(await runtime.readBundleFiles(path));
      const bytes = await bundleBytesOnDisk(path);
      const form = (await stat(path)).isFile() ? 'file' : 'directory';
      if (options.json) {
        ctx.out(JSON.stringify({ bundle: path, bytes, form, manifest }));
        return;
      }
      ctx.out(formatKeyValues(manifestRows(manifest, { path, bytes, form }), ctx.colors));
    });
  return command;
}
