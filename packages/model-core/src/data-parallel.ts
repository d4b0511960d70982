/**
 * Data-parallel training: every batch is cut into contiguous shards, one per thread; the calling thread
 * computes the gradient of the first shard while replicas of the model in worker threads (Node) or Web
 * Workers (browsers) compute the others from the same weights; the gradients are summed in shard order,
 * weighted by shard size, and one Adam step is applied. Each runtime supplies the threads as
 * {@link GradientWorkers}; this module holds what is the same everywhere: the replica a worker runs and the
 * sharding and summing.
 *
 * The same seed and the same thread count give the same model (summation order is fixed); a different
 * thread count sums the same gradient in a different order and splits dropout differently, so it gives a
 * slightly different model (as a different batch size would). One thread is the plain single-thread step.
 */
import { type Tensor, type Variable, tensor, tidy, variableGrads } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ModelCoreError } from './errors.js';
import { buildModel } from './internal/build-model.js';
import { getRows, setRows } from './internal/table-rows.js';
import { peekValues, wasmHeapBackend } from './internal/tensor-memory.js';
import { type TrainBatch, batchObjective, countHits } from './internal/train-step.js';
import { writeDropoutCalls } from './internal/training-state.js';
import { type ResolvedClassifierOptions, resolveClassifierOptions } from './options.js';

/** What a worker needs to build a replica of the model being trained. */
export interface GradientReplicaInit {
  /** The classifier's resolved options. */
  options: ResolvedClassifierOptions;
  /** Rows of the embedding table (the vocabulary size). */
  vocabularySize: number;
  /** Labels (output classes). */
  classes: number;
  /** Seed of the replica's dropout (the model's seed + the shard index, so shards draw different masks). */
  dropoutSeed: number;
}

/** One shard of a batch, with the weights to compute its gradient at. */
export interface GradientShard {
  /** Current values of the trainable weights, in `model.trainableWeights` order. */
  weights: Float32Array[];
  /** Row-major `[rows, length]` token ids. */
  ids: Int32Array;
  length: number;
  /** Label index of each row. */
  ys: Int32Array;
  /** Per-row loss weights, or undefined for 1. */
  rowWeights?: Float32Array;
  /** Dropout calls made so far (the main model's), so masks follow the step and survive resume. */
  dropoutCalls: number[];
  /**
   * The embedding table travels as rows: `weights[index]` holds only the rows `rows` (ascending ids, the
   * distinct ids of the shard: the only rows its forward pass reads and its gradient touches), packed, and
   * the result's `gradients[index]` holds the same rows. Without it every weight travels whole.
   */
  embedding?: { index: number; rows: Int32Array };
}

/** The gradient of a shard's mean loss, with the loss and how many rows the model got right. */
export interface ShardGradients {
  /** One array per trainable weight, in `model.trainableWeights` order. */
  gradients: Float32Array[];
  loss: number;
  hits: number;
}

/**
 * Threads that compute shard gradients: supplied by a runtime (`createTrainingWorkers` of
 * `@glossa/node-runtime`, worker threads; `@glossa/web-runtime`, Web Workers) and passed as
 * `FitOptions.gradientWorkers`.
 */
export interface GradientWorkers {
  /** Worker threads (the calling thread computes one more shard). */
  readonly size: number;
  /** Builds a replica in every worker; called once per fit, before the first step. */
  start(init: GradientReplicaInit): Promise<void>;
  /**
   * Computes `shards[i]` in worker i (in parallel); resolves in the same order. The shards' `weights` arrays
   * may be transferred to the workers (left detached here): pass arrays of their own, not views of others (an
   * array several shards share is copied for all but the first).
   */
  compute(shards: readonly GradientShard[]): Promise<ShardGradients[]>;
  /** Frees the replicas (the workers stay for the next fit until the runtime closes them). */
  release(): Promise<void>;
}

/** A replica of a model in a worker: computes shard gradients at the weights it is given. */
export interface GradientReplica {
  compute(shard: GradientShard): ShardGradients;
  dispose(): void;
}

/**
 * Builds a replica of the model a fit trains; runtimes call this inside each worker.
 *
 * @param init - What {@link GradientWorkers.start} received.
 * @returns The replica.
 * @example
 * ```ts
 * const replica = createGradientReplica(init); // in a worker, after initialising a backend
 * const { gradients, loss } = replica.compute(shard);
 * ```
 */
