/**
 * The fused Adam step: per weight, one pass that updates the first and second moments and the weight, with
 * tfjs-core 4.22's AdamOptimizer arithmetic op for op (every intermediate rounded to float32, as each tfjs op's
 * float32 tensor is). Interchangeable implementations hold the moments: the WebAssembly SIMD kernel
 * (assembly/adam.ts) on tfjs-wasm's own memory, reading gradients and weights where tfjs keeps them (training on
 * wasm); the same kernel with a memory of its own, which also keeps a copy of each weight between steps (the cpu
 * backend); and plain JavaScript where WebAssembly SIMD is missing. All give the same bits.
 */
import { ADAM_WASM_BASE64 } from './adam-wasm.generated.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { setRows } from './table-rows.js';
import { type WasmHeap, heapDriverOf, heapTensor, withScratch } from './tensor-memory.js';
import { align, compileKernel, instantiateKernel } from './wasm-module.js';

/** The float32 scalars of one Adam step, as tfjs holds them (see `adamConstants` in fused-adam.ts). */
export interface AdamStepConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 − β₁ᵗ. */
  oneMinusAccBeta1: number;
  /** 1 − β₂ᵗ. */
  oneMinusAccBeta2: number;
  epsilon: number;
  /** −learning rate. */
  negLearningRate: number;
}

/** The moments of the weights an optimizer trains (weight i in the order of its gradients), and the step. */
export interface AdamMoments {
  /** Which implementation this is. */
  readonly kernel: 'wasm' | 'javascript';
  /**
   * Whether it keeps a copy of each weight as its last step left it, so {@link AdamMoments.step} can be
   * called without the weight while the caller knows the weight has not changed since.
   */
  readonly keepsWeights: boolean;
  /** How many weights have moments. */
  readonly count: number;
  /** Adds zero moments for one more weight of `size` floats. */
  add(size: number): void;
  /** Copies of weight i's first and second moments. */
  read(i: number): { m: Float32Array; v: Float32Array };
  /** Sets weight i's moments (lengths as added). */
  write(i: number, m: ArrayLike<number>, v: ArrayLike<number>): void;
  /**
   * One Adam step of weight i: updates its moments from `gradient` and returns the new weight values. `weight`
   * is the current value; it may be left out only when {@link AdamMoments.keepsWeights} and the weight is as
   * the previous step of weight i left it. The result is a fresh array when `kernel` is 'javascript', and a
   * view of the kernel's memory (valid until the next call) when it is 'wasm'.
   */
  step(i: number, gradient: Float32Array, weight: Float32Array | undefined, c: AdamStepConstants): Float32Array;
}

/** The constants as the kernel's last arguments take them, in {@link AdamStepConstants}' order. */
type ConstantArgs = [
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  negLearningRate: number,
];

/** {@link ConstantArgs} of a step's constants. */
function constantArgs(c: AdamStepConstants): ConstantArgs {
  return [c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.oneMinusAccBeta1, c.oneMinusAccBeta2, c.epsilon, c.negLearningRate];
}

interface AdamExports {
  adamStep(g: number, m: number, v: number, mOut: number, vOut: number, w: number, wOut: number, n: number, ...constants: ConstantArgs): void;
  adamStepRows(
    rows: number,
    count: number,
    packed: number,
    dim: number,
    m: number,
    v: number,
    w: number,
    wOut: number,
    n: number,
    ...constants: ConstantArgs
  ): void;
  adamPeekRows(
    sel: number,
    selCount: number,
    rows: number,
    count: number,
    packed: number,
    dim: number,
    m: number,
    v: number,
    w: number,
    out: number,
    scratch: number,
    ...constants: ConstantArgs
  ): void;
}

/**
 * A gradient that is zero but on some rows: row `rows[i]` (ascending) of a `[rows, dim]` weight is row i of
 * `packed` ([rows.length, dim]). The sum of a data-parallel step's shards arrives so for the embedding table.
 */
export interface RowGradient {
  rows: Int32Array;
  packed: Float32Array;
  dim: number;
}

/** `gradient` as a whole array of `size` floats (zeros outside its rows). */
export function denseGradient(gradient: RowGradient, size: number): Float32Array {
  const out = new Float32Array(size);
  setRows(out, gradient.rows, gradient.packed, gradient.dim);
  return out;
}

/** Row 0 alone: a dense weight as one row. */
const ZERO_ROW = new Int32Array(1);

