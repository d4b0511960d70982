/**
 * `glossa queue`: scoring past one machine on a Redis-backed BullMQ queue. `submit` splits an input into chunks,
 * `work` (any number, any machine) scores them, `status` shows progress, `collect` writes the results in input
 * order — line for line what `glossa predict` writes for the same input.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES } from '@glossa/model-core/options';
import type { JobStatus, QueueConnection } from '@glossa/queue';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, checkParquetInput, collectWarnings, cliLogger } from '../internal/common-options.js';
import { type CliContext, isTty } from '../internal/context.js';
import { formatDuration, formatRate } from '../internal/format.js';
import { intOption, choiceOption, rangeOption } from '../internal/parse-options.js';
import { type PredictOutputChoice, PREDICT_OUTPUT_CHOICES, checkCopiedFields, createPredictSink } from '../internal/predict-output.js';
import {
  type RecordInputOptions,
  addRecordReadingOptions,
  predictFormat,
  readInputItems,
  readsStdin,
  recordPolicy,
  unlabelledWarning,
} from '../internal/record-input.js';
import { type BackendChoice, initBackendFor, loadRuntime } from '../runtime.js';

type QueueApi = typeof import('@glossa/queue');

let queuePromise: Promise<QueueApi> | undefined;

/** Loads `@glossa/queue` (BullMQ, ioredis) only for the queue commands. */
function loadQueue(): Promise<QueueApi> {
  queuePromise ??= import('@glossa/queue').catch((error: unknown) => {
    queuePromise = undefined;
    throw new CliError('RUNTIME', `cannot load @glossa/queue (${error instanceof Error ? error.message : String(error)}). Reinstall glossa.`, { cause: error });
  });
  return queuePromise;
}

/** Options every queue command takes. */
interface ConnectionOptions {
  redis?: string;
  redisCa?: string;
  prefix?: string;
}

const REDIS_ENV = 'GLOSSA_REDIS_URL';

function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--redis <url>',
      `Redis URL: redis://[:password@]host:port[/db], rediss://… for TLS (default: $${REDIS_ENV}, which keeps a password out of the process list)`,
    )
    .option('--redis-ca <file>', 'PEM file of the certificate authority that signed the Redis server certificate (rediss:// with a private CA)')
    .option('--prefix <name>', 'Redis key prefix: separate prefixes are separate queues on one Redis', 'glossa');
}

