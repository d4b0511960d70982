/**
 * What the inference fast paths derive from a model's weights (projected tables, packed kernels), kept until a
 * weight changes: tfjs gives a variable a new data id on every assignment, so comparing each weight's data id
 * with the ones seen when the value was made tells whether it is stale (training invalidates it by itself).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A value derived from `model`'s weights: `get` remakes it when a weight changed, `clear` drops it. */
export interface WeightCache<T> {
  /** The value for the current weights (`undefined` when `make` gives none). */
  get(): T | undefined;
  /** Drops the value (calling `release` on it). */
  clear(): void;
}

/**
 * A cache of `make(model)`, remade whenever any of `model`'s weights is assigned.
 *
 * @param model - The model whose weights the value is derived from.
 * @param make - Derives the value (or `undefined` when the model does not fit).
 * @param release - Frees what an old value owns (tensors), when it is replaced or cleared.
 */
export function weightCache<T>(model: LayersModel, make: () => T | undefined, release?: (value: T) => void): WeightCache<T> {
  let cached: { identity: unknown[]; value: T } | undefined;
  const clear = () => {
    if (cached && release) release(cached.value);
    cached = undefined;
  };
  return {
    get() {
      const identity = model.weights.map((v) => (v.read() as Tensor).dataId);
      if (!cached || cached.identity.length !== identity.length || cached.identity.some((x, i) => x !== identity[i])) {
        clear();
        const value = make();
        if (value === undefined) return undefined;
        cached = { identity, value };
      }
      return cached.value;
    },
    clear,
  };
}
