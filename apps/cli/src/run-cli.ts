import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { registerAnalyzeCommand } from './commands/analyze.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEvaluateCommand } from './commands/evaluate.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerInfoCommand } from './commands/info.js';
import { registerPredictCommand } from './commands/predict.js';
import { registerQuantizeCommand } from './commands/quantize.js';
import { registerQuickstartCommand } from './commands/quickstart.js';
import { registerQueueCommand } from './commands/queue.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTrainCommand } from './commands/train.js';
import { type CliContext, type CliIo, createContext } from './internal/context.js';
import { cliVersion } from './internal/version.js';

export type { CliIo } from './internal/context.js';

const EXAMPLES = `
Examples:
  $ glossa quickstart                                   # spam filter on a bundled mail corpus
  $ glossa train reviews.csv --out ./model              # columns "text" and "label"
  $ glossa evaluate ./model test.csv
  $ glossa predict ./model "loved it" "waste of money"
  $ cat texts.jsonl | glossa predict ./model > scores.jsonl
  $ glossa serve ./model --port 8080                    # HTTP JSON API on 127.0.0.1
  $ glossa quantize ./model --out ./model-int8          # about 4× smaller
  $ glossa info ./model
  $ glossa doctor

Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.
Run "glossa <command> --help" for a command's options.`;

/** Help text with every example and hint spelled as the user runs glossa (`npx glossa …` under npx). */
function spellBin(text: string, bin: string): string {
  return bin === 'glossa' ? text : text.replace(/(^|[$|] |Run ")glossa(?= )/gm, `$1${bin}`);
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command(ctx.bin)
    .description('Train, evaluate and run neural text classifiers from the command line.')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print details and stack traces')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        ctx.io.stdout.write(spellBin(text, ctx.bin));
      },
      writeErr: (text) => {
        ctx.io.stderr.write(spellBin(text, ctx.bin));
      },
      outputError: () => {
        // runCli prints errors itself, as one line.
      },
    })
    .addHelpText('after', EXAMPLES);
  registerQuickstartCommand(program, ctx);
  registerTrainCommand(program, ctx);
  registerEvaluateCommand(program, ctx);
  registerPredictCommand(program, ctx);
  registerExplainCommand(program, ctx);
  registerAnalyzeCommand(program, ctx);
  registerServeCommand(program, ctx);
  registerQueueCommand(program, ctx);
  registerQuantizeCommand(program, ctx);
  registerInfoCommand(program, ctx);
  registerDoctorCommand(program, ctx);
  return program;
}

/** How an error ends the run. */
interface Failure {
  exitCode: number;
  message?: string;
}

function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length <= 1) return lines[0] ?? '';
  return `${lines[0]} (+${lines.length - 1} more line${lines.length === 2 ? '' : 's'}; use --verbose)`;
}

function classify(error: unknown): Failure {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || (error.code === 'commander.help' && error.exitCode === 0)) {
      return { exitCode: 0 };
    }
    if (error.code === 'commander.help') return { exitCode: 2 }; // no command: help went to stderr
    // Commander's suggestion ("(Did you mean train?)") comes on a second line: keep it on one.
    const message = error.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ');
    return { exitCode: 2, message };
  }
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ABORTED') return { exitCode: 130, message: 'interrupted' };
    let message = error.message;
    const located = error as { file?: unknown; line?: unknown };
    if (error.name === 'DataError' && typeof located.file === 'string' && !message.includes(located.file)) {
      const line = typeof located.line === 'number' && located.line > 0 ? `:${located.line}` : '';
      message = `${located.file}${line}: ${message}`;
    }
    return { exitCode: 1, message };
  }
  return { exitCode: 1, message: String(error) };
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`);
      current = current.cause;
    } else {
      parts.push(`caused by: ${String(current)}`);
      current = undefined;
    }
  }
  return parts.join('\n');
}

/**
 * Runs the `glossa` command line and resolves to the exit code; never calls `process.exit`
 * (except on a second Ctrl-C during training). All output goes to `io`.
 *
 * @param argv - Arguments after the executable and script, e.g. `['train', 'data.csv', '--out', 'model']`.
 * @param io - Streams (default: the process's stdout, stderr and stdin).
 * @returns 0 on success, 1 on failure, 2 on a usage error, 130 when interrupted.
 * @throws Never: every failure is printed as one `glossa: …` line on `io.stderr` and becomes the exit code.
 * @example
 * ```ts
 * const code = await runCli(['predict', './model', 'what a great film']);
 * ```
 */
export async function runCli(argv: readonly string[], io?: Partial<CliIo>): Promise<number> {
  const ctx = createContext({
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    stdin: io?.stdin ?? process.stdin,
  });
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const failure = classify(error);
    if (failure.message !== undefined) {
      ctx.err(`${ctx.errColors.red('glossa:')} ${oneLine(failure.message)}`);
      const verbose = argv.includes('--verbose');
      if (verbose && !(error instanceof CommanderError)) ctx.err(ctx.errColors.dim(stackOf(error)));
    }
    return failure.exitCode;
  }
}
