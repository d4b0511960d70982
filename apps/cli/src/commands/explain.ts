import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, cliLogger, collectWarnings, skippedWarning } from '../internal/common-options.js';
import { type CliContext, isTty } from '../internal/context.js';
import { checkCopiedFields } from '../internal/predict-output.js';
import {
  type RecordInputOptions,
  addRecordInputOptions,
  predictFormat,
  readInputItems,
  readsStdin,
  recordPolicy,
  unlabelledWarning,
} from '../internal/record-input.js';
import { createStreamWriter } from '../internal/stream-writer.js';
import { type BackendChoice, type RuntimeApi, initBackendFor, loadClassifier, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa explain`. */
export interface ExplainCommandOptions extends RecordInputOptions {
  label?: string;
  backend?: BackendChoice;
  json?: boolean;
  input?: string;
  onBadRow: 'fail' | 'skip';
  aligned?: boolean;
  keep?: string[];
}

/** An attribution as `glossa explain` receives it from the classifier. */
export interface ExplainedToken {
  token: string;
  score: number;
}

/**
 * Renders tokens coloured by attribution for a terminal: green supports the label, red opposes it,
 * brighter for larger scores; each token is followed by its score so the output reads without colour too.
 *
 * @param tokens - Tokens with scores.
 * @param colors - picocolors instance of the target stream.
 * @returns One line of text.
 * @example
 * ```ts
 * formatAttributions([{ token: 'great', score: 0.4 }], ctx.colors); // "great(+0.40)" in green
 * ```
 */
export function formatAttributions(tokens: readonly ExplainedToken[], colors: CliContext['colors']): string {
  const largest = Math.max(1e-9, ...tokens.map((t) => Math.abs(t.score)));
  return tokens
    .map((t) => {
      const text = `${t.token}(${t.score >= 0 ? '+' : ''}${t.score.toFixed(2)})`;
      const strong = Math.abs(t.score) >= largest / 2;
      if (Math.abs(t.score) < largest / 10) return colors.dim(text);
      const coloured = t.score > 0 ? colors.green(text) : colors.red(text);
      return strong ? colors.bold(coloured) : coloured;
    })
    .join(' ');
}

/**
 * Registers `glossa explain <bundle> <text...>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerExplainCommand(program, ctx);
 * ```
 */
export function registerExplainCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('explain')
    .description('show which tokens drive a prediction (occlusion: each token removed in turn); with --input or stdin, one JSON line per record')
    .argument('<bundle>', 'bundle directory or .glossa file')
    .argument('[text...]', 'the text to explain (several words are joined with spaces); without it, texts come from --input or stdin')
    .option('--label <label>', 'explain this label instead of the predicted one');
  addBackendOption(command);
  addRecordInputOptions(command);
  command
    .option('--json', 'print { text, label, scores, tokens: [{ token, score }], method } on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa explain ./sentiment-model "the acting was wooden but the music was wonderful"
  $ glossa explain ./sentiment-model "meh" --label positive --json
  $ glossa explain ./sentiment-model --input tickets.csv --id-column ticket_id > explanations.jsonl
  $ glossa explain ./sentiment-model --input reviews.parquet --text-column body --id-column review_id > explanations.jsonl`,
    )
    .action(async (bundle: string, words: string[], options: ExplainCommandOptions, cmd: Command) => {
      const verbose = cmd.optsWithGlobals().verbose === true;
      if (words.length > 0 && options.input !== undefined) throw new CliError('USAGE', 'give the text as arguments or --input <file>, not both');
      const copied = checkCopiedFields([...(options.idColumn !== undefined ? [options.idColumn] : []), ...(options.keep ?? [])]);
      const runtime = await loadRuntime();
      await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
      const classifier = await loadClassifier(runtime, bundle);
      try {
        if (words.length === 0) {
          await explainRecords(ctx, runtime, classifier, options, copied);
          return;
        }
        const text = words.join(' ');
        const explanation = await classifier.explain(text, options.label === undefined ? {} : { label: options.label });
        if (options.json) {
          ctx.out(JSON.stringify({ text, ...explanation }));
          return;
        }
        const c = ctx.colors;
        const scores = Object.entries(explanation.scores)
          .map(([label, p]) => `${label} ${p.toFixed(4)}`)
          .join(', ');
        ctx.out(`${c.bold(explanation.label)}  (${scores})`);
        ctx.out(explanation.tokens.length > 0 ? formatAttributions(explanation.tokens, c) : c.dim('(no tokens the model knows how to read)'));
        ctx.out(c.dim(`score = drop in P(${explanation.label}) when the token is removed; + supports, − opposes`));
      } finally {
        classifier.dispose();
      }
    });
  return command;
}

/**
 * Explains every record of `--input` (or stdin), one JSON line each, under the pipe contract of
 * `glossa predict`: in input order, a blank or bad record as `{line, error}` in its place when aligned.
 */
async function explainRecords(
  ctx: CliContext,
  runtime: RuntimeApi,
  classifier: Awaited<ReturnType<typeof loadClassifier>>,
  options: ExplainCommandOptions,
  copied: readonly string[],
): Promise<void> {
  const fromStdin = await readsStdin(options.input);
  const inputName = fromStdin ? 'stdin' : options.input!;
  const input = fromStdin ? (ctx.io.stdin as Readable) : options.input!;
  if (fromStdin && isTty(ctx.io.stdin)) ctx.err(ctx.errColors.dim('reading texts from the terminal, one per line; end with Ctrl-D'));
  const aligned = options.aligned === true || !isTty(ctx.io.stdout);
  const format = predictFormat(fromStdin ? undefined : options.input, options.format);
  const policy = recordPolicy(aligned, options.onBadRow, format === 'lines');
  const out = createStreamWriter(ctx.io.stdout);
  const warnings = collectWarnings();
  try {
    for await (const item of readInputItems(runtime, input, inputName, options, copied, warnings.onWarning)) {
      if (!policy.admit(item)) continue;
      const kept = item.kept ?? {};
      const line =
        item.error !== undefined
          ? { ...kept, line: item.line, error: item.error }
          : { ...kept, text: item.text, ...(await classifier.explain(item.text ?? '', options.label === undefined ? {} : { label: options.label })) };
      if (!(await out.write(`${JSON.stringify(line)}\n`))) break;
    }
    if (policy.skipped > 0) ctx.warn(skippedWarning(inputName, policy.skipped, [...policy.problems], format));
    warnings.report(ctx, inputName);
    const warning = unlabelledWarning(inputName, policy);
    if (warning !== undefined) ctx.warn(warning);
  } finally {
    out.dispose();
    if (out.closed && fromStdin) ctx.io.stdin.pause();
  }
}
