import { availableParallelism } from 'node:os';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatKeyValues } from '../internal/format.js';
import { type BackendCandidate, type BackendChoice, glossaVersions, initBackendFor, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa doctor`. */
export interface DoctorCommandOptions {
  backend?: BackendChoice;
  json?: boolean;
}

function kernelsCell(candidate: BackendCandidate | undefined): string {
  if (candidate === undefined || !candidate.available) return '-';
  if (candidate.missingKernels.length === 0) return 'all present';
  return `missing ${candidate.missingKernels.length}`;
}

/** What the findings add up to. */
export interface DoctorVerdict {
  /** `ready`: fast paths work; `slow`: works on plain JavaScript; `broken`: a job cannot run. */
  status: 'ready' | 'slow' | 'broken';
  message: string;
  /** What to do, most useful first (may be empty). */
  advice: string[];
}

/** Platforms @tensorflow/tfjs-node 4.22 ships native builds for. */
const TFJS_NODE_PLATFORMS = ['linux-x64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

/**
 * The verdict and advice from doctor's findings.
 *
 * @param findings - Backends chosen for train and predict, candidates, platform, cores, Node version.
 * @returns The verdict.
 * @example
 * ```ts
 * doctorVerdict({ train: 'wasm', predict: 'wasm', candidates: [], platform: 'linux-x64', cpus: 2, node: '20.20.2' }).status; // 'ready'
 * ```
 */
export function doctorVerdict(findings: {
  train: string;
  predict: string;
  candidates: readonly BackendCandidate[];
  platform: string;
  cpus: number;
  node: string;
}): DoctorVerdict {
  const advice: string[] = [];
  const native = findings.candidates.find((c) => c.name === 'tensorflow');
  const wasm = findings.candidates.find((c) => c.name === 'wasm');
  const [major = 0, minor = 0] = findings.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) advice.push(`Node ${findings.node} is older than Glossa supports (20.19 or later): upgrade Node.`);
  if (native !== undefined && !native.available && TFJS_NODE_PLATFORMS.includes(findings.platform) && (major === 20 || major === 22)) {
    advice.push(
      'Optional, for native speed: npm install @tensorflow/tfjs-node@4.22.0 (its install downloads libtensorflow, so it needs network access; Glossa uses it automatically when present).',
    );
  }
  if (findings.cpus === 1) advice.push('One CPU: prediction cannot spread over cores here; on a bigger machine glossa predict --threads uses them all.');
  const uses = (backend: string): string =>
    backend === 'tensorflow' ? 'native TensorFlow' : backend === 'wasm' ? 'WebAssembly SIMD' : backend === 'cpu' ? 'plain JavaScript' : backend;
  if (findings.train === 'cpu' || findings.predict === 'cpu') {
    if (wasm !== undefined && !wasm.available)
      advice.unshift(`The WebAssembly backend failed (${wasm.error ?? 'unknown error'}); reinstall glossa, and check that this Node can run WebAssembly SIMD.`);
    else if (wasm !== undefined && wasm.missingKernels.length > 0)
      advice.unshift(`The WebAssembly backend lacks kernels (${wasm.missingKernels.join(', ')}): reinstall glossa so @tensorflow/tfjs-backend-wasm is 4.22.0.`);
    else advice.unshift('A faster backend is available: unset GLOSSA_BACKEND or drop --backend cpu.');
    return {
      status: 'slow',
      message: `works, but slowly: training runs on ${uses(findings.train)} and prediction on ${uses(findings.predict)} (training is 10-20x slower than on WebAssembly)`,
      advice,
    };
  }
  const threads = findings.cpus > 1 ? `; glossa predict spreads over all ${findings.cpus} CPUs with worker threads` : '';
  return {
    status: 'ready',
    message: `ready: training runs on ${uses(findings.train)}, prediction on ${uses(findings.predict)}${threads}`,
    advice,
  };
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
  const command = program.command('doctor').description('check the installation: backends, which one training and prediction use and why, versions');
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
      // Glossa's own kernels (LSTM, GRU, CNN, Adam, matrix product) on the wasm and cpu backends, and which build they run.
      const kernels = { webAssemblySimd: runtime.usesWasmKernels(), relaxedSimd: runtime.usesRelaxedSimd() };
      const verdict = doctorVerdict({ train: train.backend, predict: predict.backend, candidates: forTrain, platform, cpus, node: process.versions.node });

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
            kernels,
            versions,
            platform,
            cpus,
            verdict,
          }),
        );
        return;
      }

      const c = ctx.colors;
      const table = new Table({
        head: ['backend', 'available', 'kernels for train', 'kernels for predict'].map((h) => c.bold(h)),
        style: { head: [], border: [] },
      });
      // Notes in full below the table (a table cell would cut them).
      const notes: string[] = [];
      for (const candidate of forTrain) {
        const forPrediction = forPredict.find((p) => p.name === candidate.name);
        table.push([candidate.name, candidate.available ? c.green('yes') : c.red('no'), kernelsCell(candidate), kernelsCell(forPrediction)]);
        if (candidate.error !== undefined) notes.push(`${candidate.name}: ${candidate.error}`);
        const missing = [...new Set([...candidate.missingKernels, ...(forPrediction?.missingKernels ?? [])])];
        if (candidate.available && missing.length > 0) notes.push(`${candidate.name} lacks ${missing.join(', ')}`);
      }
      ctx.out(c.bold('Backends'));
      ctx.out(table.toString());
      for (const note of notes) ctx.out(`  ${c.dim(note)}`);
      ctx.out(`${c.bold('train')}   → ${c.cyan(train.backend)}`);
      ctx.out(`${c.bold('predict')} → ${c.cyan(predict.backend)}`);
      const kernelBuild = !kernels.webAssemblySimd
        ? 'JavaScript (no WebAssembly SIMD here)'
        : kernels.relaxedSimd
          ? 'WebAssembly SIMD, relaxed (fused multiply-add)'
          : 'WebAssembly SIMD';
      ctx.out(`${c.bold('kernels')} → ${c.cyan(kernelBuild)}`);
      ctx.out(c.bold('Versions'));
      ctx.out(formatKeyValues([...Object.entries(versions), ['platform', `${platform}, ${cpus} CPUs`]], c));
      const paint = verdict.status === 'ready' ? c.green : verdict.status === 'slow' ? c.yellow : c.red;
      ctx.out(`${c.bold('Verdict')}: ${paint(verdict.message)}`);
      for (const line of verdict.advice) ctx.out(`  - ${line}`);
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
