import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import {
  type Scalar,
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  grads as tfGrads,
  memory,
  mul,
  setBackend,
  tensor,
  sum,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
} from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { bitsDiffering, relDiff } from '../../test/recurrent-fixtures.js';
import { useWasmBackend } from '../../test/wasm-backend.js';
import { setRelaxedSimd, setWasmKernels, usesRelaxedSimd } from '../flags.js';
import { createTextClassifier } from '../text-classifier.js';
import { fusedRecurrence, opsRecurrence } from './fused-gru.js';
import { type GruBatch, gruKernel } from './gru-wasm.js';
import { activeWasmHeap, peekValues, writeTensors } from './tensor-memory.js';

type Rng = ReturnType<typeof createRng>;

/** Seeded normal values with standard deviation `scale`. */
function randoms(rng: Rng, length: number, scale: number): Float32Array {
  return Float32Array.from({ length }, () => rng.normal(0, scale));
}

/**
 * A step mask [batch, time] with ragged lengths: post-padded, pre-padded, holes, full and all-padding rows.
 */
function raggedMask(rng: Rng, batch: number, time: number): number[][] {
  return Array.from({ length: batch }, (_, b) => {
    const kind = b % 5;
    const length = Math.floor(rng.next() * (time + 1));
    return Array.from({ length: time }, (_, t) => {
      if (kind === 0) return t < length ? 1 : 0;
      if (kind === 1) return t >= time - length ? 1 : 0;
      if (kind === 2) return rng.next() < 0.7 ? 1 : 0;
      if (kind === 3) return 1;
      return b === batch - 1 ? 0 : t < length ? 1 : 0;
    });
  });
}

/** How the rows start: zero, one learned state, or each its own (the padded start). */
type Start = 'zero' | 'learned' | 'per-row';

function inputsOf(seed: number, batch: number, time: number, H: number, start: Start) {
  const rng = createRng(seed);
  return {
    batch,
    time,
    H,
    xw: randoms(rng, batch * time * 3 * H, 1.5),
    u: randoms(rng, H * 3 * H, 1 / Math.sqrt(H)),
    h0: start === 'zero' ? undefined : randoms(rng, start === 'per-row' ? batch * H : H, 0.8),
    perRow: start === 'per-row',
    mask: raggedMask(rng, batch, time),
    upstream: randoms(rng, batch * H, 1),
  };
}

/** The kernel's view of the inputs. */
function batchOf(p: ReturnType<typeof inputsOf>): GruBatch {
  return { xw: p.xw, live: Int32Array.from(p.mask.flat()), u: p.u, batch: p.batch, time: p.time, units: p.H, init: p.h0, perRow: p.perRow };
}

/** A recurrence as the tests call it: the learned state as `init`, each row's own as `starts`. */
type RecurrenceUnderTest = (xw: Tensor3D, u: Tensor2D, mask: Tensor2D, init: Tensor[] | undefined, starts?: Tensor2D) => Tensor2D;

