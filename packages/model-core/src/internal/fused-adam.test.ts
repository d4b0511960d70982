import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Rng, createRng } from '@glossa/math';
import { type Scalar, type Variable, add, getBackend, memory, mul, square, sum, tensor, tidy, train, variable } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import type { CheckpointOptimizerState, TrainingCheckpoint } from '../checkpoint.js';
import type { TextClassifierOptions } from '../options.js';
import { createTextClassifier } from '../text-classifier.js';
import { type RowGradient, adamWasmCompiles } from './adam-kernel.js';
import { setFusedAdam } from '../flags.js';
import { FusedAdam, type TrainingOptimizer, usesFusedAdam } from './fused-adam.js';
import { getRows } from './table-rows.js';
import { activeWasmHeap } from './tensor-memory.js';
import { readAdamState, writeAdamState } from './training-state.js';
import { onWasmBackend } from '../../test/wasm-backend.js';

/** Weight shapes, most of them not a multiple of 4 floats (the kernel's vector tail). */
const SHAPES = [[7], [3, 5], [64], [1], [33, 4], [2, 3, 2], [10]];
const KERNELS = ['wasm', 'javascript'] as const;

/** The bits of float32 values (so −0 ≠ 0 and every last bit counts). */
function bits(values: ArrayLike<number>): Uint32Array {
  return new Uint32Array(Float32Array.from(values).buffer);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Gradients of every magnitude, with zeros, negative zeros and subnormals among them. */
function randomGradients(rng: Rng): Float32Array[] {
  return SHAPES.map((shape) =>
    Float32Array.from({ length: sizeOf(shape) }, () => {
      const u = rng.next();
      if (u < 0.05) return 0;
      if (u < 0.08) return -0;
      if (u < 0.11) return (rng.next() - 0.5) * 1e-40;
      return (rng.next() - 0.5) * 10 ** (-9 + 12 * rng.next());
    }),
  );
}

function makeVariables(values: readonly Float32Array[]): Variable[] {
  return values.map((v, i) => {
    const t = tensor(v, SHAPES[i]!);
    const out = variable(t);
    t.dispose();
    return out;
  });
}

function initialValues(rng: Rng): Float32Array[] {
  return SHAPES.map((shape) => Float32Array.from({ length: sizeOf(shape) }, () => rng.normal(0, 0.5)));
}

function applyTensors(optimizer: TrainingOptimizer, variables: readonly Variable[], gradients: readonly Float32Array[]): void {
  tidy(() => optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: tensor(gradients[i]!, v.shape) }))));
}

function expectSameState(actual: CheckpointOptimizerState, expected: CheckpointOptimizerState): void {
  expect(actual.iterations).toBe(expected.iterations);
  expect(actual.beta1Power).toBe(expected.beta1Power);
  expect(actual.beta2Power).toBe(expected.beta2Power);
  expect(actual.firstMoments.map(bits)).toEqual(expected.firstMoments.map(bits));
  expect(actual.secondMoments.map(bits)).toEqual(expected.secondMoments.map(bits));
}

function expectSameWeights(actual: readonly Variable[], expected: readonly Variable[]): void {
  expect(actual.map((v) => bits(v.dataSync()))).toEqual(expected.map((v) => bits(v.dataSync())));
}

