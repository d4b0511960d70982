import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, addPredictBatchOption, cliLogger } from '../internal/common-options.js';
import { type CliContext, isTty } from '../internal/context.js';
import { createStreamWriter } from '../internal/stream-writer.js';
import { readTextLines } from '../internal/text-lines.js';
import { type BackendChoice, initBackendFor, loadClassifier, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa predict`. */
export interface PredictCommandOptions {
  input?: string;
  batchSize: number;
  backend?: BackendChoice;
}

/**
 * Serialises one prediction as a JSONL line.
 *
 * @param text - The input text.
 * @param label - Predicted label.
 * @param scores - Label → probability.
 * @returns `{"text":…,"label":…,"scores":{…}}` plus a newline.
 * @example
 * ```ts
 * predictionLine('nice', 'pos', { neg: 0.1, pos: 0.9 });
 * ```
 */
export function predictionLine(text: string, label: string, scores: Record<string, number>): string {
  return `${JSON.stringify({ text, label, scores })}\n`;
}

/**
 * Registers `glossa predict <bundle> [texts...]`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerPredictCommand(program, ctx);
 * ```
 */
export function registerPredictCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('predict')
    .description(
      'label texts with a bundle; writes JSONL {"text","label","scores"} to stdout, streaming',
    )
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('[texts...]', 'texts to label (default: read --input or stdin, one per line)')
    .option(
      '-i, --input <file>',
      'read texts from a file: one per line, or JSONL with a "text" field (detected per line)',
    );
  addPredictBatchOption(command, 256);
  addBackendOption(command);
  command
    .addHelpText(
      'after',
      `
Examples:
  $ glossa predict ./sentiment-model "what a great film" "utterly boring"
  $ glossa predict ./sentiment-model --input reviews.txt > predictions.jsonl
  $ cat reviews.jsonl | glossa predict model.glossa | head -n 5`,
    )
    .action(async (bundle: string, texts: string[], options: PredictCommandOptions, cmd: Command) => {
      await runPredict(ctx, bundle, texts, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runPredict(
  ctx: CliContext,
  bundlePath: string,
  texts: string[],
  options: PredictCommandOptions,
  verbose: boolean,
): Promise<void> {
  if (texts.length > 0 && options.input !== undefined) {
    throw new CliError('USAGE', 'give texts as arguments or --input <file>, not both');
  }
  if (options.input !== undefined) {
    try {
      await access(options.input);
    } catch {
      throw new CliError('RUNTIME', `input file not found: ${options.input}`);
    }
  }
  const runtime = await loadRuntime();
  await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  const classifier = await loadClassifier(runtime, bundlePath);
  const out = createStreamWriter(ctx.io.stdout);
  let source: AsyncIterable<string> | Iterable<string>;
  let input: NodeJS.ReadableStream | undefined;
  if (texts.length > 0) {
    source = texts;
  } else if (options.input !== undefined) {
    input = createReadStream(options.input);
    source = readTextLines(input, options.input);
  } else {
    input = ctx.io.stdin;
    if (isTty(input)) {
      ctx.err(ctx.errColors.dim('reading texts from the terminal, one per line; end with Ctrl-D'));
    }
    source = readTextLines(input, 'stdin');
  }

  let count = 0;
  const started = performance.now();
  const flush = async (chunk: string[]): Promise<boolean> => {
    const predictions = await classifier.predict(chunk, { batchSize: options.batchSize });
    let lines = '';
    predictions.forEach((prediction, i) => {
      lines += predictionLine(chunk[i] ?? '', prediction.label, prediction.scores);
    });
    count += chunk.length;
    return out.write(lines);
  };

  try {
    let chunk: string[] = [];
    let open = true;
    for await (const text of source) {
      chunk.push(text);
      if (chunk.length >= options.batchSize) {
        open = await flush(chunk);
        chunk = [];
        if (!open) break;
      }
    }
    if (open && chunk.length > 0) await flush(chunk);
    if (verbose) {
      const seconds = (performance.now() - started) / 1000;
      ctx.err(`predicted ${count} texts in ${seconds.toFixed(2)}s`);
    }
  } finally {
    out.dispose();
    classifier.dispose();
    if (input !== undefined && input !== ctx.io.stdin && 'destroy' in input) {
      (input as NodeJS.ReadableStream & { destroy(): void }).destroy();
    }
    if (out.closed && input === ctx.io.stdin) input.pause();
  }
}
