/**
 * `GlossaTransformer`: a small Transformer encoder as one layer, `[batch, time, dim]` → `[batch, dim]`:
 * learned positional embeddings, one pre-norm encoder block (multi-head self-attention whose keys exclude
 * padding, then a ReLU feed-forward network, each with a residual connection) and the mean of the
 * block's outputs over the real tokens.
 *
 * `x₀ = x + P[0..T)`, `x₁ = x₀ + MHA(LN₁(x₀))`, `x₂ = x₁ + W₂·relu(W₁·LN₂(x₁) + b₁) + b₂`, output `mean_{t real} x₂[t]`.
 *
 * Written with tfjs ops only (tfjs differentiates it, on every backend); being one layer, the model stays
 * the chain InputLayer → embedding → middle → [dropout] → Dense that bundles validate.
 */
import {
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  add,
  cast,
  div,
  expandDims,
  matMul,
  maximum,
  mean,
  mul,
  relu,
  reshape,
  rsqrt,
  type serialization,
  slice,
  softmax,
  square,
  sub,
  sum,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { type Kwargs, type Shape, maskOf, shapeOf, single } from './layer-io.js';

/** Arguments of {@link GlossaTransformer}. */
export interface GlossaTransformerArgs {
  /** Attention heads; must divide the input dimension. */
  heads: number;
  /** Width of the feed-forward network. */
  ffUnits: number;
  /** Longest sequence (positions with an embedding). */
  maxPositions: number;
  name?: string;
  trainable?: boolean;
}

/** The weights in the order the layer creates (and bundles store) them, with their shapes for input width `d`. */
export function transformerWeightShapes(d: number, ffUnits: number, maxPositions: number): Array<[string, number[]]> {
  return [
    ['position_embeddings', [maxPositions, d]],
    ['ln1_gamma', [d]],
    ['ln1_beta', [d]],
    ['query_kernel', [d, d]],
    ['query_bias', [d]],
    ['key_kernel', [d, d]],
    ['key_bias', [d]],
    ['value_kernel', [d, d]],
    ['value_bias', [d]],
    ['output_kernel', [d, d]],
    ['output_bias', [d]],
    ['ln2_gamma', [d]],
    ['ln2_beta', [d]],
    ['ff1_kernel', [d, ffUnits]],
    ['ff1_bias', [ffUnits]],
    ['ff2_kernel', [ffUnits, d]],
    ['ff2_bias', [d]],
  ];
}

const LN_EPSILON = 1e-5;

function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor): Tensor {
  const mu = mean(x, -1, true);
  const centred = sub(x, mu);
  const variance = mean(square(centred), -1, true);
  return add(mul(mul(centred, rsqrt(add(variance, LN_EPSILON))), gamma), beta);
}

/** A small Transformer encoder block with positional embeddings and masked mean pooling. */
export class GlossaTransformer extends layers.Layer {
  static className = 'GlossaTransformer';
  readonly heads: number;
  readonly ffUnits: number;
  readonly maxPositions: number;
  private w: Record<string, LayerVariable> = {};

  constructor(args: GlossaTransformerArgs) {
    super(args);
    this.heads = args.heads;
    this.ffUnits = args.ffUnits;
    this.maxPositions = args.maxPositions;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = shapeOf(inputShape)[2];
    if (typeof d !== 'number') throw new Error('GlossaTransformer: the last input dimension must be known.');
    if (d % this.heads !== 0) throw new Error(`GlossaTransformer: ${this.heads} heads do not divide the width ${d}.`);
    const zeros0 = initializers.zeros();
    for (const [name, shape] of transformerWeightShapes(d, this.ffUnits, this.maxPositions)) {
      this.w[name] = this.addWeight(name, shape, 'float32', zeros0, undefined, true);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, s[2] ?? null];
  }

  override computeMask(): Tensor {
    return null as unknown as Tensor;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      const x = single(inputs) as Tensor3D;
      const rawM = maskOf(kwargs);
      const [batch, time, d] = x.shape;
      if (time > this.maxPositions) {
        throw new Error(`GlossaTransformer: a sequence of ${time} tokens is longer than the ${this.maxPositions} positions the model has.`);
      }
      const v = (name: string): Tensor => this.w[name]!.read();
      const heads = this.heads;
      const dh = d / heads;
      const mask = rawM ? cast(rawM, 'float32') : undefined; // [B, T], 1 = real token
      const x0 = add(x, slice(v('position_embeddings'), [0, 0], [time, d]));
      // Self-attention over LN₁(x₀); [B·T, d] projections split into heads [B, heads, T, dh].
      const h1 = reshape(layerNorm(x0, v('ln1_gamma'), v('ln1_beta')), [batch * time, d]) as Tensor2D;
      const project = (name: string): Tensor =>
        transpose(reshape(add(matMul(h1, v(`${name}_kernel`) as Tensor2D), v(`${name}_bias`)), [batch, time, heads, dh]), [0, 2, 1, 3]);
      const q = project('query');
      const k = project('key');
      const val = project('value');
      let scores = mul(matMul(q, k, false, true), 1 / Math.sqrt(dh)); // [B, heads, T, T]
      if (mask) scores = add(scores, mul(reshape(sub(1, mask), [batch, 1, 1, time]), -1e9));
      const context = transpose(matMul(softmax(scores), val), [0, 2, 1, 3]); // [B, T, heads, dh]
      const attended = add(matMul(reshape(context, [batch * time, d]) as Tensor2D, v('output_kernel') as Tensor2D), v('output_bias'));
      const x1 = add(x0, reshape(attended, [batch, time, d]));
      // Feed-forward over LN₂(x₁).
      const h2 = reshape(layerNorm(x1, v('ln2_gamma'), v('ln2_beta')), [batch * time, d]) as Tensor2D;
      const ff = add(matMul(relu(add(matMul(h2, v('ff1_kernel') as Tensor2D), v('ff1_bias'))) as Tensor2D, v('ff2_kernel') as Tensor2D), v('ff2_bias'));
      const x2 = add(x1, reshape(ff, [batch, time, d]));
      if (!mask) return mean(x2, 1);
      const summed = sum(mul(x2, expandDims(mask, 2)), 1);
      return div(summed, maximum(sum(mask, 1, true), 1));
    });
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ffUnits: this.ffUnits, maxPositions: this.maxPositions };
  }
}
