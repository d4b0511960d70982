/**
 * Id of the padding token. Padded positions of an encoded batch hold this id; Keras reserves index
 * 0 the same way, and an `Embedding` with `maskZero: true` masks it.
 *
 * @example
 * ```ts
 * import { PAD_ID } from '@glossa/text-preprocessing';
 * const mask = Array.from(batch.ids, (id) => (id === PAD_ID ? 0 : 1));
 * ```
 */
export const PAD_ID = 0;

/**
 * Id every out-of-vocabulary token maps to — never `undefined` or `NaN`.
 *
 * @example
 * ```ts
 * import { UNK_ID } from '@glossa/text-preprocessing';
 * vocabulary.idOf('never-seen-before') === UNK_ID; // true
 * ```
 */
export const UNK_ID = 1;

/**
 * The token stored at {@link PAD_ID}.
 *
 * @example
 * ```ts
 * import { PAD_TOKEN } from '@glossa/text-preprocessing';
 * vocabulary.tokenOf(0) === PAD_TOKEN; // true
 * ```
 */
export const PAD_TOKEN = '<pad>';

/**
 * The token stored at {@link UNK_ID}.
 *
 * @example
 * ```ts
 * import { UNK_TOKEN } from '@glossa/text-preprocessing';
 * vocabulary.tokenOf(1) === UNK_TOKEN; // true
 * ```
 */
export const UNK_TOKEN = '<unk>';
