import type { Command } from 'commander';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { type BackendChoice, initBackendFor, loadClassifier, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa explain`. */
export interface ExplainCommandOptions {
  label?: string;
  backend?: BackendChoice;
  json?: boolean;
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
    .description('show which tokens drive a prediction (occlusion: each token removed in turn)')
    .argument('<bundle>', 'bundle directory or .glossa file')
    .argument('<text...>', 'the text to explain (several words are joined with spaces)')
    .option('--label <label>', 'explain this label instead of the predicted one');
  addBackendOption(command);
  command
    .option('--json', 'print { text, label, scores, tokens: [{ token, score }], method } on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa explain ./sentiment-model "the acting was wooden but the music was wonderful"
  $ glossa explain ./sentiment-model "meh" --label positive --json`,
    )
    .action(async (bundle: string, words: string[], options: ExplainCommandOptions, cmd: Command) => {
      const verbose = cmd.optsWithGlobals().verbose === true;
      const runtime = await loadRuntime();
      await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
      const classifier = await loadClassifier(runtime, bundle);
      try {
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
