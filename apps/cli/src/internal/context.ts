import pc from 'picocolors';

/** Colour functions (identity when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * The streams the CLI talks to. `runCli` defaults them to the process's own.
 *
 * @example
 * ```ts
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
 * ```
 */
export interface CliIo {
  /** Results: JSON, JSONL or the human report. */
  stdout: NodeJS.WritableStream;
  /** Progress, warnings and errors. */
  stderr: NodeJS.WritableStream;
  /** Texts for `glossa predict` when none are given. */
  stdin: NodeJS.ReadableStream;
}

/** What every command receives. */
export interface CliContext {
  /** The streams. */
  io: CliIo;
  /** Whether stderr is an interactive terminal (progress bars, colours). */
  stderrIsTty: boolean;
  /** Whether stdout is an interactive terminal (colours). */
  stdoutIsTty: boolean;
  /** Colours for stdout. */
  colors: Colors;
  /** Colours for stderr. */
  errColors: Colors;
  /** Writes a line (newline added) to stdout. */
  out(line: string): void;
  /** Writes a line (newline added) to stderr. */
  err(line: string): void;
  /** Writes a warning line to stderr. */
  warn(message: string): void;
  /** How the user runs glossa here (`glossa`, `npx glossa`, `pnpm exec glossa`): hints and help spell commands so. */
  bin: string;
}

/**
 * How glossa was invoked, so the commands the CLI suggests can be pasted as they are: `npx glossa` under
 * npx / `npm exec`, `pnpm exec glossa` under pnpm exec, `pnpm glossa` from the repository's script, else `glossa`.
 *
 * @param env - The environment npm or pnpm set for the process.
 * @returns The command prefix.
 * @example
 * ```ts
 * invokedAs({ npm_lifecycle_event: 'npx', npm_command: 'exec' }); // 'npx glossa'
 * ```
 */
export function invokedAs(env: NodeJS.ProcessEnv): string {
  const pnpm = (env.npm_config_user_agent ?? '').startsWith('pnpm/');
  // npx names the command it runs; a glossa started by another npx'd tool (npx vitest) is not "npx glossa".
  if (env.npm_lifecycle_event === 'npx') return /^'?glossa\b/.test(env.npm_lifecycle_script ?? '') ? 'npx glossa' : 'glossa';
  if (pnpm && env.npm_lifecycle_event === 'glossa') return 'pnpm glossa';
  // pnpm exec does not say which binary it ran; a child of `pnpm exec <other tool>` has PNPM_SCRIPT_SRC_DIR too, so no better.
  if (pnpm && env.npm_command === 'exec') return 'pnpm exec glossa';
  return 'glossa';
}

/**
 * Whether a stream is an interactive terminal.
 *
 * @param stream - Any stream.
 * @returns True for TTY streams.
 * @example
 * ```ts
 * isTty(process.stderr);
 * ```
 */
export function isTty(stream: unknown): boolean {
  return typeof stream === 'object' && stream !== null && 'isTTY' in stream && (stream as { isTTY?: unknown }).isTTY === true;
}

function colorsFor(stream: unknown, env: NodeJS.ProcessEnv): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const disabled = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return pc.createColors(!disabled && (forced || isTty(stream)));
}

/**
 * Builds the per-run context from the streams.
 *
 * @param io - The streams.
 * @param env - Environment (for NO_COLOR / FORCE_COLOR).
 * @returns The context.
 * @example
 * ```ts
 * const ctx = createContext({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
 * ```
 */
export function createContext(io: CliIo, env: NodeJS.ProcessEnv = process.env): CliContext {
  const errColors = colorsFor(io.stderr, env);
  return {
    io,
    stderrIsTty: isTty(io.stderr),
    stdoutIsTty: isTty(io.stdout),
    colors: colorsFor(io.stdout, env),
    errColors,
    out: (line) => {
      io.stdout.write(`${line}\n`);
    },
    err: (line) => {
      io.stderr.write(`${line}\n`);
    },
    warn: (message) => {
      io.stderr.write(`${errColors.yellow('warning:')} ${message}\n`);
    },
    bin: invokedAs(env),
  };
}