/** The indices in `rows` of the values also in `sel` (both ascending). */
function intersection(rows: Int32Array, sel: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(rows.length, sel.length));
  let n = 0;
  for (let k = 0, j = 0; k < rows.length && j < sel.length; ) {
    if (rows[k]! < sel[j]!) k++;
    else if (rows[k]! > sel[j]!) j++;
    else {
      out[n++] = k++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** Whether the WebAssembly SIMD Adam kernel compiles here. */
export function adamWasmCompiles(): boolean {
  return compileKernel(ADAM_WASM_BASE64) !== null;
}

/**
 * Moments in the WebAssembly SIMD kernel's own memory, or `undefined` where it does not compile. Per weight,
 * its first moment, second moment and weight copy lie one after another; the gradient is copied in after the
 * last weight's.
 */
export function createWasmMoments(): AdamMoments | undefined {
  const mod = compileKernel(ADAM_WASM_BASE64);
  if (!mod) return undefined;
  const { exports, ensure, f32 } = instantiateKernel<AdamExports>(mod);
  const slots: Array<{ m: number; v: number; w: number; size: number }> = [];
  let end = 0; // first byte after the last weight's arrays
  const slot = (i: number) => slots[i]!;
  return {
    kernel: 'wasm',
    keepsWeights: true,
    get count() {
      return slots.length;
    },
    add(size) {
      const bytes = align(size * 4);
      const s = { m: end, v: end + bytes, w: end + 2 * bytes, size };
      end += 3 * bytes;
      ensure(end);
      // The space may have been a previous step's gradient.
      f32(s.m, size).fill(0);
      f32(s.v, size).fill(0);
      slots.push(s);
    },
    read(i) {
      const s = slot(i);
      return { m: f32(s.m, s.size).slice(), v: f32(s.v, s.size).slice() };
    },
    write(i, m, v) {
      const s = slot(i);
      f32(s.m, s.size).set(m);
      f32(s.v, s.size).set(v);
    },
    step(i, gradient, weight, c) {
      const s = slot(i);
      ensure(end + s.size * 4);
      f32(end, s.size).set(gradient);
      if (weight) f32(s.w, s.size).set(weight);
      exports.adamStep(end, s.m, s.v, s.m, s.v, s.w, s.w, s.size, ...constantArgs(c));
      return f32(s.w, s.size);
    },
  };
}

/** The Adam kernel instantiated on tfjs-wasm's memory (one instance per memory), where it runs there. */
const adamOnHeap = heapDriverOf<AdamExports, AdamExports>(
  () => compileKernel(ADAM_WASM_BASE64),
  (e) => e,
);

/**
 * Adam on tfjs-wasm's own memory: the moments are allocated there (tfjs's allocator), and a step reads the
 * gradient and the weight where tfjs keeps them and writes the new weight straight into a new tensor — no copy
 * of the gradient into the kernel's memory and none of the new weight out of it (for a 20,000 × 64 embedding,
 * two 5 MB copies a step). The same kernel, so the same bits.
 */
export interface HeapAdamMoments extends Omit<AdamMoments, 'step'> {
  /** Always true: the moments live in tfjs-wasm's memory. */
  readonly onHeap: true;
  /**
   * The new value of weight i after one step from `gradient` (a tensor, read in place, or values; or rows, the
   * rest of the gradient zero: the bits of the dense step without a dense gradient).
   */
  stepTensor(i: number, gradient: Tensor | Float32Array | RowGradient, weight: Variable, c: AdamStepConstants): Tensor;
  /**
   * What {@link HeapAdamMoments.stepTensor} with these arguments would make weight i — only the rows `rows`
   * (ascending), packed, when given — computed by the same kernel code without changing the moments: the same
   * bits, ahead of the step (data-parallel training sends them to a worker before the step runs).
   */
  peek(i: number, gradient: Float32Array | RowGradient, weight: Variable, rows: Int32Array | undefined, c: AdamStepConstants): Float32Array;
  /** Frees the moments' memory (the object is unusable afterwards). */
  free(): void;
}

/**
 * {@link HeapAdamMoments} on `heap`, or `undefined` where the kernel does not run on that memory.
 *
 * @param heap - tfjs-wasm's memory and allocator (tensor-memory.ts `activeWasmHeap`).
 * @returns The moments.
 */
export function createHeapMoments(heap: WasmHeap): HeapAdamMoments | undefined {
  const e = adamOnHeap(heap);
  if (!e) return undefined;
  const slots: Array<{ m: number; v: number; size: number }> = [];
  const f32 = (at: number, n: number) => new Float32Array(heap.memory.buffer, at, n);
  const onHeap = (t: Tensor) => heap.backend.dataIdMap.has(t.dataId);
  return {
    kernel: 'wasm',
    onHeap: true,
    keepsWeights: false,
    get count() {
      return slots.length;
    },
    add(size) {
      const m = heap.malloc(size * 4);
      const v = heap.malloc(size * 4);
      f32(m, size).fill(0);
      f32(v, size).fill(0);
      slots.push({ m, v, size });
    },
    read(i) {
      const s = slots[i]!;
      return { m: f32(s.m, s.size).slice(), v: f32(s.v, s.size).slice() };
    },
    write(i, m, v) {
      const s = slots[i]!;
      f32(s.m, s.size).set(m);
      f32(s.v, s.size).set(v);
    },
    stepTensor(i, gradient, weight, c) {
      const s = slots[i]!;
      // A gradient given as values (or kept elsewhere) is copied in; a weight kept elsewhere too (never on wasm).
      const copies: number[] = [];
      const place = (values: Float32Array): number => {
        const at = heap.malloc(s.size * 4);
        copies.push(at);
        f32(at, s.size).set(values);
        return at;
      };
      try {
        const w = onHeap(weight) ? heap.offsetOf(weight) : place(weight.dataSync() as Float32Array);
        if ('rows' in gradient) {
          const { rows, packed, dim } = gradient;
          return withScratch(heap, rows.byteLength + packed.byteLength, (r) => {
            new Int32Array(heap.memory.buffer, r, rows.length).set(rows);
            f32(r + rows.byteLength, packed.length).set(packed);
            return heapTensor(heap, [...weight.shape], (out) =>
              e.adamStepRows(r, rows.length, r + rows.byteLength, dim, s.m, s.v, w, out, s.size, ...constantArgs(c)),
            );
          });
        }
        const g = gradient instanceof Float32Array ? place(gradient) : onHeap(gradient) ? heap.offsetOf(gradient) : place(gradient.dataSync() as Float32Array);
        return heapTensor(heap, [...weight.shape], (out) => e.adamStep(g, s.m, s.v, s.m, s.v, w, out, s.size, ...constantArgs(c)));
      } finally {
        for (const at of copies) heap.free(at);
      }
    },
    peek(i, gradient, weight, rows, c) {
      const s = slots[i]!;
      // A dense gradient is one row of the whole weight, or without `rows` one row of every row of it.
      const asRows: RowGradient =
        gradient instanceof Float32Array
          ? rows
            ? { rows: Int32Array.from({ length: s.size / weight.shape.at(-1)! }, (_, r) => r), packed: gradient, dim: weight.shape.at(-1)! }
            : { rows: ZERO_ROW, packed: gradient, dim: s.size }
          : gradient;
      const dim = asRows.dim;
      const sel = rows ?? (gradient instanceof Float32Array ? ZERO_ROW : Int32Array.from({ length: s.size / dim }, (_, r) => r));
      // Of the gradient's rows, only those selected travel (indices into its rows).
      const gRows = intersection(asRows.rows, sel);
      const w = onHeap(weight) ? heap.offsetOf(weight) : undefined;
      const values = w === undefined ? (weight.dataSync() as Float32Array) : undefined;
      const outFloats = sel.length * dim;
      const gFloats = gRows.length * dim;
      // Scratch: the selected and the gradient's rows' ids, their gradient, the result, two moment rows, a weight kept elsewhere.
      const bytes = 4 * (sel.length + gRows.length + gFloats + outFloats + 2 * dim + (values?.length ?? 0));
      return withScratch(heap, bytes, (at) => {
        const ids = new Int32Array(heap.memory.buffer, at, sel.length + gRows.length);
        ids.set(sel);
        const g = at + 4 * (sel.length + gRows.length);
        const gHeap = f32(g, gFloats);
        gRows.forEach((k, j) => {
          ids[sel.length + j] = asRows.rows[k]!;
          gHeap.set(asRows.packed.subarray(k * dim, k * dim + dim), j * dim);
        });
        const out = g + 4 * gFloats;
        const scratch = out + 4 * outFloats;
        const wAt = w ?? scratch + 8 * dim;
        if (values) f32(wAt, values.length).set(values);
        e.adamPeekRows(at, sel.length, at + 4 * sel.length, gRows.length, g, dim, s.m, s.v, wAt, out, scratch, ...constantArgs(c));
        return f32(out, outFloats).slice();
      });
    },
    free() {
      for (const s of slots.splice(0)) {
        heap.free(s.m);
        heap.free(s.v);
      }
    },
  };
}

/** Moments in JavaScript arrays, and the same step in JavaScript (every operation rounded with `Math.fround`). */
export function createJsMoments(): AdamMoments {
  const ms: Float32Array[] = [];
  const vs: Float32Array[] = [];
  return {
    kernel: 'javascript',
    keepsWeights: false,
    get count() {
      return ms.length;
    },
    add(size) {
      ms.push(new Float32Array(size));
      vs.push(new Float32Array(size));
    },
    read(i) {
      return { m: ms[i]!.slice(), v: vs[i]!.slice() };
    },
    write(i, m, v) {
      ms[i]!.set(m);
      vs[i]!.set(v);
    },
    step(i, gradient, weight, c) {
      const m = ms[i]!;
      const v = vs[i]!;
      const w = weight!;
      const out = new Float32Array(m.length);
      const f = Math.fround;
      const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate } = c;
      for (let k = 0; k < out.length; k++) {
        const g = gradient[k]!;
        const mk = f(f(m[k]! * beta1) + f(g * oneMinusBeta1));
        const vk = f(f(v[k]! * beta2) + f(f(g * g) * oneMinusBeta2));
        m[k] = mk;
        v[k] = vk;
        const mHat = f(mk / oneMinusAccBeta1);
        const vHat = f(vk / oneMinusAccBeta2);
        out[k] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * negLearningRate) + w[k]!);
      }
      return out;
    },
  };
}