/** `steps` steps of tfjs's Adam and of the fused one on the same gradients, checked after every step. */
function compareSteps(kernel: (typeof KERNELS)[number], learningRate: number, steps: number, seed: number): void {
  const rng = createRng(seed);
  const start = initialValues(rng);
  const reference = makeVariables(start);
  const fused = makeVariables(start);
  const tfjsAdam = train.adam(learningRate, 0.9, 0.999, 1e-7);
  const fusedAdam = new FusedAdam(learningRate, 0.9, 0.999, 1e-7, kernel);
  expect(fusedAdam.kernel).toBe(kernel);
  for (let step = 0; step < steps; step++) {
    const gradients = randomGradients(rng);
    // Every entry: tensors (the single-thread step), arrays, and the [33, 4] weight's gradient as some of its
    // rows, zero elsewhere (the data-parallel step's embedding table), first and last rows included at times.
    const rows = Int32Array.from({ length: 33 }, (_, r) => r).filter(() => rng.next() < 0.3);
    if (step % 3 === 2) {
      const table = gradients[4]!;
      for (let r = 0; r < 33; r++) if (!rows.includes(r)) table.fill(0, r * 4, r * 4 + 4);
    }
    applyTensors(tfjsAdam, reference, gradients);
    const values: Array<Float32Array | RowGradient> =
      step % 3 === 2 ? [...gradients.slice(0, 4), { rows, packed: getRows(gradients[4]!, rows, 4), dim: 4 }, ...gradients.slice(5)] : gradients;
    // Ahead of a step, the fused Adam tells what it will make each weight (the table: some rows, chosen
    // apart from the gradient's, and all of them), where it runs on tfjs-wasm's memory.
    const chosen = Int32Array.from({ length: 33 }, (_, r) => r).filter(() => rng.next() < 0.4);
    const peeked = step % 3 === 0 ? [] : peekAll(fusedAdam, fused, values, chosen);
    if (step % 3 === 0) applyTensors(fusedAdam, fused, gradients);
    else fusedAdam.applyGradientValues(fused, values);
    expectSameWeights(fused, reference);
    const told = peeked.filter((p) => p !== undefined);
    expect(told.length).toBe(fusedAdam.readsInPlace && step % 3 !== 0 && step > 0 ? 8 : 0);
    if (told.length > 0) {
      expect(peeked.slice(0, 7).map((p) => bits(p!))).toEqual(fused.map((v) => bits(v.dataSync())));
      expect(bits(peeked[7]!)).toEqual(bits(getRows(fused[4]!.dataSync() as Float32Array, chosen, 4)));
    }
  }
  expectSameState(readAdamState(fusedAdam), readAdamState(tfjsAdam));
  tfjsAdam.dispose();
  fusedAdam.dispose();
  for (const v of [...reference, ...fused]) v.dispose();
}

/**
 * {@link FusedAdam.peekGradientValues} of every weight, then of the [33, 4] table's `chosen` rows, with the
 * scratch memory the kernel will use first filled with garbage (so nothing relies on fresh, zeroed memory).
 */
function peekAll(
  optimizer: FusedAdam,
  variables: readonly Variable[],
  gradients: ReadonlyArray<Float32Array | RowGradient>,
  chosen: Int32Array,
): Array<Float32Array | undefined> {
  const heap = activeWasmHeap();
  if (heap) {
    const at = heap.malloc(1 << 16);
    new Uint8Array(heap.memory.buffer, at, 1 << 16).fill(0xa5);
    heap.free(at);
  }
  const whole = variables.map((v, i) => optimizer.peekGradientValues(v, i, gradients[i]!));
  return [...whole, optimizer.peekGradientValues(variables[4]!, 4, gradients[4]!, chosen)];
}

