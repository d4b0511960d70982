import { CliError } from '../cli-error.js';
import type { CliContext } from './context.js';

/**
 * Runs `task` with an AbortSignal that the first Ctrl-C (SIGINT) aborts; a second Ctrl-C exits at
 * once with code 130. When the task fails after an abort, the failure becomes an ABORTED
 * {@link CliError} (exit 130).
 *
 * @param ctx - CLI context (for the message).
 * @param what - What is interrupted, e.g. `training`.
 * @param task - Work that honours the signal.
 * @param options - `abortMessage`: the ABORTED error's message (default "`what` interrupted; nothing was
 *   saved"), e.g. to say where a checkpoint was written.
 * @returns The task's result.
 * @throws {CliError} ABORTED when interrupted; the task's own errors otherwise.
 * @example
 * ```ts
 * await withInterrupt(ctx, 'training', (signal) => classifier.fit(data, { signal }));
 * ```
 */
export async function withInterrupt<T>(
  ctx: CliContext,
  what: string,
  task: (signal: AbortSignal) => Promise<T>,
  options: { abortMessage?: () => string } = {},
): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    ctx.err(`\ninterrupted: stopping ${what} after the current batch (Ctrl-C again to quit now)`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await task(controller.signal);
  } catch (error) {
    if (controller.signal.aborted || isAbortError(error)) {
      throw new CliError('ABORTED', options.abortMessage?.() ?? `${what} interrupted; nothing was saved`, { cause: error });
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'ABORTED' || error.name === 'AbortError';
}
