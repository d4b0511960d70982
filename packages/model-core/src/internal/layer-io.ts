/** How Glossa's layers read their inputs: one tensor, an optional mask, the input shape. */
import type { Tensor } from '@tensorflow/tfjs-core';

/** A layer's input shape (`null` for unknown dimensions). */
export type Shape = Array<number | null>;
/** The keyword arguments of a layer's `call`. */
export type Kwargs = Record<string, unknown>;

/** The one input tensor of a layer. */
export function single(inputs: Tensor | Tensor[]): Tensor {
  const t = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!t) throw new Error('Glossa layer: expected one input tensor.');
  return t;
}

/** The mask passed to `call`, if any. */
export function maskOf(kwargs: Kwargs): Tensor | undefined {
  const m = kwargs.mask;
  if (Array.isArray(m)) return m[0] as Tensor | undefined;
  return (m as Tensor | null | undefined) ?? undefined;
}

/** The shape of the (first) input. */
export function shapeOf(inputShape: Shape | Shape[]): Shape {
  const s = Array.isArray(inputShape[0]) || inputShape[0] === undefined ? (inputShape[0] as Shape | undefined) : (inputShape as Shape);
  return (s ?? []) as Shape;
}
