/**
 * The (freshly allocated) array type `sigmoid` and `softmaxRows` return for input type `T`: `Float32Array` for a
 * `Float32Array`, `Float64Array` for a `Float64Array` or a plain `number[]`, either for other array-likes
 * (the rule at run time: a `Float32Array` in gives a `Float32Array` out, anything else a `Float64Array`).
 *
 * @example
 * ```ts
 * import { type FloatArrayOf, softmaxRows } from '@glossa/math';
 *
 * const p: FloatArrayOf<Float32Array> = softmaxRows(new Float32Array([1, 2, 3]), 3); // Float32Array
 * ```
 */
export type FloatArrayOf<T extends ArrayLike<number>> = T extends Float32Array
  ? Float32Array<ArrayBuffer>
  : T extends Float64Array | readonly number[]
    ? Float64Array<ArrayBuffer>
    : Float32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
