/**
 * The clipping epsilon Keras uses (`keras.backend.epsilon()`), applied to probabilities before taking
 * logarithms: predictions are clipped into `[1e-7, 1 − 1e-7]`.
 *
 * @example
 * ```ts
 * import { DEFAULT_EPSILON } from '@glossa/math';
 *
 * DEFAULT_EPSILON; // 1e-7
 * ```
 */
export const DEFAULT_EPSILON = 1e-7;

/**
 * Options shared by the crossentropy losses and their gradients.
 *
 * @example
 * ```ts
 * import { type CrossentropyOptions, binaryCrossentropy } from '@glossa/math';
 *
 * const options: CrossentropyOptions = { fromLogits: true };
 * binaryCrossentropy([1, 0], [3.2, -1.5], options);
 * ```
 */
export interface CrossentropyOptions {
  /**
   * When true, `yPred` holds logits (pre-sigmoid / pre-softmax values) and the loss is computed from them
   * with the stable log-sum-exp form, no clipping; the gradient is then with respect to the logits.
   * Default false: `yPred` holds probabilities, clipped by `epsilon`.
   */
  fromLogits?: boolean;
  /** Clipping epsilon for probabilities, in [0, 0.5). Default {@link DEFAULT_EPSILON} (1e-7, as Keras). */
  epsilon?: number;
}
