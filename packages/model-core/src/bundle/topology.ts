/**
 * Validation of a neural bundle's `model.json` against its manifest, before tfjs builds anything: the layer
 * classes and chain, each architecture's layer settings and weight names and shapes (from the architecture
 * modules), and size limits.
 */
import type { io } from '@tensorflow/tfjs-core';
import { NEURAL_ARCHITECTURE_SPECS, neuralSpec } from '../architectures/neural-specs.js';
import type { LayerConfig } from '../architectures/neural.js';
import { BundleError } from '../errors.js';
import { ALLOWED_LAYER_CLASSES } from '../internal/layers.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type BundleManifest, MAX_WEIGHT_BYTES } from './manifest.js';

interface TopologyLayer {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** Class names a topology may hold besides layers: the model itself and weight initializers. */
const ALLOWED_OTHER_CLASSES: ReadonlySet<string> = new Set([
  'Model',
  'Functional',
  'Zeros',
  'Ones',
  'Constant',
  'RandomUniform',
  'RandomNormal',
  'TruncatedNormal',
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeUniform',
  'HeNormal',
  'LeCunUniform',
  'LeCunNormal',
  'Orthogonal',
  'Identity',
]);

/** Layer classes each neural architecture needs; a topology with another architecture's layers is refused. */
const ARCHITECTURE_LAYERS: Readonly<Partial<Record<BundleManifest['architecture'], readonly string[]>>> = Object.fromEntries(
  Object.values(NEURAL_ARCHITECTURE_SPECS).map((spec) => [spec.name, spec.layerClasses]),
);

export const MAX_LAYERS = 32;
const MAX_TOPOLOGY_NODES = 10_000;
const MAX_TOPOLOGY_DEPTH = 32;

/** Every `class_name` in the topology must be one Glossa writes; the walk itself is bounded. */
function checkClassNames(topology: unknown, problems: string[]): void {
  let nodes = 0;
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null) return;
    if (++nodes > MAX_TOPOLOGY_NODES || depth > MAX_TOPOLOGY_DEPTH) {
      if (nodes === MAX_TOPOLOGY_NODES + 1 || depth === MAX_TOPOLOGY_DEPTH + 1)
        problems.push('model.json modelTopology: too large or too deeply nested for a Glossa model');
      return;
    }
    if (!Array.isArray(value) && Object.hasOwn(value, 'class_name')) {
      const cls = (value as { class_name?: unknown }).class_name;
      if (typeof cls !== 'string' || !(ALLOWED_LAYER_CLASSES.has(cls) || ALLOWED_OTHER_CLASSES.has(cls))) {
        problems.push(`model.json class ${JSON.stringify(cls)?.slice(0, 100)}: not a layer Glossa builds (allowed: ${[...ALLOWED_LAYER_CLASSES].join(', ')})`);
      }
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child, depth + 1);
  };
  walk(topology, 0);
}

const LAYER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Glossa's models are a chain: an InputLayer, then each layer fed by the one before. Anything else (a
 * missing or renamed inbound layer, a cycle, a second input) is refused here, because tfjs's graph
 * reconstruction loops forever on an inbound layer that never appears.
 */
function checkChain(layers: readonly TopologyLayer[], problems: string[]): void {
  const names = new Set<string>();
  layers.forEach((layer, i) => {
    const entry = (typeof layer === 'object' && layer !== null ? layer : {}) as TopologyLayer & { name?: unknown; inbound_nodes?: unknown };
    const name = entry.name;
    if (typeof name !== 'string' || !LAYER_NAME.test(name)) {
      problems.push(`model.json layer ${i}: name must be a plain identifier (got ${JSON.stringify(name)?.slice(0, 60)})`);
      return;
    }
    if (names.has(name)) problems.push(`model.json layer ${i}: name "${name}" is used twice`);
    names.add(name);
    if (typeof entry.config === 'object' && entry.config !== null && entry.config.name !== undefined && entry.config.name !== name) {
      problems.push(`model.json layer ${i}: config.name ${JSON.stringify(entry.config.name)?.slice(0, 60)} differs from its name "${name}"`);
    }
    if ((i === 0) !== (entry.class_name === 'InputLayer')) problems.push(`model.json layer ${i}: only the first layer is an InputLayer`);
    const previous = (layers[i - 1] as { name?: unknown } | null | undefined)?.name;
    const inbound = JSON.stringify(entry.inbound_nodes);
    const expected = i === 0 ? ['[]'] : [JSON.stringify([[[previous, 0, 0, {}]]]), JSON.stringify([[[previous, 0, 0]]])];
    if (!expected.includes(inbound)) {
      problems.push(`model.json layer ${i} "${name}": inbound_nodes must be ${expected[0]} (got ${inbound?.slice(0, 100)})`);
    }
  });
}

