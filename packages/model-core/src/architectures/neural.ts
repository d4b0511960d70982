/**
 * What a neural architecture is, in one place: the network between the embedding and the softmax output,
 * the layers and weights a bundle of it holds, how its batches are padded and its fast inference path.
 * Each architecture is a module of this folder (`lstm.ts`, `gru.ts`, `bow.ts`, `cnn.ts`, `transformer.ts`);
 * {@link NEURAL_ARCHITECTURE_SPECS} collects them for the model builder, the bundle validation and the
 * classifier.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ResolvedClassifierOptions } from '../options.js';
import type { Architecture } from './registry.js';

/** The neural architectures' names. */
export type NeuralArchitectureName = Exclude<Architecture, 'auto' | 'ngram'>;

/**
 * An architecture's fast predictor for one model (lstm, bow, cnn): `run` gives the softmax probabilities
 * ([rows, classes]) of a row-major `[rows, length]` id matrix padded as the classifier's batching pads it,
 * or `undefined` when it cannot run (e.g. on a GPU backend; the caller then uses the layers model).
 */
export interface FastInference {
  run(ids: Int32Array, rows: number, length: number): Float32Array | undefined;
  /** Frees what it caches. */
  dispose(): void;
}

/** A layer of a saved topology, as the bundle validation sees it. */
export interface LayerConfig {
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** One neural architecture: `Embedding → <middle> → [Dropout] → Dense softmax`. */
export interface NeuralArchitecture {
  /** Its name in {@link ARCHITECTURE_REGISTRY}. */
  readonly name: NeuralArchitectureName;
  /** The middle layer classes a bundle of this architecture holds (one of them at least). */
  readonly layerClasses: readonly string[];
  /** Builds the middle: the embedded sequence `[batch, time, embeddingDim]` (masked) → features `[batch, width]`. */
  build(embedded: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor;
  /** Width of the features the middle produces (the output layer's input). */
  featureWidth(options: ResolvedClassifierOptions): number;
  /** Shapes of the middle's weights, in the order they are created and stored. */
  weightShapes(options: ResolvedClassifierOptions): number[][];
  /** Weight-name suffixes a middle layer writes, in order (`undefined` for a class not of this architecture). */
  weightNames(layer: LayerConfig): readonly string[] | undefined;
  /** Problems with a saved middle layer's size-determining settings against the manifest's options. */
  checkLayer(layer: LayerConfig, options: ResolvedClassifierOptions): string[];
  /** Padding steps added after each text (a convolution's window beyond the last token). */
  extraPadding(options: ResolvedClassifierOptions): number;
  /** Padding steps put before each text (0 when absent): the CNN's windows over the padding a pre-padded text starts with. */
  leadingPadding?(options: ResolvedClassifierOptions): number;
  /** Shortest padded batch (tfjs's `Unpack` gradient fails on one time step). */
  readonly minLength: number;
  /** A faster predictor than the layers model, when the architecture has one. */
  fastInference?(model: LayersModel): FastInference | undefined;
}

/** A problem when `layer`'s `key` setting (camelCase or snake_case) is not `expected`. */
export function expectSetting(layer: LayerConfig, key: string, snake: string, expected: unknown, source: string): string[] {
  const seen = layer.config[key] ?? layer.config[snake];
  return seen === expected ? [] : [`model.json ${layer.className}: ${snake} is ${JSON.stringify(seen)?.slice(0, 40)}, but ${source} is ${String(expected)}`];
}
