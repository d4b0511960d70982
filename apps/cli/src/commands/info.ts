import { stat } from 'node:fs/promises';
import { ARCHITECTURE_REGISTRY, ARCHITECTURE_SPECIFIC_OPTIONS } from '@glossa/model-core/architectures';
import type { Command } from 'commander';
import type { CliContext } from '../internal/context.js';
import { formatBytes, formatDuration, formatKeyValues, formatMetric } from '../internal/format.js';
import { type BundleManifest, bundleBytesOnDisk, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa info`. */
export interface InfoCommandOptions {
  json?: boolean;
}

/** How one model of a quantized bundle stores its weights, e.g. `embeddings int8 per row, …`. */
function quantizedParts(manifest: BundleManifest): string[] {
  const q = manifest.quantization;
  if (q === undefined) return [];
  const parts: string[] = [];
  const tensors = q.tensors ?? [];
  if (tensors.includes('int8-rows')) parts.push('embeddings int8 per row');
  if (tensors.includes('int8-columns')) parts.push('matrices int8 per output channel');
  if (q.dtype === 'int8' && tensors.includes('float32')) parts.push(`${tensors.filter((t) => t === 'float32').length} small tensors float32`);
  if (q.ngram !== undefined) {
    parts.push(
      `n-gram weights ${q.ngram.weights === 'int8-groups' ? 'int8 per label and run of 64 features' : q.ngram.weights}`,
      `n-gram keys ${q.ngram.keyBits} of 64 bits`,
    );
    const lost = q.ngram.unreachableFeatures;
    if (lost !== undefined) parts.push(`${lost} feature${lost === 1 ? '' : 's'} unreachable (keys equal in ${q.ngram.keyBits} bits)`);
  }
  return parts;
}

/**
 * How a bundle stores its weights: `float32`, or how `glossa quantize` stored them.
 *
 * @param manifest - The bundle manifest.
 * @param members - The manifests of an auto bundle's members, by name (for their details).
 * @returns e.g. `int8 (quantized): embeddings int8 per row, matrices int8 per output channel`.
 * @example
 * ```ts
 * weightsText(manifest); // 'float32'
 * ```
 */
export function weightsText(manifest: BundleManifest, members: ReadonlyMap<string, BundleManifest> = new Map()): string {
  const q = manifest.quantization;
  if (q === undefined) return 'float32';
  const parts =
    manifest.members === undefined
      ? quantizedParts(manifest).join(', ')
      : manifest.members.map((m) => `${m.name}: ${quantizedParts(members.get(m.name) ?? manifest).join(', ') || q.dtype}`).join('; ');
  return `${q.dtype} (quantized)${parts === '' ? '' : `: ${parts}`}`;
}

/**
 * The rows `glossa info` prints for a manifest.
 *
 * @param manifest - The bundle manifest.
 * @param location - Path, size and form of the bundle.
 * @param members - The manifests of an auto bundle's members, by name (how each stores its weights).
 * @returns Key/value rows in display order.
 * @example
 * ```ts
 * manifestRows(manifest, { path: '/m', bytes: 1024, form: 'directory' });
 * ```
 */
export function manifestRows(
  manifest: BundleManifest,
  location: { path: string; bytes: number; form: 'directory' | 'file' },
  members: ReadonlyMap<string, BundleManifest> = new Map(),
): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['bundle', `${location.path} (${location.form}, ${formatBytes(location.bytes)})`],
    ['format', `${manifest.format} v${manifest.formatVersion}, ${manifest.task}`],
    ['weights', weightsText(manifest, members)],
    ['labels', `${manifest.labels.length}: ${manifest.labels.slice(0, 30).join(', ')}${manifest.labels.length > 30 ? ', …' : ''}`],
    ['architecture', manifest.architecture],
  ];
  const options = manifest.options as unknown as Record<string, unknown>;
  // Only the options the architecture uses (an auto bundle's members use both kinds).
  const ngramOnly = ['wordNgrams', 'charNgrams', 'maxFeatures', 'regularization'];
  const neuralOnly = ['embeddingDim', 'units', 'kernelSize', 'dropout', 'learningRate', 'vocabSize', 'minFrequency', 'maxLength', 'truncating'];
  // Options only some architectures read (auto's: those of its lstm member), hidden for the others.
  const { kind, reads } = ARCHITECTURE_REGISTRY[manifest.architecture];
  const unused: string[] = [
    ...(kind === 'sparse' ? neuralOnly : kind === 'portfolio' ? [] : ngramOnly),
    ...ARCHITECTURE_SPECIFIC_OPTIONS.filter((key) => !reads.includes(key)),
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
        }, ` + `${formatDuration(training.trainSeconds)}, seed ${training.seed}`,
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
      const figures =
        c.valAccuracy === undefined
          ? 'not trained'
          : `val_accuracy ${formatMetric(c.valAccuracy)}, val_loss ${formatMetric(c.valLoss)}, ${formatDuration(c.trainSeconds)}`;
      rows.push([`  ${c.name}`, `${figures}${c.note ? `; ${c.note}` : ''}`]);
    }
  }
  const validation = manifest.metrics?.validation;
  if (validation !== undefined) {
    rows.push(['validation', `accuracy ${formatMetric(validation.accuracy)}, macro-F1 ${formatMetric(validation.macroF1)} (n=${validation.n})`]);
  }
  rows.push(['created by', `${manifest.createdBy.name} ${manifest.createdBy.version}`], ['created at', manifest.createdAt]);
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
      const files = await runtime.readBundleFiles(path);
      const manifest = runtime.readManifest(files);
      const bytes = await bundleBytesOnDisk(path);
      const form = (await stat(path)).isFile() ? 'file' : 'directory';
      if (options.json) {
        ctx.out(JSON.stringify({ bundle: path, bytes, form, manifest }));
        return;
      }
      // An auto bundle's members say how each stores its weights (quantized bundles).
      const members = new Map<string, BundleManifest>();
      for (const m of manifest.members ?? []) {
        const own = files[m.manifest];
        if (own !== undefined) members.set(m.name, runtime.readManifest({ 'manifest.json': own }));
      }
      ctx.out(formatKeyValues(manifestRows(manifest, { path, bytes, form }, members), ctx.colors));
    });
  return command;
}
