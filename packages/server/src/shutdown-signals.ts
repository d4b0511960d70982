import { DEFAULT_SERVE_LISTEN } from './options.js';

/** Options of {@link watchShutdownSignals}. */
export interface ShutdownSignalsOptions {
  /** The signals that ask for a shutdown (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[];
  /** After the first signal, exit 1 if the process is still running this many milliseconds later (default 10,000). */
  timeoutMs?: number;
  /** Told about each signal: `again` is true for a second one, after which the process exits at once. */
  onSignal?(signal: NodeJS.Signals, again: boolean): void;
  /** Told just before the process exits 1 because the shutdown took longer than `timeoutMs`. */
  onTimeout?(timeoutMs: number): void;
}

/** What {@link watchShutdownSignals} returns. */
export interface ShutdownSignals {
  /** The first signal received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  /** Resolves with the first signal. */
  readonly received: Promise<NodeJS.Signals>;
  /** Stops watching: removes the listeners and the shutdown deadline (call once the shutdown is done). */
  dispose(): void;
}

/**
 * Turns SIGTERM/SIGINT into a graceful shutdown: the first signal resolves `received` (close your server
 * then) and starts a deadline after which the process exits 1; a second signal exits at once (130 for
 * SIGINT, 1 otherwise). Install it early, so a signal while the model loads also ends cleanly.
 *
 * @param options - Signals, deadline and callbacks for messages.
 * @returns The watcher.
 * @throws Never.
 * @example
 * ```ts
 * const signals = watchShutdownSignals({ onSignal: (signal) => console.error(`${signal}: shutting down`) });
 * await signals.received;
 * await server.close();
 * signals.dispose();
 * ```
 */
export function watchShutdownSignals(options: ShutdownSignalsOptions = {}): ShutdownSignals {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? DEFAULT_SERVE_LISTEN.shutdownTimeoutMs;
  let first: NodeJS.Signals | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let wake: ((signal: NodeJS.Signals) => void) | undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      options.onSignal?.(signal, true);
      process.exit(signal === 'SIGINT' ? 130 : 1);
    }
    first = signal;
    options.onSignal?.(signal, false);
    deadline = setTimeout(() => {
      options.onTimeout?.(timeoutMs);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    wake?.(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    get signal() {
      return first;
    },
    received,
    dispose() {
      if (deadline !== undefined) clearTimeout(deadline);
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
