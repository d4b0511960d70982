/** The two floating-point typed arrays `sigmoid` and `softmaxRows` produce. */
type FloatArray = Float32Array | Float64Array;

/** Allocates the output array type that matches `like`: Float32Array for Float32Array input, else Float64Array. */
export function allocLike(like: ArrayLike<number>, length: number): FloatArray {
  return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

/** Applies `f` to every element, returning an array of the type chosen by {@link allocLike}. */
export function mapValues(values: ArrayLike<number>, f: (value: number) => number): FloatArray {
  const out = allocLike(values, values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}
