import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_CORE_VERSION } from '@glossa/node-runtime';
import { version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { BenchError } from './bench-error.js';
import { computeRatios } from './compute-ratios.js';
import { countTrainTokens, trainTokensPerSecond } from './count-train-tokens.js';
import { emptyMeasurement, readExamples } from './internal/child-utils.js';
import { machineInfo } from './machine-info.js';
import type { BenchOptions } from './parse-bench-args.js';
import { prepareDataset } from './prepare-dataset.js';
import { renderMarkdown } from './render-markdown.js';
import { defaultPeerSystems, runPeers } from './run-peers.js';
import { type BenchModelSettings, type BenchReport, type BenchSystem, type ChildTask, type Measurement, STOCK_ARCHITECTURES } from './types.js';

/** Options of {@link runBench}: the parsed command line plus how to run. */
export interface RunBenchOptions extends BenchOptions {
  /** The command line as typed (recorded in the report). */
  argv: readonly string[];
  /** The built child entry (`dist/child.js`); found next to this module or in `../dist` by default. */
  childScript?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link runBench} produced. */
export interface BenchRun {
  /** The whole report (also written as JSON). */
  report: BenchReport;
  /** `<out>/<timestamp>-<machine>.json`. */
  jsonPath: string;
  /** `<out>/latest.md`. */
  markdownPath: string;
  /** The Markdown written to `latest.md`. */
  markdown: string;
}

/** Glossa's defaults (model-core's `DEFAULT_CLASSIFIER_OPTIONS`, batch 64, prediction batches of 256). */
// The PyTorch twins' settings (../shared/peers/torch_lstm.py: hidden 64, CNN filters 128, kernel 5).
const MODEL_DEFAULTS = { vocabSize: 20_000, maxLength: 100, batchSize: 64, embeddingDim: 64, units: 64, cnnFilters: 128, predictBatchSize: 256 } as const;

function findChildScript(explicit: string | undefined): string {
  const candidates =
    explicit !== undefined ? [explicit] : [fileURLToPath(new URL('./child.js', import.meta.url)), fileURLToPath(new URL('../dist/child.js', import.meta.url))];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new BenchError(
      'CHILD_NOT_BUILT',
      `runBench: the child entry is not built (looked for ${candidates.join(', ')}). Run \`pnpm --filter @glossa/bench build\` first.`,
    );
  }
  return found;
}

function gitInfo(cwd: string): { gitCommit: string | null; gitDirty: boolean | null } {
  try {
    const gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'bench'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { gitCommit, gitDirty: status.trim() !== '' };
  } catch {
    return { gitCommit: null, gitDirty: null };
  }
}

function failedMeasurement(task: ChildTask, reason: string): Measurement {
  return { ...emptyMeasurement(task, 0), status: 'failed', reason };
}

/** Runs one configuration in a fresh Node process and reads its result file. */
async function runChild(childScript: string, task: ChildTask, timeoutMinutes: number, log: (line: string) => void): Promise<Measurement> {
  const taskPath = `${task.resultPath}.task.json`;
  await writeFile(taskPath, JSON.stringify(task));
  const tail: string[] = [];
  const exit = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
    const child = spawn(process.execPath, [childScript, taskPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMinutes * 60_000);
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        log(line);
        tail.push(line);
        if (tail.length > 5) tail.shift();
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut });
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: -1, timedOut });
    });
  });
  if (exit.timedOut) return failedMeasurement(task, `killed after ${timeoutMinutes} min (--child-timeout-min)`);
  try {
    return JSON.parse(await readFile(task.resultPath, 'utf8')) as Measurement;
  } catch {
    return failedMeasurement(task, `child exited with code ${exit.code} without a result: ${tail.join(' | ')}`);
  }
}

function timestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * Runs the whole benchmark: prepares the data (CSV files every system reads) and counts its training
 * tokens once; then, for each training thread count, measures every architecture × backend for Glossa —
 * each in a fresh child process, training on that many threads — and runs the PyTorch peers with as many
 * threads (stock tfjs, fastText and scikit-learn once, at their own thread counts); computes tokens/s and
 * the ratios at equal threads, and writes `<out>/<timestamp>-<machine>.json` and `<out>/latest.md`.
 *
 * @param options - see {@link RunBenchOptions}
 * @returns the report and where it was written
 * @throws {@link BenchError} `CHILD_NOT_BUILT` when `dist/child.js` is missing, `DATA_NOT_FOUND` for missing data
 * @example
 * ```ts
 * const { report, markdown } = await runBench({ ...parsedOptions, argv: process.argv.slice(2) });
 * process.stdout.write(markdown);
 * ```
 */
