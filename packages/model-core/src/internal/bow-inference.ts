/**
 * Inference fast path for `bow` models (Embedding → GlossaMaskedMean → [Dropout] → Dense softmax) on
 * backends whose tensors live in CPU memory.
 *
 * The masked mean and the output layer are linear, so `mean(E[ids]) · W + b = (Σ P[id]) / n + b` with
 * `P = E · W` ([vocabulary, classes]): a table made with one matrix multiply whenever the weights change
 * (tfjs gives a variable a new data id on every assignment). A text then costs one table row per token.
 * Results equal the layers path to float rounding (tested).
 */
import { softmaxRows } from '@glossa/math';
import { type Tensor, type Tensor2D, matMul } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { FastInference } from '../architectures/neural.js';
import { readTensor } from './fused-lstm.js';
import { matchInferenceChain } from './inference-chain.js';
import { usesCpuMemory } from './recurrent.js';
import { weightCache } from './weight-cache.js';

/**
 * A fast predictor for `model` when it is a bow model; `undefined` otherwise. Its `run` returns
 * `undefined` on GPU backends (the caller then uses the layers model).
 */
export function createBowInference(model: LayersModel): FastInference | undefined {
  const found = matchInferenceChain(model, 'GlossaMaskedMean');
  if (!found) return undefined;
  const tables = weightCache(model, () => {
    const embedding = found.embedding.weights[0]!.read() as Tensor2D;
    const [kernel, bias] = found.dense.weights.map((w) => w.read() as Tensor);
    return {
      table: readTensor(() => matMul(embedding, kernel as Tensor2D)),
      bias: (bias!.dataSync() as Float32Array).slice(),
      classes: kernel!.shape[1]!,
    };
  });
  return {
    run(ids, rows, length) {
      if (!usesCpuMemory()) return undefined;
      const { table, bias, classes: K } = tables.get()!;
      const logits = new Float64Array(rows * K);
      for (let r = 0; r < rows; r++) {
        let n = 0;
        for (let t = 0; t < length; t++) {
          const id = ids[r * length + t]!;
          if (id === 0) continue;
          n++;
          for (let k = 0; k < K; k++) logits[r * K + k]! += table[id * K + k]!;
        }
        const scale = 1 / Math.max(n, 1);
        for (let k = 0; k < K; k++) logits[r * K + k] = logits[r * K + k]! * scale + bias[k]!;
      }
      return new Float32Array(softmaxRows(logits, K));
    },
    dispose() {
      tables.clear();
    },
  };
}
