import { availableParallelism } from 'node:os';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatKeyValues, truncate } from '../internal/format.js';
import {
  type BackendCandidate,
  type BackendChoice,
  glossaVersions,
  initBackendFor,
  loadRuntime,
} from '../runtime.js';

/** Parsed options of `glossa doctor`. */
export interface DoctorCommandOptions {
  backend?: BackendChoice;
  json?: boolean;
}

function kernelsCell(candidate: BackendCandidate | undefined): string {
  if (candidate === undefined || !candidate.available) return '-';
  if (candidate.missingKernels.length === 0) return 'all present';
  return truncate(`missing ${candidate.missingKernels.join(', ')}`, 48);
}

/**
 * Registers `glossa doctor`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerDoctorCommand(program, ctx);
 * ```
 */
export function registerDoctorCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('doctor')
    .description('check the installation: backends, which one training and prediction use and why, versions');
  addBackendOption(command);
  command
    .option('--json', 'print the findings as one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa doctor
  $ GLOSSA_BACKEND=cpu glossa doctor --json`,
    )
    .action(async (options: DoctorCommandOptions, cmd: Command) => {
      const verbose = cmd.optsWithGlobals().verbose === true;
      const logger = cliLogger(ctx, verbose);
      const runtime = await loadRuntime();
      const trainKernels = runtime.requiredKernels?.('train') ?? [];
      const predictKernels = runtime.requiredKernels?.('predict') ?? [];
      const forTrain = await runtime.listBackends({ requiredKernels: trainKernels });
      const forPredict = await runtime.listBackends({ requiredKernels: predictKernels });
      const train = await initBackendFor(runtime, 'train', options.backend, logger);
      const predict = await initBackendFor(runtime, 'predict', options.backend, logger);
      const versions: Record<string, string> = {
        node: process.versions.node,
        ...stringEntries(predict.versions),
        ...glossaVersions(runtime),
      };
      const platform = `${process.platform}-${process.arch}`;
      const cpus = availableParallelism();

      if (options.json) {
        ctx.out(
          JSON.stringify({
            backends: forTrain.map((candidate) => ({
              name: candidate.name,
              available: candidate.available,
              missingKernels: {
                train: candidate.missingKernels,
                predict: forPredict.find((c) => c.name === candidate.name)?.missingKernels ?? [],
              },
              ...(candidate.error === undefined ? {} : { error: candidate.error }),
            })),
            train: { backend: train.backend, reason: train.reason },
            predict: { backend: predict.backend, reason: predict.reason },
            versions,
            platform,
            cpus,
          }),
        );
        return;
      }

      const c = ctx.colors;
      const table = new Table({
        head: ['backend', 'available', 'kernels for train', 'kernels for predict', 'note'].map((h) =>
          c.bold(h),
        ),
        style: { head: [], border: [] },
      });
      for (const candidate of forTrain) {
        table.push([
          candidate.name,
          candidate.available ? c.green('yes') : c.red('no'),
          kernelsCell(candidate),
          kernelsCell(forPredict.find((p) => p.name === candidate.name)),
          truncate(candidate.error ?? '', 60),
        ]);
      }
      ctx.out(c.bold('Backends'));
      ctx.out(table.toString());
      ctx.out(`${c.bold('train')}   → ${c.cyan(train.backend)}: ${train.reason}`);
      ctx.out(`${c.bold('predict')} → ${c.cyan(predict.backend)}: ${predict.reason}`);
      ctx.out(c.bold('Versions'));
      ctx.out(
        formatKeyValues(
          [...Object.entries(versions), ['platform', `${platform}, ${cpus} CPUs`]],
          c,
        ),
      );
    });
  return command;
}

function stringEntries(record: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}
