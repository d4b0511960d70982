import { type Variable, memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasmBackend } from '../test/wasm-backend.js';
import { createRng } from '@glossa/math';
import { syntheticSentiment } from '@glossa/test-data';
import {
  type GradientReplica,
  type GradientReplicaInit,
  type GradientShard,
  type GradientWorkers,
  createGradientReplica,
  distinctIds,
  shardGradients,
  shardRanges,
  sumShards,
} from './data-parallel.js';
import { ARCHITECTURE_REGISTRY } from './architectures/registry.js';
import { setFusedAdam } from './flags.js';
import { getRows } from './internal/table-rows.js';
import { createTextClassifier } from './text-classifier.js';

/**
 * Gradient workers whose replicas run on this thread, one after the other: the same replicas the runtimes'
 * worker threads run, without the threads (the runtimes' tests run them in real threads).
 */
function inThreadWorkers(size: number): GradientWorkers & { steps: number } {
  let replicas: GradientReplica[] = [];
  return {
    size,
    steps: 0,
    async start(init: GradientReplicaInit) {
      replicas = Array.from({ length: size }, (_, i) => createGradientReplica({ ...init, dropoutSeed: init.dropoutSeed + i + 1 }));
    },
    async compute(shards: readonly GradientShard[]) {
      this.steps++;
      return shards.map((s, i) => replicas[i]!.compute(s));
    },
    async release() {
      for (const r of replicas) r.dispose();
      replicas = [];
    },
  };
}

const data = syntheticSentiment(300, 3);
const small = { embeddingDim: 8, units: 8, vocabSize: 300 } as const;

