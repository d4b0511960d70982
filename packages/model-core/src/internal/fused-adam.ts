/**
 * Adam as one fused pass per weight on the backends that keep tensors in CPU memory (`cpu`, `wasm`), where
 * tfjs's AdamOptimizer runs a chain of elementwise kernels (each a full pass over the weight, plus dispatch)
 * per weight and step: ~14 ms per step for a 20,000 × 64 embedding on wasm.
 *
 * {@link FusedAdam} gives exactly tfjs-core 4.22's AdamOptimizer results, bit for bit: the same operations in
 * the same order, each rounded to float32 as tfjs's float32 tensors are, the same running float32 products
 * β₁ᵗ and β₂ᵗ, the same lazily created moments (so checkpoints hold the same state). Other backends (GPUs,
 * tfjs-node) keep tfjs's optimizer ({@link usesFusedAdam}).
 */
import { type Tensor, type Variable, engine, getBackend, Optimizer, tensor, tidy, type train } from '@tensorflow/tfjs-core';
import type { CheckpointOptimizerState } from '../checkpoint.js';
import {
  type AdamMoments,
  type AdamStepConstants,
  type HeapAdamMoments,
  type RowGradient,
  createHeapMoments,
  createJsMoments,
  createWasmMoments,
  denseGradient,
} from './adam-kernel.js';
import { FUSED_ADAM_FLAG, flagOn } from './flag-state.js';
import { activeWasmHeap, peekValues } from './tensor-memory.js';

const FUSED_ADAM_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * Whether an optimizer created now would be a {@link FusedAdam}: the active backend keeps tensors in CPU
 * memory (`cpu`, `wasm`) and the `GLOSSA_FUSED_ADAM` flag is on ({@link setFusedAdam}).
 *
 * @returns True when training here applies the fused step.
 * @example
 * ```ts
 * const optimizer = usesFusedAdam() ? new FusedAdam(1e-3, 0.9, 0.999, 1e-7) : train.adam(1e-3, 0.9, 0.999, 1e-7);
 * ```
 */
export function usesFusedAdam(): boolean {
  return flagOn(FUSED_ADAM_FLAG) && FUSED_ADAM_BACKENDS.has(getBackend());
}

/** What tfjs's `Optimizer.applyGradients` takes (tfjs does not export its `NamedTensor` type). */
type VariableGradients = Parameters<Optimizer['applyGradients']>[0];

/** The optimizer a fit trains with: tfjs's AdamOptimizer or the fused one. */
export type TrainingOptimizer = ReturnType<typeof train.adam> | FusedAdam;

/**
 * tfjs-core 4.22's AdamOptimizer (`tf.train.adam(learningRate, beta1, beta2, epsilon)`) applied as one fused
 * pass per weight, on tensors in CPU memory: same results to the bit, same state. `minimize` is tfjs's own
 * (inherited); {@link FusedAdam.applyGradients} replaces the chain of tfjs kernels, and
 * {@link FusedAdam.applyGradientValues} takes gradients that are arrays already (data-parallel training).
 *
 * @example
 * ```ts
 * const optimizer = new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
 * optimizer.minimize(loss, true, variables);
 * ```
 */
export class FusedAdam extends Optimizer {
  /** The class name tfjs's serialization reports (this optimizer is never serialized). */
  static get className(): string {
    return 'GlossaFusedAdam';
  }

  /**
   * An ordinary `instanceof`: tfjs's Optimizer answers it for any object with an optimizer's methods, so
   * `tfjsAdam instanceof FusedAdam` would otherwise be true.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(FusedAdam.prototype, value);
  }

  /** β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as tfjs's `accBeta1`/`accBeta2` variables hold them: running float32 products. */
  private accBeta1: number;
  private accBeta2: number;
  private moments: AdamMoments | HeapAdamMoments;
  /** Per weight, the tensor data its last step wrote (the moments' copy of the weight is current while it is the variable's). */
  private written: Array<object | undefined> = [];

