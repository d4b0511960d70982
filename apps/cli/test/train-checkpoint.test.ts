import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, type BinRun, runBin, sentimentRows, toCsv } from './helpers.js';

// The BUILT binary (`pnpm build` first): Ctrl-C (a real SIGINT to the child process) writes a checkpoint
// and exits 130; `--resume` continues to exactly the bundle an uninterrupted run writes.

const MODEL = [
  ...['--arch', 'lstm', '--epochs', '4', '--batch-size', '16', '--dropout', '0.2'],
  ...['--max-length', '24', '--embedding-dim', '16', '--units', '16', '--seed', '9'],
];

let dir: string;
let data: string;

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-checkpoint-'));
  data = join(dir, 'train.csv');
  await writeFile(data, toCsv(sentimentRows(1200, 4)));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI and sends SIGINT once stderr matches `when`. */
function runAndInterrupt(args: readonly string[], when: RegExp): Promise<BinRun & { interruptedAt: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interruptedAt = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (interruptedAt === '' && when.test(stderr)) {
        interruptedAt = stderr;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, interruptedAt }));
  });
}

async function filesOf(path: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const name of (await readdir(path)).sort()) out[name] = await readFile(join(path, name));
  return out;
}

function predictions(run: BinRun): unknown[] {
  expect(run.code).toBe(0);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

describe('glossa train checkpoints', () => {
  it('stops on Ctrl-C with a checkpoint and exit 130, and --resume ends with the bundle of an uninterrupted run', async () => {
    const reference = join(dir, 'reference');
    const uninterrupted = await runBin(['train', data, '--out', reference, ...MODEL]);
    expect(uninterrupted.stderr).not.toMatch(/glossa:/);
    expect(uninterrupted.code).toBe(0);
    expect(existsSync(`${reference}.checkpoint`)).toBe(false); // removed once the bundle is saved

    const model = join(dir, 'model');
    const args = ['train', data, '--out', model, ...MODEL];
    const interrupted = await runAndInterrupt(args, /^epoch 1\/4 /m);
    expect(interrupted.signal).toBeNull();
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('interrupted: stopping training after the current batch');
    expect(interrupted.stderr).toMatch(new RegExp(`checkpoint saved in ${model}\\.checkpoint \\((epoch 2 of 4, after batch \\d+|after epoch [1-3] of 4)\\)`));
    expect(interrupted.stderr).toContain(`to continue: glossa ${args.join(' ')} --resume`);
    expect(interrupted.stderr).toMatch(/glossa: training interrupted; resume with --resume/);
    expect(existsSync(model)).toBe(false);
    expect((await readdir(`${model}.checkpoint`)).sort()).toEqual(['checkpoint.json', 'preprocessing.json', 'tensors.bin']);

    const resumed = await runBin([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(/glossa:/);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from the checkpoint in .*model\.checkpoint/);
    expect(existsSync(`${model}.checkpoint`)).toBe(false);

    // Same weights, byte for byte, and the same scores.
    const [a, b] = [await filesOf(reference), await filesOf(model)];
    expect(b['weights.bin']!.equals(a['weights.bin']!)).toBe(true);
    expect(b['preprocessing.json']!.equals(a['preprocessing.json']!)).toBe(true);
    const manifest = (files: Record<string, Buffer>) => {
      const m = JSON.parse(files['manifest.json']!.toString()) as { training: { history: Array<Record<string, number>> }; createdAt?: string };
      return {
        ...m,
        createdAt: undefined,
        training: { ...m.training, trainSeconds: undefined, history: m.training.history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest) },
      };
    };
    expect(manifest(b)).toEqual(manifest(a));
    const texts = ['the film was great and brilliant', 'awful boring plot', ''];
    const scores = async (bundle: string) => predictions(await runBin(['predict', bundle, ...texts]));
    const expected = await scores(reference);
    expect(expected).toHaveLength(3);
    expect(await scores(model)).toEqual(expected);
  }, 240_000);

  it('refuses --resume without a checkpoint, and with --no-checkpoint', async () => {
    const none = await runBin(['train', data, '--out', join(dir, 'none'), ...MODEL, '--resume']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--resume: there is no checkpoint in .*none\.checkpoint/);
    const usage = await runBin(['train', data, '--out', join(dir, 'none'), '--resume', '--no-checkpoint']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/cannot be combined with --no-checkpoint/);
  });

  it('stops when the loss becomes NaN, names epoch and batch, keeps the last good checkpoint and says how to resume', async () => {
    const model = join(dir, 'diverging');
    const checkpointDir = join(dir, 'ckpt');
    const args = ['train', data, '--out', model, ...MODEL, '--arch', 'bow', '--checkpoint-dir', checkpointDir];
    const interrupted = await runAndInterrupt(args, /^epoch 1\/4 /m);
    expect(interrupted.code).toBe(130);
    // Blow the stored weights up (still finite, so the checkpoint loads): the first step overflows to NaN.
    const tensors = await readFile(join(checkpointDir, 'tensors.bin'));
    const values = new Float32Array(tensors.buffer, tensors.byteOffset, tensors.byteLength / 4);
    for (let i = 0; i < values.length; i++) values[i] = (i % 2 ? -1 : 1) * 1e30;
    await writeFile(join(checkpointDir, 'tensors.bin'), tensors);
    const before = await filesOf(checkpointDir);

    const run = await runBin([...args, '--resume']);
    expect(run.code).toBe(1);
    // Per batch (training loss) or per epoch (validation loss), whichever sees the NaN first.
    expect(run.stderr).toMatch(
      /glossa: fit: the (loss became NaN in epoch \d, batch \d+ of \d+|validation loss became NaN after epoch \d): training diverged\. Lower the learning rate \(now 0\.001, e\.g\. to 0\.0001\)/,
    );
    expect(run.stderr).toContain(`the last good checkpoint`);
    expect(run.stderr).toContain(`is kept in ${checkpointDir}`);
    expect(run.stderr).toContain(`to continue from it with a lower learning rate: glossa ${args.join(' ')} --resume --learning-rate 0.0001`);
    expect(await filesOf(checkpointDir)).toEqual(before);
    expect(existsSync(model)).toBe(false);
  }, 120_000);
});
