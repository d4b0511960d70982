/** What a backend is needed for. */
export type Job = 'train' | 'predict';

// Kernels dispatched by Glossa's architectures, measured with tf.profile on the cpu backend
// (required-kernels.test.ts re-measures them and fails if a kernel is missing from these lists).
const PREDICT: readonly string[] = [
  'Add',
  'BatchMatMul',
  'Cast',
  'Concat',
  'Equal',
  'ExpandDims',
  'GatherV2',
  'Identity',
  'LogicalOr',
  'Max',
  'Mean',
  'Maximum',
  'Multiply',
  'NotEqual',
  'OnesLike',
  'Range',
  'RealDiv',
  'Relu',
  'Reshape',
  'Reverse',
  'Rsqrt',
  'Sigmoid',
  'Slice',
  'Softmax',
  'SplitV',
  'Square',
  'Sub',
  'Sum',
  'Tanh',
  'Tile',
  'Transpose',
  'Unpack',
  '_FusedMatMul',
];
const TRAIN: readonly string[] = [
  'ArgMax',
  'ClipByValue',
  'Greater',
  'GreaterEqual',
  'LessEqual',
  'Log',
  'LogicalAnd',
  'Neg',
  'OneHot',
  'Pack',
  'PadV2',
  'Pow',
  'Select',
  'Sqrt',
  'Square',
  'Step',
  'ZerosLike',
];

/**
 * The tfjs kernel names a backend must have to run Glossa's models for `job` (every architecture).
 * The runtimes use it to choose a backend that can do the job.
 *
 * @param job - `train` or `predict`.
 * @returns Kernel names, sorted.
 * @example
 * ```ts
 * const missing = requiredKernels('train').filter((k) => !getKernel(k, 'wasm'));
 * ```
 */
export function requiredKernels(job: Job): string[] {
  return [...new Set(job === 'train' ? [...PREDICT, ...TRAIN] : PREDICT)].sort();
}