async function connectionOf(options: ConnectionOptions, api: QueueApi): Promise<QueueConnection> {
  const url = options.redis ?? process.env[REDIS_ENV];
  if (url === undefined || url === '') {
    throw new CliError('USAGE', `where is Redis? give --redis redis://host:6379 (or set ${REDIS_ENV})`);
  }
  try {
    api.parseRedisUrl(url);
  } catch (error) {
    throw new CliError('USAGE', `--redis: ${(error as Error).message}`);
  }
  let tlsCa: string | undefined;
  if (options.redisCa !== undefined) {
    try {
      tlsCa = await readFile(options.redisCa, 'utf8');
    } catch (error) {
      throw new CliError('RUNTIME', `--redis-ca: cannot read ${options.redisCa} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  if (options.prefix !== undefined && !/^[A-Za-z0-9._-]{1,50}$/.test(options.prefix)) {
    throw new CliError('USAGE', `--prefix "${options.prefix}": use letters, digits, ".", "_" and "-" (up to 50 characters)`);
  }
  return { url, ...(tlsCa === undefined ? {} : { tlsCa }), ...(options.prefix === undefined ? {} : { prefix: options.prefix }) };
}

/** Runs a queue operation; the library's errors become CLI errors with the same message. */
async function queueCall<T>(task: (api: QueueApi) => Promise<T>): Promise<T> {
  const api = await loadQueue();
  try {
    return await task(api);
  } catch (error) {
    if (error instanceof api.QueueError) {
      throw new CliError(error.code === 'BAD_NAME' || error.code === 'BAD_OPTION' || error.code === 'BAD_URL' ? 'USAGE' : 'RUNTIME', error.message, {
        cause: error,
      });
    }
    throw error;
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * One line on where a job stands.
 *
 * @param status - The job's status.
 * @returns e.g. `reviews  running  412/610 chunks  6,750,208/10,000,000 records  21,345 records/s  ETA 2m 32s  0 failed`.
 */
export function formatJobStatus(status: JobStatus): string {
  const chunks = `${count(status.chunks.done)}/${status.chunks.total === undefined ? '?' : count(status.chunks.total)} chunks`;
  const records = `${count(status.records.done)}/${status.records.total === undefined ? '?' : count(status.records.total)} records`;
  const rate = status.recordsPerSecond === undefined ? '' : `  ${formatRate(status.recordsPerSecond)} records/s`;
  const eta = status.etaSeconds === undefined || status.etaSeconds === 0 ? '' : `  ETA ${formatDuration(status.etaSeconds)}`;
  return `${status.name}  ${status.state}  ${chunks}  ${records}${rate}${eta}  ${count(status.chunks.failed)} failed`;
}

/**
 * Registers `glossa queue` and its subcommands.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The `queue` command.
 * @example
 * ```ts
 * registerQueueCommand(program, ctx);
 * ```
 */
export function registerQueueCommand(program: Command, ctx: CliContext): Command {
  const queue = program
    .command('queue')
    .description('score big inputs on a Redis job queue (BullMQ) with workers on any number of machines')
    .addHelpText(
      'after',
      `
Examples:
  $ export GLOSSA_REDIS_URL=redis://:password@10.0.0.5:6379
  $ glossa queue submit model.glossa reviews.csv --name reviews-1207 --id-column id
  $ glossa queue work --concurrency 2          # on every machine, as many as you like
  $ glossa queue status reviews-1207
  $ glossa queue collect reviews-1207 --out scores.jsonl --wait`,
    );

  const submit = queue
    .command('submit')
    .description('split an input into chunks and queue them for workers; stores the bundle once (by its SHA-256)')
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('<input>', 'records to label (- for stdin): .csv/.tsv/.jsonl/.parquet by extension, else one text per line')
    .requiredOption('--name <job>', 'job name (letters, digits, ".", "_", "-"): status, collect and remove use it')
    .addOption(
      new Option('--chunk-size <n>', 'records per chunk, the unit of work and of retry').argParser(intOption('--chunk-size', 1, 1_000_000)).default(10_000),
    )
    .addOption(
      new Option('--batch-size <n>', 'texts per padded prediction batch in the workers')
        .argParser(rangeOption('--batch-size', FIT_OPTION_RANGES.predictBatchSize))
        .default(DEFAULT_FIT_OPTIONS.predictBatchSize),
    )
    .addOption(new Option('--attempts <n>', 'tries per chunk before it is marked failed').argParser(intOption('--attempts', 1, 100)).default(3));
  addRecordReadingOptions(submit);
  addConnectionOptions(submit);
  addBackendOption(submit);
  submit.action(async (bundle: string, input: string, options: SubmitCommandOptions, cmd: Command) => {
    await runSubmit(ctx, bundle, input, options, cmd.optsWithGlobals().verbose === true);
  });

  const work = queue
    .command('work')
    .description('score queued chunks until stopped (SIGTERM or Ctrl-C: the chunks in hand finish first)')
    .addOption(new Option('--concurrency <n>', 'chunks scored at once, each on its own thread').argParser(intOption('--concurrency', 1, 256)).default(1))
    .addOption(
      new Option('--stall-timeout <seconds>', "seconds without a sign of life before a worker's chunk goes to another worker")
        .argParser(intOption('--stall-timeout', 1, 3600))
        .default(30),
    )
    .option('--quiet', 'no line per chunk');
  addConnectionOptions(work);
  addBackendOption(work);
  work.action(async (options: WorkCommandOptions, cmd: Command) => {
    await runWork(ctx, options, cmd.optsWithGlobals().verbose === true);
  });

  const status = queue
    .command('status')
    .description('progress of a job (done/total, rate, ETA, failed chunks with reasons), or of every job')
    .argument('[job]', 'job name (default: every job)')
    .option('--json', 'print JSON');
  addConnectionOptions(status);
  status.action(async (job: string | undefined, options: ConnectionOptions & { json?: boolean }) => {
    await runStatus(ctx, job, options);
  });

  const collect = queue
    .command('collect')
    .description("write a job's results in input order: what glossa predict writes for the same input, line for line")
    .argument('<job>', 'job name')
    .requiredOption('-o, --out <file>', 'output file (- for stdout); written whole or not at all')
    .option('--wait', 'wait for chunks still being scored')
    .addOption(
      new Option(
        '--output-format <format>',
        `output: ${PREDICT_OUTPUT_CHOICES.join(', ')} (as glossa predict writes them; parquet: to a file, or to stdout when it is not a terminal)`,
      )
        .argParser(choiceOption('--output-format', PREDICT_OUTPUT_CHOICES))
        .default('jsonl'),
    );
  addConnectionOptions(collect);
  collect.action(async (job: string, options: CollectCommandOptions) => {
    await runCollect(ctx, job, options);
  });

  const retry = queue.command('retry').description("put a job's failed chunks back on the queue").argument('<job>', 'job name');
  addConnectionOptions(retry);
  retry.action(async (job: string, options: ConnectionOptions) => {
    const n = await queueCall(async (api) => api.retryFailedChunks(await connectionOf(options, api), job));
    ctx.err(n === 0 ? `${job}: no failed chunks` : `${job}: ${count(n)} failed chunk${n === 1 ? '' : 's'} queued again`);
  });

  const remove = queue
    .command('remove')
    .description('delete a job: its records, results and queued chunks (and its bundle if no other job uses it)')
    .argument('<job>', 'job name');
  addConnectionOptions(remove);
  remove.action(async (job: string, options: ConnectionOptions) => {
    await queueCall(async (api) => api.removeJob(await connectionOf(options, api), job));
    ctx.err(`${job}: removed`);
  });
  return queue;
}

interface SubmitCommandOptions extends ConnectionOptions, RecordInputOptions {
  name: string;
  chunkSize: number;
  batchSize: number;
  attempts: number;
  onBadRow: 'fail' | 'skip';
  keep?: string[];
  backend?: BackendChoice;
}

async function runSubmit(ctx: CliContext, bundlePath: string, input: string, options: SubmitCommandOptions, verbose: boolean): Promise<void> {
  const api = await loadQueue();
  try {
    api.checkJobName(options.name);
  } catch (error) {
    throw new CliError('USAGE', `--name: ${(error as Error).message}`);
  }
  const connection = await connectionOf(options, api);
  const fromStdin = await readsStdin(input);
  const copied = checkCopiedFields([...(options.idColumn !== undefined ? [options.idColumn] : []), ...(options.keep ?? [])]);
  const runtime = await loadRuntime();
  await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  // The bundle is checked here, once, with the usual clear errors, rather than by every worker.
  const files = await runtime.readBundleFiles(bundlePath);
  const classifier = await runtime.deserializeBundle(files);
  const labels = classifier.labels;
  classifier.dispose();
  // The files read once: packed here (deterministic bytes) whether they came from a directory or a .glossa file.
  const packed = runtime.packBundle(files);

  const inputName = fromStdin ? 'stdin' : input;
  const warnings = collectWarnings();
  const source = readInputItems(runtime, fromStdin ? (ctx.io.stdin as Readable) : input, inputName, options, copied, warnings.onWarning);
  const format = predictFormat(fromStdin ? undefined : input, options.format);
  checkParquetInput(format, { encoding: options.encoding, fromStdin });
  const plainLines = format === 'lines';
  // The output is a file: one line per record, as `glossa predict` writes to a file.
  const policy = recordPolicy(true, options.onBadRow, plainLines);
  async function* admitted(): AsyncGenerator<{ line: number; text?: string; error?: string; kept?: Record<string, unknown> }> {
    for await (const item of source) {
      if (!policy.admit(item)) continue;
      const { kind: _kind, ...record } = item;
      yield record;
    }
  }
  const started = performance.now();
  let lastReport = started;
  const submitted = await queueCall(() =>
    api.submitJob(connection, {
      name: options.name,
      bundle: packed,
      items: admitted(),
      chunkSize: options.chunkSize,
      batchSize: options.batchSize,
      attempts: options.attempts,
      annotations: { input: inputName, copied: JSON.stringify(copied), labels: JSON.stringify(labels) },
      onChunk: (chunk) => {
        if (performance.now() - lastReport > 5_000) {
          lastReport = performance.now();
          ctx.err(ctx.errColors.dim(`submitting ${options.name}: ${count(chunk + 1)} chunks so far`));
        }
      },
    }),
  );
  warnings.report(ctx, inputName);
  const unlabelled = unlabelledWarning(inputName, policy);
  if (unlabelled !== undefined) ctx.warn(unlabelled);
  const seconds = (performance.now() - started) / 1000;
  const where = api.redactUrl(connection.url);
  ctx.err(
    `${options.name}: ${count(submitted.records)} records in ${count(submitted.chunks)} chunk${submitted.chunks === 1 ? '' : 's'} queued on ${where} in ${formatDuration(seconds)} (bundle ${submitted.bundleSha256.slice(0, 12)})`,
  );
  ctx.err(ctx.errColors.dim(`next: ${ctx.bin} queue work (on any machine), then ${ctx.bin} queue collect ${options.name} --out scores.jsonl --wait`));
}

interface WorkCommandOptions extends ConnectionOptions {
  concurrency: number;
  stallTimeout: number;
  quiet?: boolean;
  backend?: BackendChoice;
}

async function runWork(ctx: CliContext, options: WorkCommandOptions, verbose: boolean): Promise<void> {
  const worker = await queueCall(async (api) => {
    const connection = await connectionOf(options, api);
    const started = await api.startScoringWorker(connection, {
      concurrency: options.concurrency,
      stallTimeoutSeconds: options.stallTimeout,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(verbose
        ? { onChunkStart: (s: { job: string; chunk: number; records: number }) => ctx.err(`${s.job} chunk ${s.chunk}: scoring ${count(s.records)} records`) }
        : {}),
      onChunk: (done) => {
        if (options.quiet === true) return;
        const rate = done.records / (done.ms / 1000);
        ctx.err(
          `${done.job} chunk ${done.chunk}: ${count(done.records)} records in ${formatDuration(done.ms / 1000)} (${formatRate(rate)}/s)${done.stored ? '' : ', already done by another worker (dropped)'}`,
        );
      },
      onFailure: (f) => ctx.warn(`${f.job} chunk ${f.chunk}: attempt ${f.attempt} of ${f.attempts} failed: ${f.reason}`),
    });
    ctx.err(`working on ${api.redactUrl(connection.url)} (${options.concurrency} at once); SIGTERM or Ctrl-C stops after the chunks in hand`);
    return started;
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        ctx.err(`${signal} again: quitting now; chunks in hand go to other workers after --stall-timeout`);
        process.exit(130);
      }
      stopping = true;
      ctx.err(`${signal}: finishing the chunks in hand, then stopping (${signal} again to quit now)`);
      void worker.close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  ctx.err('stopped');
}

async function runStatus(ctx: CliContext, job: string | undefined, options: ConnectionOptions & { json?: boolean }): Promise<void> {
  const statuses = await queueCall(async (api) => {
    const connection = await connectionOf(options, api);
    return job === undefined ? api.listJobs(connection) : [await api.jobStatus(connection, job)];
  });
  if (options.json === true) {
    ctx.out(JSON.stringify(job === undefined ? statuses : statuses[0], null, 2));
    return;
  }
  if (statuses.length === 0) {
    ctx.err(`no jobs; submit one with: ${ctx.bin} queue submit <bundle> <input> --name <job>`);
    return;
  }
  for (const status of statuses) {
    ctx.out(formatJobStatus(status));
    for (const f of status.failures) {
      ctx.out(
        `  chunk ${f.chunk} (lines ${f.firstLine}-${f.lastLine}, ${count(f.records)} records) failed after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}: ${f.reason}`,
      );
    }
  }
}

interface CollectCommandOptions extends ConnectionOptions {
  out: string;
  wait?: boolean;
  outputFormat: PredictOutputChoice;
}

async function runCollect(ctx: CliContext, job: string, options: CollectCommandOptions): Promise<void> {
  const api = await loadQueue();
  const connection = await connectionOf(options, api);
  const status = await queueCall(() => api.jobStatus(connection, job));
  const copied = JSON.parse(status.annotations.copied ?? '[]') as string[];
  const labels = JSON.parse(status.annotations.labels ?? '[]') as string[];
  const toStdout = options.out === '-';
  if (toStdout && options.outputFormat === 'parquet' && isTty(ctx.io.stdout)) {
    throw new CliError('USAGE', '--output-format parquet is binary: give --out <file>.parquet, or redirect stdout to a file or a pipe');
  }
  const runtime = await loadRuntime();
  const file = toStdout ? undefined : await runtime.openAtomicWriteStream(options.out);
  // The same sink glossa predict writes through: identical bytes for every format.
  const out = await createPredictSink(runtime, options.outputFormat, copied, labels, file?.stream ?? ctx.io.stdout);
  let records = 0;
  const failed: number[] = [];
  let failedRecords = 0;
  try {
    let lastLine = '';
    const chunks = api.collectJob(connection, job, {
      wait: options.wait === true,
      onWait: (s) => {
        const line = formatJobStatus(s);
        if (line === lastLine) return;
        lastLine = line;
        if (isTty(ctx.io.stderr)) ctx.io.stderr.write(`\r\x1b[2K${line}`);
        else ctx.err(line);
      },
    });
    await queueCall(async () => {
      for await (const chunk of chunks) {
        records += chunk.items.length;
        if (chunk.failure !== undefined) {
          failed.push(chunk.chunk);
          failedRecords += chunk.items.length;
        }
        if (!(await out.write(chunk.items, chunk.predictions))) break;
      }
    });
    if (lastLine !== '' && isTty(ctx.io.stderr)) ctx.io.stderr.write('\n');
    await out.close();
    await file?.commit();
  } catch (error) {
    await out.abort();
    await file?.abort();
    throw error;
  }
  const where = toStdout ? 'stdout' : options.out;
  const unit = options.outputFormat === 'parquet' ? 'rows' : 'lines';
  if (failed.length > 0) {
    throw new CliError(
      'RUNTIME',
      `${job}: wrote ${count(records)} ${unit} to ${where}, but ${failed.length} chunk${failed.length === 1 ? '' : 's'} (${failed.join(', ')}; ${count(failedRecords)} records) failed: their ${unit} carry an "error" field. See why with ${ctx.bin} queue status ${job}; after fixing it, ${ctx.bin} queue retry ${job} and collect again`,
    );
  }
  ctx.err(`${job}: ${count(records)} ${unit} written to ${where}`);
}