  /**
   * @param learningRate - As tfjs's `learningRate`.
   * @param beta1 - As tfjs's `beta1`.
   * @param beta2 - As tfjs's `beta2`.
   * @param epsilon - As tfjs's `epsilon` (given: tfjs's default is the backend's).
   * @param kernel - 'wasm' (the WebAssembly SIMD kernel; throws where it does not compile) or 'javascript';
   *   by default the kernel where it compiles, else JavaScript.
   */
  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    private readonly kernelChoice?: 'wasm' | 'javascript',
  ) {
    super();
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
    this.moments = this.createMoments();
  }

  private createMoments(): AdamMoments | HeapAdamMoments {
    if (this.kernelChoice === 'javascript') return createJsMoments();
    const heap = getBackend() === 'wasm' ? activeWasmHeap() : undefined;
    const wasm = (heap && createHeapMoments(heap)) ?? createWasmMoments();
    if (!wasm && this.kernelChoice === 'wasm') throw new Error('FusedAdam: the WebAssembly SIMD kernel does not compile on this platform.');
    return wasm ?? createJsMoments();
  }

  /**
   * Whether the step runs on tfjs-wasm's own memory, reading each gradient and weight where tfjs keeps them and
   * writing the new weight into a new tensor there (training on wasm), rather than copying them through memory
   * of its own (cpu) or JavaScript arrays.
   */
  get readsInPlace(): boolean {
    return 'onHeap' in this.moments;
  }

  /** Frees the moments' memory where it is tfjs-wasm's (the others are garbage-collected). */
  private freeMoments(): void {
    if ('onHeap' in this.moments) this.moments.free();
  }

  /** The implementation that runs the step: the WebAssembly SIMD kernel or JavaScript. */
  get kernel(): 'wasm' | 'javascript' {
    return this.moments.kernel;
  }

  /**
   * One Adam step: tfjs's `applyGradients`, fused. Weights are found by name among the registered variables,
   * as tfjs does; the i-th entry's moments are the i-th this optimizer holds.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    const entries: Array<[string, Tensor | null | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const variables = engine().registeredVariables;
    this.step(entries.map(([name, g]) => [variables[name]!, g ?? undefined]));
  }

  /**
   * One Adam step with the gradients as arrays (`gradients[i]` of `variables[i]`, in the order of every
   * step), or as rows (a table's gradient that is zero elsewhere): what {@link FusedAdam.applyGradients} does
   * with tensors of these values.
   */
  applyGradientValues(variables: readonly Variable[], gradients: ReadonlyArray<Float32Array | RowGradient>): void {
    this.step(variables.map((v, i) => [v, gradients[i]]));
  }

  /**
   * What the next {@link FusedAdam.applyGradientValues} will make `variables[i]` from `gradient` — only the rows
   * `rows` (ascending), packed, when given — without changing anything: the same kernel code, so the same bits.
   * Undefined where the step does not run on tfjs-wasm's memory, or before the first step made weight i's moments.
   */
  peekGradientValues(variable: Variable, i: number, gradient: Float32Array | RowGradient, rows?: Int32Array): Float32Array | undefined {
    const moments = this.moments;
    if (!('onHeap' in moments) || i >= moments.count) return undefined;
    return moments.peek(i, gradient, variable, rows, this.constants());
  }

  /**
   * The step. Each gradient is read when its weight's turn comes (on wasm a view of tfjs's memory, which the
   * previous weight's new tensor may have moved), and consumed by the kernel before the next tensor is made.
   */
  private step(entries: ReadonlyArray<readonly [Variable, Tensor | Float32Array | RowGradient | undefined]>): void {
    const c = this.constants();
    const moments = this.moments;
    // tfjs-wasm copies what a new tensor is made from; on cpu the tensor would keep the kernel's memory.
    const copy = moments.kernel === 'wasm' && getBackend() !== 'wasm';
    tidy(() => {
      entries.forEach(([variable, gradient], i) => {
        if (i === moments.count) moments.add(variable.size);
        if (!gradient) return; // tfjs: moments are made, the weight is left as it is
        if ('onHeap' in moments) {
          variable.assign(moments.stepTensor(i, gradient, variable, c));
          return;
        }
        const current = moments.keepsWeights && this.written[i] === variable.dataId;
        // Read now, not before: a view of tfjs's memory, which the previous weight's new tensor may have moved.
        const values = moments.step(
          i,
          gradient instanceof Float32Array ? gradient : 'rows' in gradient ? denseGradient(gradient, variable.size) : (peekValues(gradient) as Float32Array),
          current ? undefined : (peekValues(variable) as Float32Array),
          c,
        );
        variable.assign(tensor(copy ? values.slice() : values, variable.shape, 'float32'));
        this.written[i] = variable.dataId;
      });
    });
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.incrementIterations();
  }

  /** The step's scalars, each a float32 as the tfjs scalar tensor it stands for. */
  private constants(): AdamStepConstants {
    const f = Math.fround;
    return {
      beta1: f(this.beta1),
      oneMinusBeta1: f(1 - this.beta1),
      beta2: f(this.beta2),
      oneMinusBeta2: f(1 - this.beta2),
      oneMinusAccBeta1: f(1 - this.accBeta1),
      oneMinusAccBeta2: f(1 - this.accBeta2),
      epsilon: f(this.epsilon),
      negLearningRate: f(-this.learningRate),
    };
  }

  /** The complete state, as `readAdamState` reads it from tfjs's optimizer. */
  readState(): CheckpointOptimizerState {
    const firstMoments: Float32Array[] = [];
    const secondMoments: Float32Array[] = [];
    for (let i = 0; i < this.moments.count; i++) {
      const { m, v } = this.moments.read(i);
      firstMoments.push(m);
      secondMoments.push(v);
    }
    return { name: 'adam', iterations: this.iterations, beta1Power: this.accBeta1, beta2Power: this.accBeta2, firstMoments, secondMoments };
  }

  /** Replaces the state with a saved one (moment sizes already checked against the weights). */
  writeState(state: CheckpointOptimizerState): void {
    this.iterations_ = state.iterations;
    this.accBeta1 = Math.fround(state.beta1Power);
    this.accBeta2 = Math.fround(state.beta2Power);
    this.freeMoments();
    this.moments = this.createMoments();
    this.written = [];
    state.firstMoments.forEach((m, i) => {
      this.moments.add(m.length);
      this.moments.write(i, m, state.secondMoments[i]!);
    });
  }

  override getConfig(): { learningRate: number; beta1: number; beta2: number; epsilon: number } {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    super.dispose();
    this.freeMoments();
    this.moments = createJsMoments(); // drops the kernel's memory
    this.written = [];
  }
}