/** Output and (when `differentiable`) the gradients of xw, u and h₀ through `recurrence`, under `p.upstream`. */
function withGrads(recurrence: RecurrenceUnderTest, p: ReturnType<typeof inputsOf>, differentiable = true) {
  return tidy(() => {
    const xw = tensor3d(p.xw, [p.batch, p.time, 3 * p.H]);
    const u = tensor2d(p.u, [p.H, 3 * p.H]);
    const h0 = p.h0 ? (p.perRow ? tensor2d(p.h0, [p.batch, p.H]) : tensor1d(p.h0)) : undefined;
    const run = (xw: Tensor3D, u: Tensor2D, start: Tensor | undefined) =>
      p.perRow ? recurrence(xw, u, mask, undefined, start as Tensor2D) : recurrence(xw, u, mask, start ? [start] : undefined);
    const mask = tensor2d(p.mask, undefined, 'int32');
    const upstream = tensor2d(p.upstream, [p.batch, p.H]);
    const out = run(xw, u, h0);
    const f = (...xs: Tensor[]) => sum(mul(run(xs[0] as Tensor3D, xs[1] as Tensor2D, xs[2]), upstream)) as Scalar;
    const grads = differentiable ? tfGrads(f)(h0 ? [xw, u, h0] : [xw, u]) : [];
    return { h: out.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

const fused: RecurrenceUnderTest = (xw, u, mask, init, starts) => fusedRecurrence(xw, u, mask, true, init, starts);
const fusedInference: RecurrenceUnderTest = (xw, u, mask, init, starts) => fusedRecurrence(xw, u, mask, false, init, starts);

describe('the WebAssembly SIMD GRU kernel', () => {
  afterEach(() => {
    setWasmKernels(true);
    setRelaxedSimd(true);
  });

  it("runs here (WebAssembly SIMD, and its relaxed-SIMD build: the test config turns on Node 20's relaxed SIMD)", () => {
    expect(gruKernel()).toBeDefined();
    expect(usesRelaxedSimd()).toBe(true);
  });

  it('runs a different module with relaxed SIMD: fused multiply-adds change the last bits, not more (h and dXW to 1e-5 of the plain build)', () => {
    const p = inputsOf(9, 37, 11, 64, 'learned');
    const run = (relaxed: boolean) => {
      setRelaxedSimd(relaxed);
      const kernel = gruKernel()!;
      const { h, trace } = kernel.forwardTrain(batchOf(p));
      return { h, dxw: kernel.backward(p.upstream, trace).dxw };
    };
    const plain = run(false);
    const relaxed = run(true);
    expect(bitsDiffering(relaxed.h, plain.h)).toBeGreaterThan(0);
    expect(relDiff(relaxed.h, plain.h)).toBeLessThan(1e-5);
    expect(relDiff(relaxed.dxw, plain.dxw)).toBeLessThan(1e-5);
  });

  const shapes: Array<[number, number, number]> = [
    [1, 4, 4],
    [5, 7, 12],
    [13, 9, 16],
    [8, 6, 20],
    [37, 11, 64],
  ];
  const startNames: Record<Start, string> = {
    zero: ' (zero initial state)',
    learned: ' and dh₀ (learned initial state)',
    'per-row': " and each row's dh₀ (per-row initial states)",
  };
  for (const start of ['zero', 'learned', 'per-row'] as const) {
    for (const path of ['relaxed SIMD', 'plain SIMD', 'JavaScript'] as const) {
      const wasm = path !== 'JavaScript';
      it(`matches the tfjs-ops recurrence: h, dXW, dU${startNames[start]} to 1e-5 relative (${path} recurrence)`, () => {
        setWasmKernels(wasm);
        setRelaxedSimd(path === 'relaxed SIMD');
        const before = memory().numTensors;
        shapes.forEach(([batch, time, H], i) => {
          const p = inputsOf(100 + i, batch, time, H, start);
          const reference = withGrads(opsRecurrence, p);
          const got = withGrads(fused, p);
          expect(relDiff(got.h, reference.h)).toBeLessThan(1e-5);
          expect(got.grads).toHaveLength(start === 'zero' ? 2 : 3);
          got.grads.forEach((g, k) => {
            expect(relDiff(g, reference.grads[k]!), `batch ${batch}, time ${time}, H ${H}, gradient ${k}`).toBeLessThan(1e-5);
          });
          const predicted = withGrads(fusedInference, p, false).h;
          expect(relDiff(predicted, reference.h)).toBeLessThan(1e-5);
          if (wasm) {
            // The layer's fused path is the kernel's (bit for bit), in training and in prediction.
            const direct = gruKernel()!.forward(batchOf(p));
            expect(got.h).toEqual(direct);
            expect(predicted).toEqual(direct);
          }
        });
        expect(memory().numTensors).toBe(before);
      });
    }
  }

  it('keeps two traces apart (the two directions of a bidirectional layer)', () => {
    const kernel = gruKernel()!;
    const a = inputsOf(7, 6, 8, 12, 'learned');
    const b = inputsOf(8, 9, 5, 12, 'zero');
    const alone = (p: typeof a) => {
      const { h, trace } = kernel.forwardTrain(batchOf(p));
      return { h, ...kernel.backward(p.upstream, trace) };
    };
    const [ra, rb] = [alone(a), alone(b)];
    const fa = kernel.forwardTrain(batchOf(a));
    const fb = kernel.forwardTrain(batchOf(b));
    const gb = kernel.backward(b.upstream, fb.trace);
    const ga = kernel.backward(a.upstream, fa.trace);
    expect(fa.h).toEqual(ra.h);
    expect(fb.h).toEqual(rb.h);
    expect(ga).toEqual({ dxw: ra.dxw, hPrev: ra.hPrev, rh: ra.rh, dInit: ra.dInit });
    expect(gb).toEqual({ dxw: rb.dxw, hPrev: rb.hPrev, rh: rb.rh });
    expect(() => kernel.backward(a.upstream, fa.trace)).toThrow(/backward ran twice/);
  });

  it("runs on tfjs-wasm's memory, reading xw and writing dXW in the tensors, to the bits of the kernel with a memory of its own", async () => {
    const cases = [
      [inputsOf(11, 6, 8, 12, 'learned'), 'learned'],
      [inputsOf(12, 9, 5, 8, 'zero'), 'zero'],
      [inputsOf(13, 5, 7, 16, 'per-row'), 'per-row'],
    ] as const;
    // The reference: the kernel on the cpu backend, with its own memory.
    const own = cases.map(([p]) => {
      const kernel = gruKernel()!;
      const { h, trace } = kernel.forwardTrain(batchOf(p));
      return { h, forward: kernel.forward(batchOf(p)), ...kernel.backward(p.upstream, trace) };
    });
    expect(await useWasmBackend()).toBe(true);
    try {
      expect(activeWasmHeap()).toBeDefined();
      const before = memory().numTensors;
      cases.forEach(([p, start], i) => {
        const kernel = gruKernel()!;
        const want = own[i]!;
        const x = tensor(p.xw, [p.batch, p.time, 3 * p.H]);
        const d = tensor(p.upstream, [p.batch, p.H]);
        expect(kernel.forward({ ...batchOf(p), xw: peekValues(x) as Float32Array }), `forward: ${start}`).toEqual(want.forward);
        const { h, trace } = kernel.forwardTrain({ ...batchOf(p), xw: peekValues(x) as Float32Array });
        let dInit: Float32Array | undefined;
        const n = p.batch * p.time;
        const outs = writeTensors(
          [
            [p.batch, p.time, 3 * p.H],
            [n, p.H],
            [n, p.H],
          ],
          [d],
          ([dxw, hPrev, rh], [dy]) => {
            dInit = kernel.backward(dy as Float32Array, trace, { dxw: dxw!, hPrev: hPrev!, rh: rh! }).dInit;
          },
        );
        expect(h, `h: ${start}`).toEqual(want.h);
        expect(
          outs.map((t) => t.dataSync()),
          `dXW, hPrev, rh: ${start}`,
        ).toEqual([want.dxw, want.hPrev, want.rh]);
        expect(dInit, `dInit: ${start}`).toEqual(want.dInit);
        // xw copied in; xw in place with dXW into a new array (an arena of its own).
        const copied = kernel.forwardTrain(batchOf(p));
        expect(kernel.backward(p.upstream, copied.trace).dxw, `dXW, copied: ${start}`).toEqual(want.dxw);
        const inPlace = kernel.forwardTrain({ ...batchOf(p), xw: peekValues(x) as Float32Array });
        expect(kernel.backward(p.upstream, inPlace.trace).dxw, `dXW, own arena: ${start}`).toEqual(want.dxw);
        for (const t of [x, d, ...outs]) t.dispose();
      });
      expect(memory().numTensors).toBe(before);
    } finally {
      await setBackend('cpu');
    }
  });

  for (const [architecture, initialState] of [
    ['gru', 'learned'],
    ['gru', 'padded'],
    ['bigru', 'zero'],
  ] as const) {
    it(`trains ${architecture} (${initialState} initial state) to the same model twice from one seed, close to the JavaScript recurrence's`, async () => {
      const data = syntheticSentiment(160, 4);
      const texts = data.slice(0, 12).map((e) => e.text);
      const run = async (wasm: boolean) => {
        setWasmKernels(wasm);
        const clf = createTextClassifier({ architecture, initialState, embeddingDim: 8, units: 8, vocabSize: 300, maxLength: 20, dropout: 0.1 });
        const result = await clf.fit(data, { epochs: 2, seed: 5 });
        const out = { losses: result.history.map((h) => h.loss), probs: Array.from(await clf.predictProbabilities(texts)) };
        clf.dispose();
        return out;
      };
      const a = await run(true);
      expect(await run(true)).toEqual(a);
      const js = await run(false);
      expect(maxAbs(a.losses, js.losses)).toBeLessThan(1e-4);
      expect(maxAbs(a.probs, js.probs)).toBeLessThan(1e-4);
    });
  }
});

function maxAbs(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
}

describe('the GRU kernel module', () => {
  it('ships a kernel built from assembly/gru.ts (the generated module is current)', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check', 'gru'], { stdio: 'pipe' })).not.toThrow();
  });
});