/** The optimizer-level checks, on whichever backend is active. */
function optimizerTests(): void {
  for (const kernel of KERNELS) {
    it(`gives tfjs's AdamOptimizer weights and moments to the bit over 20 steps (${kernel})`, () => {
      const before = memory().numTensors;
      compareSteps(kernel, 1e-3, 20, 1);
      compareSteps(kernel, 0.05, 20, 2);
      compareSteps(kernel, 3.7e-3, 20, 3);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('leaves a weight without a gradient untouched with zero moments through minimize, as tfjs does', () => {
    const before = memory().numTensors;
    const rng = createRng(4);
    const start = initialValues(rng);
    const reference = makeVariables(start);
    const fused = makeVariables(start);
    const tfjsAdam = train.adam(0.01, 0.9, 0.999, 1e-7);
    const fusedAdam = new FusedAdam(0.01, 0.9, 0.999, 1e-7);
    // The loss never reads the third weight.
    const loss = (vs: Variable[]) => (): Scalar => add(sum(square(vs[0]!)), add(sum(mul(vs[1]!, 3)), sum(square(add(vs[4]!, 0.25))))) as Scalar;
    for (let step = 0; step < 12; step++) {
      tidy(() => {
        const a = tfjsAdam.minimize(loss(reference), true, reference)!;
        const b = fusedAdam.minimize(loss(fused), true, fused)!;
        expect(bits(b.dataSync())).toEqual(bits(a.dataSync()));
      });
      expectSameWeights(fused, reference);
    }
    const state = readAdamState(fusedAdam);
    expectSameState(state, readAdamState(tfjsAdam));
    expect(state.firstMoments).toHaveLength(SHAPES.length);
    expect(bits(fused[2]!.dataSync())).toEqual(bits(start[2]!));
    expect(Array.from(state.secondMoments[2]!)).toEqual(new Array(sizeOf(SHAPES[2]!)).fill(0));
    tfjsAdam.dispose();
    fusedAdam.dispose();
    for (const v of [...reference, ...fused]) v.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("hands its state to tfjs's optimizer and takes tfjs's, both continuing to the bits of an uninterrupted run", async () => {
    const before = memory().numTensors;
    const rng = createRng(5);
    const start = initialValues(rng);
    const gradients = Array.from({ length: 14 }, () => randomGradients(rng));
    const adam = (kind: 'tfjs' | 'fused'): TrainingOptimizer => (kind === 'tfjs' ? train.adam(2e-3, 0.9, 0.999, 1e-7) : new FusedAdam(2e-3, 0.9, 0.999, 1e-7));
    // handOver: the step after which the state moves to a new optimizer of the other kind (0: before any step).
    const run = async (first: 'tfjs' | 'fused', handOver: number) => {
      const vs = makeVariables(start);
      let optimizer = adam(first);
      for (let step = 0; step < gradients.length; step++) {
        if (step === handOver) {
          const state = readAdamState(optimizer);
          optimizer.dispose();
          optimizer = adam(first === 'tfjs' ? 'fused' : 'tfjs');
          await writeAdamState(optimizer, vs, state);
        }
        applyTensors(optimizer, vs, gradients[step]!);
      }
      const state = readAdamState(optimizer);
      optimizer.dispose();
      return { vs, state };
    };
    const uninterrupted = await run('tfjs', -1);
    for (const [first, handOver] of [
      ['tfjs', 7],
      ['fused', 7],
      ['fused', 0],
      ['tfjs', 1],
    ] as const) {
      const continued = await run(first, handOver);
      expectSameWeights(continued.vs, uninterrupted.vs);
      expectSameState(continued.state, uninterrupted.state);
      for (const v of continued.vs) v.dispose();
    }
    for (const v of uninterrupted.vs) v.dispose();
    expect(memory().numTensors).toBe(before);
  });
}

const data = syntheticSentiment(200, 9);

/** Weights and final optimizer state of a seeded fit, with the fused Adam on or off. */
async function seededFit(options: TextClassifierOptions, fused: boolean): Promise<{ weights: Uint32Array[]; state: CheckpointOptimizerState }> {
  setFusedAdam(fused);
  try {
    expect(usesFusedAdam()).toBe(fused);
    const clf = createTextClassifier(options);
    const checkpoints: TrainingCheckpoint[] = [];
    await clf.fit(data, { epochs: 3, batchSize: 16, seed: 21, onCheckpoint: (c) => void checkpoints.push(c) });
    const weights = clf.model!.weights.map((w) => bits(w.read().dataSync()));
    clf.dispose();
    return { weights, state: checkpoints.at(-1)!.optimizer };
  } finally {
    setFusedAdam(true);
  }
}

/** The fit-level checks: a whole seeded fit gives the same bits with tfjs's optimizer and the fused one. */
function fitTests(): void {
  for (const options of [
    { architecture: 'lstm', embeddingDim: 8, units: 8, vocabSize: 150, maxLength: 20, dropout: 0.2 },
    { architecture: 'bow', embeddingDim: 5, vocabSize: 150, maxLength: 20 },
  ] as const) {
    it(`trains a seeded ${options.architecture} fit to the bits tfjs's optimizer gives`, async () => {
      const before = memory().numTensors;
      const old = await seededFit(options, false);
      const fused = await seededFit(options, true);
      expect(fused.weights).toEqual(old.weights);
      expectSameState(fused.state, old.state);
      expect(memory().numTensors).toBe(before);
    });
  }
}

describe('FusedAdam on the cpu backend', () => {
  it('is what training uses on cpu, with the WebAssembly SIMD kernel', () => {
    expect(getBackend()).toBe('cpu');
    expect(usesFusedAdam()).toBe(true);
    expect(adamWasmCompiles()).toBe(true);
    const optimizer = new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
    expect(optimizer.kernel).toBe('wasm');
    expect(optimizer.readsInPlace).toBe(false);
    optimizer.dispose();
  });
  optimizerTests();
  fitTests();
});

describe('FusedAdam on the wasm backend', () => {
  onWasmBackend();

  it("is what training uses on wasm, on tfjs-wasm's own memory", () => {
    expect(getBackend()).toBe('wasm');
    expect(usesFusedAdam()).toBe(true);
    const optimizer = new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
    expect(optimizer.kernel).toBe('wasm');
    expect(optimizer.readsInPlace).toBe(true);
    optimizer.dispose();
  });
  optimizerTests();
  fitTests();
});

describe('the Adam kernel module', () => {
  it('ships a kernel built from assembly/adam.ts (the generated module is current)', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check', 'adam'], { stdio: 'pipe' })).not.toThrow();
  });
});