export async function runBench(options: RunBenchOptions): Promise<BenchRun> {
  const log = options.log ?? ((): void => undefined);
  const childScript = findChildScript(options.childScript);
  const started = new Date();
  const machine = machineInfo();
  const git = gitInfo(fileURLToPath(new URL('.', import.meta.url)));
  const workDir = join(options.outDir, `.work-${timestamp(started)}`);
  await mkdir(workDir, { recursive: true });
  try {
    const data = await prepareDataset({
      workDir,
      seed: options.seed,
      dataset: options.dataset,
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.trainSize !== undefined ? { trainSize: options.trainSize } : {}),
      ...(options.testSize !== undefined ? { testSize: options.testSize } : {}),
    });
    log(`data: ${data.source}: ${data.trainSize} train / ${data.testSize} test → ${workDir}`);
    const settings: BenchModelSettings = { ...MODEL_DEFAULTS, seed: options.seed, epochs: options.epochs };
    // Tokens per epoch, counted once over the CSV every system reads, so every tokens/s figure is comparable.
    const trainTokens = countTrainTokens(
      (await readExamples(data.trainPath)).map((e) => e.text),
      settings.maxLength,
    );
    log(
      `tokens per epoch: ${trainTokens.tokens} read (cut at ${trainTokens.maxLength}; ${trainTokens.truncatedTexts} of ${trainTokens.texts} texts cut), ${trainTokens.untruncatedTokens} uncut`,
    );
    const systems: BenchSystem[] = options.stock ? ['glossa', 'stock'] : ['glossa'];
    const peerSystems = options.peerSystems ?? defaultPeerSystems(options.architectures);
    const results: Measurement[] = [];
    let peers: BenchReport['peers'] = [];
    let peersSkipped: string | undefined;
    for (const [round, threads] of options.threads.entries()) {
      log(`== training on ${threads} thread${threads === 1 ? '' : 's'}`);
      for (const architecture of options.architectures) {
        for (const backend of options.backends) {
          for (const system of systems) {
            // Stock tfjs-layers has no data-parallel training: it runs once, on one thread, in the first round.
            if (system === 'stock' && round > 0) continue;
            if (system === 'stock' && !STOCK_ARCHITECTURES.includes(architecture)) {
              log(`stock tfjs: no ${architecture} twin in tfjs-layers; skipped`);
              continue;
            }
            const taskThreads = system === 'stock' ? 1 : threads;
            const name = `${system}-${architecture}-${backend}-t${taskThreads}`;
            const task: ChildTask = {
              system,
              architecture,
              backend,
              trainPath: data.trainPath,
              testPath: data.testPath,
              settings,
              stockBudget: options.stockBudget,
              threads: taskThreads,
              relaxedSimd: options.relaxedSimd,
              workDir,
              resultPath: join(workDir, `${name}.result.json`),
            };
            log(`== ${name}`);
            const result = await runChild(childScript, task, options.childTimeoutMinutes, log);
            log(`== ${name}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
            results.push(result);
          }
        }
      }
      // PyTorch at the same thread count, in the same run; fastText and scikit-learn (their own threads) once.
      const asked = round === 0 ? peerSystems : peerSystems.filter((p) => p.startsWith('torch-'));
      if (options.peers && peersSkipped === undefined && asked.length > 0) {
        const run = await runPeers({
          peersDir: options.peersDir,
          trainPath: data.trainPath,
          testPath: data.testPath,
          epochs: options.epochs,
          threads,
          seed: options.seed,
          systems: asked,
          outDir: join(workDir, `peers-t${threads}`),
          cjk: data.cjk,
          log,
        });
        peers.push(...run.peers);
        peersSkipped = run.skipped;
        if (peersSkipped) log(`peers skipped: ${peersSkipped}`);
      }
    }
    const isTorch = (system: string): boolean => system.startsWith('torch-');
    const withTokens = results.map((r) => ({ ...r, trainTokensPerSecond: trainTokensPerSecond(r.trainSamplesPerSecond, trainTokens) }));
    peers = peers.map((p) => ({ ...p, trainTokensPerSecond: trainTokensPerSecond(p.trainSamplesPerSecond, trainTokens, !isTorch(p.system)) }));
    const builds = [...new Set(results.map((r) => r.glossaBuild).filter((b) => b !== null))];
    const report: BenchReport = {
      schema: 'glossa.bench',
      schemaVersion: 2,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      argv: [...options.argv],
      machine: { ...machine, loadAverageEnd: loadavg() },
      versions: {
        node: process.version,
        tfjsCore: version_core,
        tfjsLayers: version_layers,
        glossaModelCore: MODEL_CORE_VERSION,
        ...git,
      },
      dataset: {
        name: data.name,
        source: data.source,
        trainSize: data.trainSize,
        testSize: data.testSize,
        sourceTrainSize: data.sourceTrainSize,
        sourceTestSize: data.sourceTestSize,
        labels: data.labels,
        trainTokens,
      },
      settings,
      threads: options.threads,
      stockBudget: options.stockBudget,
      results: withTokens,
      peers,
      ...(peersSkipped !== undefined ? { peersSkipped } : {}),
      ratios: computeRatios(withTokens, peers),
      ...(builds.length > 1
        ? {
            mixedBuilds: `the children ran ${builds.length} different Glossa builds (${builds.join(', ')}): a package was rebuilt during the run; re-run for consistent figures`,
          }
        : {}),
    };
    if (report.mixedBuilds) log(`WARNING: ${report.mixedBuilds}`);
    const markdown = renderMarkdown(report);
    const host = machine.hostname.replace(/[^A-Za-z0-9_-]+/g, '-') || 'machine';
    const jsonPath = join(options.outDir, `${timestamp(started)}-${host}.json`);
    const markdownPath = join(options.outDir, 'latest.md');
    await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(markdownPath, markdown);
    return { report, jsonPath, markdownPath, markdown };
  } finally {
    if (!options.keepWork) await rm(workDir, { recursive: true, force: true });
  }
}