export function createGradientReplica(init: GradientReplicaInit): GradientReplica {
  const options = resolveClassifierOptions(init.options);
  const model = buildModel(options, init.vocabularySize, init.classes, init.dropoutSeed);
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  return {
    compute(shard) {
      if (shard.weights.length !== variables.length) {
        throw new ModelCoreError('INVALID_DATA', `gradient replica: got ${shard.weights.length} weights for a model with ${variables.length}.`);
      }
      const sparse = shard.embedding;
      tidy(() => {
        variables.forEach((v, i) => {
          if (sparse?.index !== i) {
            v.assign(tensor(shard.weights[i]!, v.shape));
            return;
          }
          // The table as this replica last had it, with the shard's rows set (rows outside a shard are never
          // read: stale is fine): on wasm written in place (a replica's weights feed no cache, and no other
          // tensor holds their memory between steps), elsewhere a new tensor.
          const dim = v.shape[1]!;
          const heap = wasmHeapBackend();
          if (heap?.dataIdMap.has(v.dataId)) {
            setRows(heap.typedArrayFromHeap(v) as Float32Array, sparse.rows, shard.weights[i]!, dim);
            return;
          }
          const table = (v.dataSync() as Float32Array).slice();
          setRows(table, sparse.rows, shard.weights[i]!, dim);
          v.assign(tensor(table, v.shape));
        });
      });
      writeDropoutCalls(model, shard.dropoutCalls);
      return shardGradients(model, variables, { ids: shard.ids, length: shard.length, ys: shard.ys, weights: shard.rowWeights, classes: init.classes }, sparse);
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * The gradient of `batch`'s weighted mean cross-entropy at the model's current weights. With `embedding`, the
 * gradient of weight `embedding.index` (a `[rows, dim]` table) is read as the rows `embedding.rows` only,
 * packed (the only rows a batch of those ids touches), not whole.
 */
export function shardGradients(model: LayersModel, variables: Variable[], batch: TrainBatch, embedding?: { index: number; rows: Int32Array }): ShardGradients {
  let predicted: Tensor | undefined;
  const { value, grads } = tidy(() =>
    variableGrads(
      batchObjective(model, batch, (guesses) => {
        predicted = guesses;
      }),
      variables,
    ),
  );
  // Read in place (on wasm, views of tfjs's memory, copied out before any tensor is made).
  const gradients = variables.map((v, i) => {
    const g = grads[v.name];
    if (embedding?.index === i) {
      return g ? getRows(peekValues(g) as Float32Array, embedding.rows, v.shape[1]!) : new Float32Array(embedding.rows.length * v.shape[1]!);
    }
    return g ? (peekValues(g) as Float32Array).slice() : new Float32Array(v.size);
  });
  const loss = value.dataSync()[0]!;
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  return { gradients, loss, hits: countHits(predicted!, batch.ys) };
}

/** The distinct values of `ids`, ascending. */
export function distinctIds(ids: Int32Array): Int32Array {
  const sorted = Int32Array.from(ids).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.slice(0, n);
}

/**
 * `acc[rows] += a · packed`, for the packed rows of a `[*, dim]` table; with `union` (ascending, holding every
 * one of `rows`, which are ascending then too), `acc` holds `union`'s rows packed and each row is added where
 * it sits there.
 */
export function addScaledRows(acc: Float32Array, packed: Float32Array, rows: Int32Array, dim: number, a: number, union?: Int32Array): void {
  let at = 0;
  for (let r = 0; r < rows.length; r++) {
    if (union) while (union[at] !== rows[r]) at++;
    const o = (union ? at : rows[r]!) * dim;
    for (let j = 0; j < dim; j++) acc[o + j] = acc[o + j]! + a * packed[r * dim + j]!;
  }
}

/** Contiguous row ranges `[start, end)` of `rows` rows over at most `parts` shards (none empty). */
export function shardRanges(rows: number, parts: number): Array<[number, number]> {
  const n = Math.max(1, Math.min(parts, rows));
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s++) out.push([Math.floor((s * rows) / n), Math.floor(((s + 1) * rows) / n)]);
  return out;
}

/** The sum of a batch's shard results (see {@link sumShards}), with the results added one at a time. */
export interface ShardSum {
  /** Adds the next shard's result (shards are added in shard order, each once). */
  add(result: ShardGradients): void;
  /** The sums, once every shard is added. */
  result(): ShardGradients & { rows?: { index: number; rows: Int32Array } };
}

/**
 * {@link sumShards} a shard at a time: a shard's result can be added as soon as it is there (the calling
 * thread's while the workers still compute), with the same bits, since the order is the same.
 *
 * @param sizes - Rows of each shard.
 * @param sparse - As {@link sumShards}.
 * @param into - As {@link sumShards}.
 * @param packed - As {@link sumShards}.
 * @returns The sum, to which the shards' results are added in order.
 */
export function createShardSum(
  sizes: readonly number[],
  sparse: ReadonlyArray<GradientShard['embedding']> = [],
  into?: Float32Array[],
  packed = false,
): ShardSum {
  const total = sizes.reduce((a, b) => a + b, 0);
  const packedIndex = packed ? sparse.find((e) => e !== undefined)?.index : undefined;
  const union = packedIndex === undefined ? undefined : mergeRows(sparse.map((e) => e?.rows ?? new Int32Array(0)));
  let gradients: Float32Array[] | undefined;
  let loss = 0;
  let hits = 0;
  let s = 0;
  let unionMade = false;
  return {
    add(r) {
      // (A packed sum replaces one array of the list: a copy of `into`, whose arrays still take the others' sums.)
      gradients ??= into ? (union ? [...into] : into) : r.gradients.map((g) => new Float32Array(g.length));
      const share = sizes[s]! / total;
      const rows = sparse[s];
      for (let i = 0; i < gradients.length; i++) {
        if (rows?.index === i) {
          if (rows.rows.length === 0) continue;
          const dim = r.gradients[i]!.length / rows.rows.length;
          // The union's rows are made by the first shard that has any.
          if (union && !unionMade) {
            gradients[i] = new Float32Array(union.length * dim);
            unionMade = true;
          }
          addScaledRows(gradients[i]!, r.gradients[i]!, rows.rows, dim, share, union);
        } else addScaled(gradients[i]!, r.gradients[i]!, share);
      }
      loss += share * r.loss;
      hits += r.hits;
      s++;
    },
    result() {
      const out = gradients ?? [];
      if (union && !unionMade) out[packedIndex!] = new Float32Array(0);
      return { gradients: out, loss, hits, ...(union ? { rows: { index: packedIndex!, rows: union } } : {}) };
    },
  };
}

/**
 * Sums shard results in shard order, each weighted by its share of the rows: the gradient, loss and hits
 * of the whole batch's mean loss. `sparse[s]`, when given, says which weight of shard `s` holds packed rows
 * (see {@link GradientShard.embedding}). The sums are added into `into` when given (one zeroed array per
 * weight, whole) — then any shard may hold packed rows — else into new arrays the size of shard 0's, which
 * must then hold every weight whole. With `packed`, the weight the shards hold as packed rows is summed over
 * the union of their rows instead, with the same bits: its gradient is `[rows, dim]` and `rows` says which
 * (ascending), so no whole table is made, cleared or read (`into`'s array for it is not used).
 */
export function sumShards(
  results: readonly ShardGradients[],
  sizes: readonly number[],
  sparse: ReadonlyArray<GradientShard['embedding']> = [],
  into?: Float32Array[],
  packed = false,
): ShardGradients & { rows?: { index: number; rows: Int32Array } } {
  const sum = createShardSum(sizes, sparse, into, packed);
  for (const r of results) sum.add(r);
  return sum.result();
}

/** The ascending union of ascending row lists. */
function mergeRows(lists: readonly Int32Array[]): Int32Array {
  const all = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
  let n = 0;
  for (const l of lists) {
    all.set(l, n);
    n += l.length;
  }
  return distinctIds(all);
}

/** `acc += a · g`, elementwise (a monomorphic loop V8 compiles tightly: ~2 ms for a 20,000 × 64 table). */
function addScaled(acc: Float32Array, g: Float32Array, a: number): void {
  const n = acc.length;
  for (let j = 0; j < n; j++) acc[j] = acc[j]! + a * g[j]!;
}