function checkLayers(layers: readonly TopologyLayer[], manifest: BundleManifest, vocabularySize: number, problems: string[]): void {
  if (layers.length > MAX_LAYERS) problems.push(`model.json modelTopology.config.layers: ${layers.length} layers, a Glossa model has at most ${MAX_LAYERS}`);
  const { options } = manifest;
  const classes = new Set<string>();
  for (const layer of layers.slice(0, MAX_LAYERS)) {
    const cls = layer?.class_name;
    if (typeof cls !== 'string' || !ALLOWED_LAYER_CLASSES.has(cls)) {
      problems.push(
        `model.json layer class ${JSON.stringify(cls)?.slice(0, 100)}: not a layer Glossa builds (allowed: ${[...ALLOWED_LAYER_CLASSES].join(', ')})`,
      );
      continue;
    }
    classes.add(cls);
    const config = typeof layer.config === 'object' && layer.config !== null ? layer.config : {};
    switch (cls) {
      case 'InputLayer': {
        const shape = config.batch_input_shape ?? config.batchInputShape;
        if (!Array.isArray(shape) || shape.length !== 2 || shape.some((d) => d !== null)) {
          problems.push(`model.json InputLayer: batch_input_shape must be [null, null] (got ${JSON.stringify(shape)?.slice(0, 60)})`);
        }
        break;
      }
      case 'GlossaEmbedding': {
        const inputDim = config.input_dim ?? config.inputDim;
        const outputDim = config.output_dim ?? config.outputDim;
        if (inputDim !== vocabularySize || outputDim !== options.embeddingDim) {
          problems.push(
            `model.json embedding: shape [${String(inputDim).slice(0, 20)}, ${String(outputDim).slice(0, 20)}] does not match the vocabulary (${vocabularySize}) and embeddingDim (${options.embeddingDim})`,
          );
        }
        break;
      }
      case 'GlossaDropout': {
        const rate = config.rate;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
          problems.push(`model.json GlossaDropout: rate must be a number from 0 to below 1 (got ${JSON.stringify(rate)?.slice(0, 40)})`);
        break;
      }
      case 'Dense':
        if (config.units !== manifest.labels.length) {
          problems.push(`model.json output layer: ${String(config.units).slice(0, 20)} units for ${manifest.labels.length} labels`);
        }
        break;
      default:
        // A middle layer: its architecture's module checks the size-determining settings.
        problems.push(...(neuralSpec(manifest.architecture)?.checkLayer({ className: cls, config }, options as ResolvedClassifierOptions) ?? []));
    }
  }
  checkChain(layers.slice(0, MAX_LAYERS), problems);
  const needed = ARCHITECTURE_LAYERS[manifest.architecture] ?? [];
  if (!needed.some((cls) => classes.has(cls))) {
    problems.push(`model.json: no ${needed.join(' or ')} layer, but the manifest says architecture "${manifest.architecture}"`);
  }
  for (const [architecture, own] of Object.entries(ARCHITECTURE_LAYERS)) {
    if (architecture === manifest.architecture) continue;
    const foreign = own.filter((cls) => classes.has(cls) && !needed.includes(cls));
    if (foreign.length > 0)
      problems.push(`model.json: layer ${foreign.join(', ')} belongs to architecture "${architecture}", but the manifest says "${manifest.architecture}"`);
  }
}

/** Weight names of the layers Glossa writes, in order (`*` for tfjs's own LSTM, whose names vary). */
function expectedWeightNames(layers: readonly TopologyLayer[]): string[] {
  const fixed: Record<string, readonly string[]> = { GlossaEmbedding: ['embeddings'], Dense: ['kernel', 'bias'] };
  const names: string[] = [];
  for (const layer of layers) {
    const cls = typeof layer?.class_name === 'string' ? layer.class_name : '';
    const config = typeof layer?.config === 'object' && layer.config !== null ? layer.config : {};
    const name = typeof config.name === 'string' ? config.name : (layer as { name?: unknown })?.name;
    const described: LayerConfig = { className: cls, config };
    const own = Object.hasOwn(fixed, cls)
      ? (fixed[cls] ?? [])
      : (Object.values(NEURAL_ARCHITECTURE_SPECS)
          .map((spec) => spec.weightNames(described))
          .find((n) => n !== undefined) ?? []);
    for (const suffix of own) names.push(suffix === '*' ? '*' : `${String(name)}/${suffix}`);
  }
  return names;
}

/**
 * The weight shapes Glossa writes for a manifest, in order (what a bundle's `weightsManifest` must list).
 *
 * @param manifest - The architecture, options and labels.
 * @param vocabularySize - Tokens in the bundle's vocabulary.
 * @returns One shape per weight tensor.
 * @example
 * ```ts
 * expectedWeightShapes(readManifest(files), 20_000); // [[20000, 64], [64, 256], ...]
 * ```
 */
export function expectedWeightShapes(manifest: Pick<BundleManifest, 'architecture' | 'options' | 'labels'>, vocabularySize: number): number[][] {
  const spec = neuralSpec(manifest.architecture);
  if (!spec) return [];
  const options = manifest.options as ResolvedClassifierOptions;
  return [
    [vocabularySize, options.embeddingDim],
    ...spec.weightShapes(options),
    [spec.featureWidth(options), manifest.labels.length],
    [manifest.labels.length],
  ];
}

