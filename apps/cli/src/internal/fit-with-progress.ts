import type { FitOptions, FitResult, LabeledText, TextClassifier, TrainingEvent } from '../runtime.js';
import type { CliContext } from './context.js';
import { withInterrupt } from './interrupt.js';
import { createTrainingProgress } from './progress.js';

/** What {@link fitWithProgress} returns. */
export interface FitOutcome {
  /** The fit result. */
  result: FitResult;
  /** The `start` event (training/validation sizes, labels), when one was emitted. */
  start?: Extract<TrainingEvent, { type: 'start' }>;
}

/**
 * Trains a classifier while showing progress on stderr and honouring Ctrl-C.
 *
 * @param ctx - CLI context.
 * @param classifier - An untrained classifier.
 * @param examples - Training data.
 * @param options - Fit options (without `onProgress` / `signal`, which this adds; `onCheckpoint` and
 *   `resumeFrom` pass through).
 * @param hooks - `abortMessage`: the message of the ABORTED error on Ctrl-C (e.g. where the checkpoint is).
 * @returns The fit result and the start event.
 * @throws {CliError} ABORTED on Ctrl-C; whatever `fit` throws otherwise.
 * @example
 * ```ts
 * const { result } = await fitWithProgress(ctx, classifier, records, { epochs: 3 });
 * ```
 */
export async function fitWithProgress(
  ctx: CliContext,
  classifier: TextClassifier,
  examples: readonly LabeledText[],
  options: Omit<FitOptions, 'onProgress' | 'signal'>,
  hooks: { abortMessage?: () => string } = {},
): Promise<FitOutcome> {
  const progress = createTrainingProgress({
    stream: ctx.io.stderr,
    tty: ctx.stderrIsTty,
    colors: ctx.errColors,
  });
  let start: Extract<TrainingEvent, { type: 'start' }> | undefined;
  try {
    const result = await withInterrupt(
      ctx,
      'training',
      (signal) =>
        classifier.fit(examples, {
          ...options,
          signal,
          onProgress: (event) => {
            if (event.type === 'start') start = event;
            progress.handle(event);
          },
        }),
      hooks,
    );
    return start === undefined ? { result } : { result, start };
  } finally {
    progress.stop();
  }
}
