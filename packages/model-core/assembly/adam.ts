// One Adam step over one weight as a single WebAssembly SIMD pass: the moments are updated in place, the weight
// in place or into another array. Compiled by `pnpm --filter @glossa/model-core build:wasm` (AssemblyScript) into
// src/internal/adam-wasm.generated.ts; a test checks the committed file matches this source.
//
// The arithmetic is tfjs-core 4.22's AdamOptimizer.applyGradients op for op, each op rounded to float32 as
// each tfjs op's float32 tensor is (wasm f32 arithmetic is IEEE single precision, never fused or reordered):
//   m ← m·β₁ + g·(1−β₁)
//   v ← v·β₂ + (g·g)·(1−β₂)
//   w ← ((m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε))·(−lr) + w
// The caller passes every constant already rounded to float32, as tfjs's scalars are.

// @ts-nocheck  (AssemblyScript, not TypeScript)

/**
 * Updates `n` floats of the first moment `m` and the second moment `v` from the gradient `g` (0: a gradient of
 * +0 everywhere) into `mOut` and `vOut` (`m` and `v` themselves, or scratch), and writes the new weight, from the
 * weight at `w`, at `wOut` (`w` itself, or another array of `n` floats; all f32 arrays in memory; any length, any
 * 4-byte alignment).
 */
export function adamStep(
  g: usize,
  m: usize,
  v: usize,
  mOut: usize,
  vOut: usize,
  w: usize,
  wOut: usize,
  n: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusAccBeta1: f32,
  oneMinusAccBeta2: f32,
  epsilon: f32,
  negLearningRate: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const a1 = f32x4.splat(oneMinusAccBeta1);
  const a2 = f32x4.splat(oneMinusAccBeta2);
  const eps = f32x4.splat(epsilon);
  const lr = f32x4.splat(negLearningRate);
  const zero = f32x4.splat(0);
  const vectorEnd = n & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const at = (<usize>i) << 2;
    const gi = g == 0 ? zero : v128.load(g + at);
    const mi = f32x4.add(f32x4.mul(v128.load(m + at), b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + at), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    v128.store(mOut + at, mi);
    v128.store(vOut + at, vi);
    const mHat = f32x4.div(mi, a1);
    const vHat = f32x4.div(vi, a2);
    const step = f32x4.mul(f32x4.div(mHat, f32x4.add(f32x4.sqrt(vHat), eps)), lr);
    v128.store(wOut + at, f32x4.add(step, v128.load(w + at)));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const gi: f32 = g == 0 ? 0 : load<f32>(g + at);
    const mi: f32 = load<f32>(m + at) * beta1 + gi * oneMinusBeta1;
    const vi: f32 = load<f32>(v + at) * beta2 + gi * gi * oneMinusBeta2;
    store<f32>(mOut + at, mi);
    store<f32>(vOut + at, vi);
    const mHat: f32 = mi / oneMinusAccBeta1;
    const vHat: f32 = vi / oneMinusAccBeta2;
    const step: f32 = (mHat / (sqrt<f32>(vHat) + epsilon)) * negLearningRate;
    store<f32>(wOut + at, step + load<f32>(w + at));
  }
}

/**
 * {@link adamStep} over the whole weight (`n` floats, rows of `dim`) with a gradient that is zero but on `count`
 * rows: row `rows[i]` (ascending, i32 at `rows`) has gradient row i of `packed` ([count, dim] f32). The zero rows
 * take the same operations with g = +0, so the bits are those of adamStep over the dense gradient, without
 * one: the sum of a data-parallel step's shards arrives as the rows they read.
 */
export function adamStepRows(
  rows: usize,
  count: i32,
  packed: usize,
  dim: i32,
  m: usize,
  v: usize,
  w: usize,
  wOut: usize,
  n: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusAccBeta1: f32,
  oneMinusAccBeta2: f32,
  epsilon: f32,
  negLearningRate: f32,
): void {
  let at = 0;
  for (let i = 0; i < count; i++) {
    const start = load<i32>(rows + ((<usize>i) << 2)) * dim;
    if (start > at) {
      const o = (<usize>at) << 2;
      adamStep(0, m + o, v + o, m + o, v + o, w + o, wOut + o, start - at, beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate);
    }
    const o = (<usize>start) << 2;
    adamStep(packed + ((<usize>(i * dim)) << 2), m + o, v + o, m + o, v + o, w + o, wOut + o, dim, beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate);
    at = start + dim;
  }
  if (at < n) {
    const o = (<usize>at) << 2;
    adamStep(0, m + o, v + o, m + o, v + o, w + o, wOut + o, n - at, beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate);
  }
}

/**
 * The new values {@link adamStepRows} would write for the `selCount` rows `sel` (ascending, i32 at `sel`), packed
 * at `out` ([selCount, dim] f32), leaving the moments as they are: the same operations on the same values, so
 * the same bits. A row of `sel` that is not among `rows` has gradient +0. `scratch` holds 2·dim floats (the
 * moments computed on the way, discarded). A dense weight is one row: sel = rows = [0], dim = its size.
 */
export function adamPeekRows(
  sel: usize,
  selCount: i32,
  rows: usize,
  count: i32,
  packed: usize,
  dim: i32,
  m: usize,
  v: usize,
  w: usize,
  out: usize,
  scratch: usize,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  oneMinusAccBeta1: f32,
  oneMinusAccBeta2: f32,
  epsilon: f32,
  negLearningRate: f32,
): void {
  const rowBytes = (<usize>dim) << 2;
  let j = 0;
  for (let i = 0; i < selCount; i++) {
    const row = load<i32>(sel + ((<usize>i) << 2));
    while (j < count && load<i32>(rows + ((<usize>j) << 2)) < row) j++;
    const g: usize = j < count && load<i32>(rows + ((<usize>j) << 2)) == row ? packed + (<usize>j) * rowBytes : 0;
    const o = (<usize>row) * rowBytes;
    adamStep(
      g,
      m + o,
      v + o,
      scratch,
      scratch + rowBytes,
      w + o,
      out + (<usize>i) * rowBytes,
      dim,
      beta1,
      oneMinusBeta1,
      beta2,
      oneMinusBeta2,
      oneMinusAccBeta1,
      oneMinusAccBeta2,
      epsilon,
      negLearningRate,
    );
  }
}