export function checkTopology(
  modelJson: unknown,
  manifest: BundleManifest,
  vocabularySize: number,
): { topology: object; specs: io.WeightsManifestEntry[]; expectedBytes: number } {
  const problems: string[] = [];
  const m = (typeof modelJson === 'object' && modelJson !== null ? modelJson : {}) as {
    modelTopology?: { class_name?: unknown; config?: { layers?: TopologyLayer[] } };
    weightsManifest?: Array<{ paths?: unknown; weights?: unknown }>;
  };
  const topology = m.modelTopology;
  const layers = topology?.config?.layers;
  if (typeof topology !== 'object' || topology === null) problems.push('model.json modelTopology: missing');
  else if (topology.class_name !== 'Model' && topology.class_name !== 'Functional') {
    problems.push(`model.json modelTopology.class_name: must be "Model" (got ${JSON.stringify(topology.class_name)?.slice(0, 60)})`);
  }
  if (!Array.isArray(layers) || layers.length === 0) {
    problems.push('model.json modelTopology.config.layers: missing');
  } else {
    checkLayers(layers, manifest, vocabularySize, problems);
    const config = (topology?.config ?? {}) as { input_layers?: unknown; output_layers?: unknown };
    const first = (layers[0] as { name?: unknown } | null)?.name;
    const last = (layers[Math.min(layers.length, MAX_LAYERS) - 1] as { name?: unknown } | null)?.name;
    if (JSON.stringify(config.input_layers) !== JSON.stringify([[first, 0, 0]])) {
      problems.push(
        `model.json input_layers: must be [[${JSON.stringify(first)?.slice(0, 60)}, 0, 0]] (got ${JSON.stringify(config.input_layers)?.slice(0, 100)})`,
      );
    }
    if (JSON.stringify(config.output_layers) !== JSON.stringify([[last, 0, 0]])) {
      problems.push(
        `model.json output_layers: must be [[${JSON.stringify(last)?.slice(0, 60)}, 0, 0]] (got ${JSON.stringify(config.output_layers)?.slice(0, 100)})`,
      );
    }
  }
  checkClassNames(topology, problems);
  const specs: io.WeightsManifestEntry[] = [];
  if (!Array.isArray(m.weightsManifest) || m.weightsManifest.length === 0) {
    problems.push('model.json weightsManifest: missing');
  } else {
    for (const group of m.weightsManifest.slice(0, MAX_LAYERS)) {
      if (!Array.isArray(group?.paths) || group.paths.length !== 1 || group.paths[0] !== manifest.files.weights) {
        problems.push(`model.json weightsManifest.paths: must be ["${manifest.files.weights}"] (got ${JSON.stringify(group?.paths)?.slice(0, 100)})`);
      }
      if (Array.isArray(group?.weights)) specs.push(...(group.weights as io.WeightsManifestEntry[]).slice(0, 4 * MAX_LAYERS));
    }
  }
  let expectedBytes = 0;
  for (const spec of specs) {
    const ok =
      typeof spec === 'object' &&
      spec !== null &&
      typeof spec.name === 'string' &&
      spec.name.length <= 200 &&
      spec.dtype === 'float32' &&
      Array.isArray(spec.shape) &&
      spec.shape.length <= 4 &&
      spec.shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 100_000_000);
    if (!ok) {
      problems.push(
        `model.json weight ${JSON.stringify((spec as { name?: unknown } | null)?.name)?.slice(0, 100)}: needs a name, dtype float32 and a shape of at most 4 whole numbers`,
      );
      continue;
    }
    if ((spec as { quantization?: unknown }).quantization !== undefined) problems.push(`model.json weight ${spec.name}: quantized weights are not supported`);
    expectedBytes += spec.shape.reduce((a, b) => a * b, 1) * 4;
  }
  if (expectedBytes > MAX_WEIGHT_BYTES) problems.push(`model.json: the weights would take ${expectedBytes} bytes, over the limit of ${MAX_WEIGHT_BYTES}`);
  if (Array.isArray(layers)) {
    // tfjs matches weights to layers by name; a name it cannot place fails after the model's variables exist.
    const expectedNames = expectedWeightNames(layers.slice(0, MAX_LAYERS));
    specs.forEach((spec, i) => {
      const expected = expectedNames[i];
      if (expected !== undefined && expected !== '*' && spec?.name !== expected) {
        problems.push(`model.json weight ${JSON.stringify(spec?.name)?.slice(0, 100)}: expected "${expected}" (weights come in layer order)`);
      }
    });
  }
  const expectedShapes = JSON.stringify(expectedWeightShapes(manifest, vocabularySize));
  const shapes = JSON.stringify(specs.map((spec) => (Array.isArray(spec?.shape) ? spec.shape : null)));
  if (shapes !== expectedShapes) {
    problems.push(
      `model.json weightsManifest: weight shapes ${shapes.slice(0, 200)} do not match the manifest's ${manifest.architecture} model (${expectedShapes})`,
    );
  }
  if (problems.length > 0) {
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: model.json is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.slice(0, 5).join('; ')}. Re-save the bundle with Glossa.`,
      problems,
    );
  }
  return { topology: topology as object, specs, expectedBytes };
}