describe('shardRanges / sumShards', () => {
  it('cuts rows into contiguous, non-empty shards covering every row', () => {
    expect(shardRanges(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(shardRanges(2, 4)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(shardRanges(1, 1)).toEqual([[0, 1]]);
  });

  it('weights each shard by its share of the rows', () => {
    const total = sumShards(
      [
        { gradients: [Float32Array.from([1, 2])], loss: 1, hits: 2 },
        { gradients: [Float32Array.from([3, 6])], loss: 4, hits: 1 },
      ],
      [1, 3],
    );
    expect(Array.from(total.gradients[0]!)).toEqual([2.5, 5]);
    expect(total.loss).toBeCloseTo(3.25, 12);
    expect(total.hits).toBe(3);
  });

  it('adds the packed rows of any shard, the first included, into whole arrays it is given', () => {
    // A [4, 2] table: shard 0 holds rows 1 and 3, shard 1 rows 0 and 1; a second weight travels whole.
    const into = [new Float32Array(8), new Float32Array(1)];
    const total = sumShards(
      [
        { gradients: [Float32Array.from([1, 2, 3, 4]), Float32Array.from([2])], loss: 1, hits: 1 },
        { gradients: [Float32Array.from([5, 6, 7, 8]), Float32Array.from([6])], loss: 3, hits: 2 },
      ],
      [1, 1],
      [
        { index: 0, rows: Int32Array.from([1, 3]) },
        { index: 0, rows: Int32Array.from([0, 1]) },
      ],
      into,
    );
    expect(total.gradients).toBe(into);
    expect(Array.from(into[0]!)).toEqual([2.5, 3, 4, 5, 0, 0, 1.5, 2]);
    expect(Array.from(into[1]!)).toEqual([4]);
    expect(total.loss).toBe(2);
    expect(total.hits).toBe(3);
  });

  it('with `packed`, sums the packed rows over the union of the shards’ rows: the whole sum’s rows, bit for bit', () => {
    const rng = createRng(12);
    const dim = 3;
    const shards = [0, 1, 2].map(() => {
      const rows = distinctIds(Int32Array.from({ length: 9 }, () => Math.floor(rng.next() * 40)));
      return { rows, packed: Float32Array.from({ length: rows.length * dim }, () => rng.normal(0, 1)) };
    });
    const results = shards.map((s, i) => ({ gradients: [s.packed, Float32Array.from([i + 0.1, -i])], loss: i, hits: i }));
    const sparse = shards.map((s) => ({ index: 0, rows: s.rows }));
    const whole = sumShards(results, [5, 7, 9], sparse, [new Float32Array(40 * dim), new Float32Array(2)]);
    const into = [new Float32Array(0), new Float32Array(2)];
    const packed = sumShards(results, [5, 7, 9], sparse, into, true);
    expect(into[0]).toHaveLength(0); // the list given is left as it was; its other arrays take their sums
    expect(packed.gradients[1]).toBe(into[1]);
    const union = distinctIds(Int32Array.from(shards.flatMap((s) => Array.from(s.rows))));
    expect(packed.rows).toEqual({ index: 0, rows: union });
    expect(new Uint32Array(packed.gradients[0]!.buffer)).toEqual(new Uint32Array(getRows(whole.gradients[0]!, union, dim).buffer));
    expect(Array.from(packed.gradients[1]!)).toEqual(Array.from(whole.gradients[1]!));
    expect([packed.loss, packed.hits]).toEqual([whole.loss, whole.hits]);
  });
});

describe.each(['cpu', 'wasm'] as const)('a replica with the embedding sent as rows (%s)', (backendName) => {
  if (backendName === 'wasm') onWasmBackend();

  it('computes the same gradient as with every weight whole, its embedding rows packed', async () => {
    const clf = createTextClassifier({ architecture: 'lstm', ...small });
    await clf.fit(data.slice(0, 64), { epochs: 1, seed: 3, validationSplit: 0 });
    const model = clf.model!;
    const index = model.trainableWeights.findIndex((w) => w.originalName === 'embedding/embeddings');
    expect(index).toBe(0);
    const weights = model.trainableWeights.map((w) => (w.read().dataSync() as Float32Array).slice());
    const encoded = (clf as unknown as { encodeAll(t: string[]): Int32Array[] }).encodeAll(data.slice(64, 80).map((e) => e.text));
    const length = Math.max(...encoded.map((e) => e.length));
    const ids = new Int32Array(encoded.length * length);
    encoded.forEach((e, r) => {
      ids.set(e, r * length);
    });
    const ys = Int32Array.from(data.slice(64, 80), (e) => clf.labels.indexOf(e.label));
    const init = { options: clf.options, vocabularySize: clf.pipeline!.vocabulary.size, classes: 2, dropoutSeed: 1 };
    const whole = createGradientReplica(init);
    const sparse = createGradientReplica(init);
    const rows = distinctIds(ids);
    expect(Array.from(rows)).toEqual([...new Set(ids)].sort((a, b) => a - b));
    const dim = small.embeddingDim;
    let dense = whole.compute({ weights, ids, length, ys, dropoutCalls: [] });
    // Twice, the second time at other weights: the second call updates the rows the replica already holds.
    for (let k = 0; k < 2; k++) {
      const at = k === 0 ? weights : weights.map((w) => w.map((v) => v * 0.5));
      if (k > 0) dense = whole.compute({ weights: at, ids, length, ys, dropoutCalls: [] });
      const packed = sparse.compute({
        weights: at.map((w, i) => (i === index ? getRows(w, rows, dim) : w)),
        ids,
        length,
        ys,
        dropoutCalls: [],
        embedding: { index, rows },
      });
      expect(Array.from(packed.gradients[index]!)).toEqual(Array.from(getRows(dense.gradients[index]!, rows, dim)));
      packed.gradients.forEach((g, i) => {
        if (i !== index) expect(Array.from(g)).toEqual(Array.from(dense.gradients[i]!));
      });
      expect(packed.loss).toBe(dense.loss);
    }
    // Rows the shard does not read have no gradient.
    const others = dense.gradients[index]!.filter((_, j) => !rows.includes(Math.floor(j / dim)));
    expect(others.every((v) => v === 0)).toBe(true);
    whole.dispose();
    sparse.dispose();
    clf.dispose();
  });
});

it("trains bow on this thread even when given gradient workers (registry.ts's oneThread): the one-thread model", async () => {
  expect(ARCHITECTURE_REGISTRY.bow.oneThread).toMatch(/Adam/);
  const run = async (workers?: GradientWorkers) => {
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    await clf.fit(data, { epochs: 2, batchSize: 32, seed: 8, ...(workers ? { gradientWorkers: workers } : {}) });
    const out = { weights: clf.model!.weights.map((w) => Array.from(w.read().dataSync())), threads: clf.training!.threads };
    clf.dispose();
    return out;
  };
  const workers = inThreadWorkers(1);
  const given = await run(workers);
  expect(workers.steps).toBe(0);
  expect(given.threads).toBeUndefined();
  expect(given.weights).toEqual((await run()).weights);
});

describe.each(['lstm', 'gru', 'cnn', 'transformer'] as const)('data-parallel training (%s)', (architecture) => {
  it('sums shard gradients to the whole batch’s gradient', async () => {
    const clf = createTextClassifier({ architecture, ...small, heads: 2 });
    await clf.fit(data.slice(0, 64), { epochs: 1, seed: 3, validationSplit: 0 });
    const model = clf.model!;
    const variables = model.trainableWeights.map((w) => w.read() as Variable);
    const texts = data.slice(64, 96);
    const encoded = (clf as unknown as { encodeAll(t: string[]): Int32Array[] }).encodeAll(texts.map((e) => e.text));
    const length = Math.max(...encoded.map((s) => s.length)) + 5;
    const ids = new Int32Array(encoded.length * length);
    encoded.forEach((s, r) => {
      ids.set(s, r * length);
    });
    const ys = Int32Array.from(texts, (e) => clf.labels.indexOf(e.label));
    const whole = shardGradients(model, variables, { ids, length, ys, weights: undefined, classes: 2 });
    const ranges = shardRanges(ys.length, 3);
    const parts = ranges.map(([a, b]) =>
      shardGradients(model, variables, { ids: ids.subarray(a * length, b * length), length, ys: ys.subarray(a, b), weights: undefined, classes: 2 }),
    );
    const summed = sumShards(
      parts,
      ranges.map(([a, b]) => b - a),
    );
    expect(summed.loss).toBeCloseTo(whole.loss, 5);
    expect(summed.hits).toBe(whole.hits);
    whole.gradients.forEach((g, i) => {
      // (Gradients that are zero in theory, like the attention's key bias, come out at ~1e-9.)
      const scale = Math.max(1e-4, ...Array.from(g, Math.abs));
      const worst = Math.max(0, ...Array.from(g, (v, j) => Math.abs(v - summed.gradients[i]![j]!)));
      expect(worst / scale).toBeLessThan(1e-4);
    });
    clf.dispose();
  });

  it('trains as well with two shards per batch, and the same seed and shard count give the same model', async () => {
    const before = memory().numTensors;
    const run = async (workers?: GradientWorkers) => {
      const clf = createTextClassifier({ architecture, ...small, heads: 2, dropout: 0.1 });
      const result = await clf.fit(data, { epochs: 3, batchSize: 32, seed: 8, ...(workers ? { gradientWorkers: workers } : {}) });
      const weights = clf.model!.weights.map((w) => Array.from(w.read().dataSync()));
      clf.dispose();
      return { result, weights };
    };
    const single = await run();
    const workers = inThreadWorkers(1);
    const a = await run(workers);
    expect(workers.steps).toBeGreaterThan(0);
    const b = await run(inThreadWorkers(1));
    expect(b.weights).toEqual(a.weights);
    expect(b.result.history.map((h) => h.loss)).toEqual(a.result.history.map((h) => h.loss));
    // Same data, same epochs: the parallel run learns the task as the single-thread one does.
    expect(a.result.validation!.accuracy).toBeGreaterThanOrEqual(single.result.validation!.accuracy - 0.1);
    expect(a.result.history.at(-1)!.loss).toBeLessThan(a.result.history[0]!.loss);
    expect(memory().numTensors).toBe(before);
  });

  it('applies the summed gradients with the fused Adam to the bits tfjs’s optimizer gives', async () => {
    const before = memory().numTensors;
    const run = async (fused: boolean) => {
      setFusedAdam(fused);
      try {
        const clf = createTextClassifier({ architecture, ...small, heads: 2, dropout: 0.1 });
        await clf.fit(data, { epochs: 2, batchSize: 32, seed: 4, gradientWorkers: inThreadWorkers(1) });
        const weights = clf.model!.weights.map((w) => Array.from(new Uint32Array((w.read().dataSync() as Float32Array).slice().buffer)));
        clf.dispose();
        return weights;
      } finally {
        setFusedAdam(true);
      }
    };
    expect(await run(true)).toEqual(await run(false));
    expect(memory().numTensors).toBe(before);
  });
});

describe.each(['lstm', 'cnn'] as const)('data-parallel training on wasm (%s)', (architecture) => {
  onWasmBackend();

  it('sends the workers their shards of the next batch before the step’s Adam, to the bits of steps that do not', async () => {
    const run = async (fused: boolean) => {
      setFusedAdam(fused);
      try {
        // What happened in which order: 'c' a compute sent to the workers, 'b' a finished step.
        const order: string[] = [];
        const workers = inThreadWorkers(1);
        const compute = workers.compute.bind(workers);
        workers.compute = (shards) => {
          order.push('c');
          return compute(shards);
        };
        const clf = createTextClassifier({ architecture, ...small, dropout: 0.1 });
        await clf.fit(data, {
          epochs: 2,
          batchSize: 32,
          seed: 4,
          gradientWorkers: workers,
          onProgress: (e) => {
            if (e.type === 'batch') order.push('b');
          },
        });
        const weights = clf.model!.weights.map((w) => Array.from(new Uint32Array((w.read().dataSync() as Float32Array).slice().buffer)));
        clf.dispose();
        return { weights, order: order.join('') };
      } finally {
        setFusedAdam(true);
      }
    };
    const ahead = await run(true);
    const plain = await run(false);
    // With tfjs's optimizer each step sends its own shards. With the fused Adam on wasm a step sends the next
    // step's too (not across an epoch's end, nor before the first step has made Adam's moments), and a step
    // whose shards went ahead sends none of its own.
    expect(plain.order).toMatch(/^(cb)+$/);
    expect(ahead.order).toMatch(/^cbccb(cb)+bccb(cb)+b$/);
    expect(ahead.weights).toEqual(plain.weights);
  });
});
