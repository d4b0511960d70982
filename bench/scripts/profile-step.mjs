#!/usr/bin/env node
// `pnpm bench:profile`: where the time of one training step goes, per architecture, at full length (every
// text exactly --length tokens, batch --batch, vocabulary 20,000, embedding 64, units 64, CNN 128 filters —
// the PyTorch twins' settings), and the GFLOP/s it achieves against the GEMM peak measured on this machine
// with the same backend and thread count. Decide kernel work from this, not from guesses.
//
// For each architecture: a warm-up fit, then `--steps` training steps timed, then the same steps again under
// tf.profile for the per-kernel split. Kernel time is what tfjs measured around each kernel (wasm and cpu
// kernels run synchronously); "outside kernels" is the rest of the wall time: JavaScript (Glossa's fused recurrences run their gate arithmetic in JS or in
// Glossa's own WebAssembly, between tfjs kernels), tfjs dispatch, batching, the optimizer's bookkeeping.
// FLOPs are counted analytically (multiply-adds × 2 of every matrix product, forward and backward).
//
// usage: node bench/scripts/profile-step.mjs [--archs lstm,gru,cnn,bow,bilstm,bigru,transformer]
//          [--length 100] [--batch 64] [--steps 8] [--backend wasm|cpu] [--threads 1] [--json]
import { parseArgs } from 'node:util';
import { createTextClassifier, initBackend, usesRelaxedSimd } from '@glossa/node-runtime';
import { getBackend, getKernel, matMul, profile, randomNormal } from '@tensorflow/tfjs-core';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    archs: { type: 'string', default: 'lstm,gru,cnn,bow,bilstm,bigru,transformer' },
    length: { type: 'string', default: '100' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '8' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const T = Number(values.length);
const B = Number(values.batch);
const steps = Number(values.steps);
const E = 64;
const H = 64;
const F = 128;
const K = 5;
const VOCAB = 20_000;

const report = await initBackend({ backend: values.backend, job: 'train', threads: Number(values.threads) });
console.error(
  `backend ${report.backend} (${report.threads ?? '?'} thread(s)): ${report.reason}; Glossa's kernels: ${usesRelaxedSimd() ? 'relaxed SIMD' : 'SIMD'}`,
);

/** Examples of exactly T distinct-ish tokens (so the vocabulary fills to 20,000 and no text is padded). */
function examples(n, seed) {
  const out = [];
  let x = seed >>> 0;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
  for (let i = 0; i < n; i++) {
    const words = [];
    for (let t = 0; t < T; t++) words.push(`w${(next() % 30_000).toString(36)}`);
    out.push({ text: words.join(' '), label: next() % 2 ? 'pos' : 'neg' });
  }
  return out;
}

/**
 * Multiply-add FLOPs (×2) of one training step (forward + backward ≈ 3 × forward for matrix products). The cnn's
 * backward computes only the windows the max pool passes a gradient to (one per text and filter): its two
 * products cost 2 × 2·B·F·K·E, not 2 × its forward (reluConvolution in model-core's layers.ts).
 */
function stepFlops(arch) {
  if (arch === 'cnn') return 2 * B * T * K * E * F + 2 * (2 * B * F * K * E);
  const rec = (gates, directions) => directions * 2 * B * T * (E + H) * gates * H;
  const forward = {
    lstm: rec(4, 1),
    bilstm: rec(4, 2),
    gru: rec(3, 1),
    bigru: rec(3, 2),
    cnn: 2 * B * T * K * E * F,
    bow: 2 * B * T * E,
    transformer: 2 * B * T * (4 * E * E + 2 * T * E + 2 * E * H),
  }[arch];
  return 3 * forward;
}

/**
 * GFLOP/s of one n × n × n matrix product through tfjs's matMul on the active backend (the achievable GEMM peak):
 * on wasm, Glossa's own kernel for products this large (registerGlossaKernels), XNNPACK for the 64³ one.
 */
function gemmPeak(n) {
  const a = randomNormal([n, n]);
  const b = randomNormal([n, n]);
  const once = () => {
    const c = matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    once();
    best = Math.min(best, performance.now() - t0);
  }
  a.dispose();
  b.dispose();
  return (2 * n * n * n) / (best / 1000) / 1e9;
}

const peak = gemmPeak(512);
const peakSmall = gemmPeak(64);
console.error(`GEMM peak: ${peak.toFixed(1)} GFLOP/s (512³), ${peakSmall.toFixed(1)} GFLOP/s (64³)`);

const rows = [];
const data = examples(B * steps, 7);
const warm = examples(B * 2, 9);
for (const arch of values.archs.split(',')) {
  const clf = createTextClassifier({ architecture: arch, maxLength: T, vocabSize: VOCAB, embeddingDim: E, units: arch === 'cnn' ? F : H, kernelSize: K });
  const fit = { epochs: 1, batchSize: B, validationSplit: 0, earlyStopping: false, seed: 1 };
  await clf.fit([...warm, ...data.slice(0, B)], fit);
  // Wall time from a plain fit; the kernel breakdown from a second, identical fit under tf.profile (the
  // profiler reads every kernel's output, which would inflate the wall time of the profiled run).
  const t0 = performance.now();
  await clf.fit(data, fit);
  const wall = performance.now() - t0;
  const info = await profile(async () => {
    await clf.fit(data, fit);
  });
  const byKernel = new Map();
  // tf.profile also lists op scopes (customGrad, tidy); keep the registered kernels.
  for (const k of info.kernels.filter((k) => getKernel(k.name, getBackend()) !== undefined)) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  const kernelMs = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
  const stepMs = wall / steps;
  const gflops = stepFlops(arch) / (stepMs / 1000) / 1e9;
  const row = {
    arch,
    stepMs,
    samplesPerSecond: (B * 1000) / stepMs,
    tokensPerSecond: (B * T * 1000) / stepMs,
    kernelShare: kernelMs / wall,
    outsideKernelsMs: (wall - kernelMs) / steps,
    top: top.map(([name, ms]) => ({ name, msPerStep: ms / steps, share: ms / wall })),
    gflopsPerStep: stepFlops(arch) / 1e9,
    gflops,
    ofPeak: gflops / peak,
  };
  rows.push(row);
  console.error(
    `${arch}: ${stepMs.toFixed(1)} ms/step, ${row.samplesPerSecond.toFixed(0)} samples/s, ${(row.tokensPerSecond / 1000).toFixed(1)}k tokens/s, ` +
      `${gflops.toFixed(2)} GFLOP/s (${(100 * row.ofPeak).toFixed(1)}% of GEMM peak); kernels ${(100 * row.kernelShare).toFixed(0)}% ` +
      `(${top.map(([n, ms]) => `${n} ${(100 * (ms / wall)).toFixed(0)}%`).join(', ')}), outside kernels ${row.outsideKernelsMs.toFixed(1)} ms/step`,
  );
  clf.dispose();
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ backend: report.backend, threads: report.threads ?? null, T, B, steps, peak, peakSmall, rows }, null, 2)}\n`);
} else {
  const lines = [
    `| arch | ms/step | samples/s | tokens/s | GFLOP/step | GFLOP/s | of GEMM peak (${peak.toFixed(1)}) | in tfjs kernels | top kernels (share of step) | outside kernels (ms/step) |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|---|--:|',
    ...rows.map(
      (r) =>
        `| ${r.arch} | ${r.stepMs.toFixed(1)} | ${r.samplesPerSecond.toFixed(0)} | ${r.tokensPerSecond.toFixed(0)} | ${r.gflopsPerStep.toFixed(3)} | ${r.gflops.toFixed(2)} | ${(100 * r.ofPeak).toFixed(1)}% | ${(100 * r.kernelShare).toFixed(0)}% | ${r.top
          .slice(0, 4)
          .map((k) => `${k.name} ${(100 * k.share).toFixed(0)}%`)
          .join(', ')} | ${r.outsideKernelsMs.toFixed(1)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
