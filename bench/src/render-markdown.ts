import type { BenchReport, Measurement, PeerMeasurement } from './types.js';

function fmt(value: number | null, digits?: number): string {
  if (value === null) return '—';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function mb(bytes: number | null): string {
  return bytes === null ? '—' : fmt(bytes / 2 ** 20, 0);
}

function kb(bytes: number | null): string {
  return bytes === null ? '—' : fmt(bytes / 1024, 0);
}

function threadsCell(threads: number | null, threading: string): string {
  return `${threads ?? '?'} (${threading === 'single-threaded' ? 'single' : 'all cores'})`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function allCores(m: Measurement): string {
  return m.predictAllCoresTextsPerSecond === null ? '—' : `${fmt(m.predictAllCoresTextsPerSecond)} (${m.predictAllCoresThreads ?? '?'} threads)`;
}

function measurementRow(m: Measurement): string {
  const train = m.trainSamplesPerSecond === null ? (m.status === 'ok' ? '—' : 'n/a') : `${fmt(m.trainSamplesPerSecond)}${m.trainBudgeted ? '*' : ''}`;
  const notes = m.status === 'ok' ? (m.reason ?? '') : `${m.status === 'unavailable' ? 'not available' : 'FAILED'}: ${m.reason ?? ''}`;
  return `| ${m.system === 'glossa' ? 'Glossa' : 'stock tfjs'} | ${m.architecture} | ${m.backend} | ${threadsCell(m.threads, m.threading)} | ${train} | ${fmt(m.accuracy, 4)} | ${fmt(m.predictTextsPerSecond)} | ${allCores(m)} | ${fmt(m.tokenizeTokensPerSecond, 0)} | ${mb(m.peakRssBytes)} | ${kb(m.bundleBytes)} | ${cell(notes)} |`;
}

function peerRow(p: PeerMeasurement): string {
  const [family] = p.system.split('-');
  const name = family === 'torch' ? 'PyTorch' : family === 'fasttext' ? 'fastText (bigrams)' : 'TF-IDF + LR (sklearn)';
  const notes = p.status === 'ok' ? (p.epochs !== null ? `${p.epochs} epochs` : '') : `FAILED: ${p.reason ?? ''}`;
  return `| ${name} | ${p.architecture ?? '—'} | python | ${threadsCell(p.threads, p.threading)} | ${fmt(p.trainSamplesPerSecond)} | ${fmt(p.accuracy, 4)} | ${fmt(p.predictTextsPerSecond)} | — | — | ${mb(p.peakRssBytes)} | — | ${cell(notes)} |`;
}

/**
 * Renders a benchmark report as Markdown: the setting, one table row per measurement and peer, and the
 * ratios Glossa ÷ stock tfjs and Glossa ÷ PyTorch.
 *
 * @param report - a finished {@link BenchReport}
 * @returns Markdown text (ends with a newline)
 * @throws never
 * @example
 * ```ts
 * process.stdout.write(renderMarkdown(report));
 * ```
 */
export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  const m = report.machine;
  const d = report.dataset;
  const lines: string[] = [];
  lines.push(`## Glossa benchmark — ${d.name}, ${report.startedAt.slice(0, 10)}`);
  lines.push('');
  lines.push(`- Command: \`pnpm bench ${report.argv.filter((a) => a !== '--').join(' ')}\``);
  lines.push(
    `- Machine: ${m.cpuModel}, ${m.cores} logical cores (nproc ${m.availableParallelism}), ${fmt(m.totalMemoryBytes / 2 ** 30, 1)} GiB, ${m.platform}; Node ${report.versions.node}, tfjs ${report.versions.tfjsCore}, model-core ${report.versions.glossaModelCore}${report.versions.gitCommit ? `, commit ${report.versions.gitCommit.slice(0, 10)}${report.versions.gitDirty ? ' (uncommitted changes)' : ''}` : ''}`,
  );
  lines.push(
    `- Load average at start / end: ${m.loadAverage.map((v) => v.toFixed(2)).join(' ')} / ${(m.loadAverageEnd ?? []).map((v) => v.toFixed(2)).join(' ') || '?'} (other processes on the machine slow every figure)`,
  );
  lines.push(
    `- Data: ${d.source}: ${fmt(d.trainSize, 0)} training / ${fmt(d.testSize, 0)} test texts (of ${fmt(d.sourceTrainSize, 0)} / ${fmt(d.sourceTestSize, 0)}), labels ${d.labels.join(', ')}`,
  );
  lines.push(
    `- Model: vocabulary ${fmt(s.vocabSize, 0)}, max length ${s.maxLength}, embedding ${s.embeddingDim}, units ${s.units}, CNN filters ${s.cnnFilters}, batch ${s.batchSize}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, seed ${s.seed}; prediction in batches of ${s.predictBatchSize}, raw text → label, model loaded from disk`,
  );
  const b = report.stockBudget;
  lines.push(
    `- Stock tfjs budget: training stops after ${b.trainSeconds || '∞'} s of timed batches${b.maxBatches ? ` or ${b.maxBatches} batches` : ''} (first batch untimed, * = extrapolated, accuracy then not measured); prediction on ${b.predictTexts || 'all'} test texts`,
  );
  lines.push(
    "- Threads: the wasm and cpu backends compute on one thread in Node (tfjs-backend-wasm runs its single-threaded build there), so every tfjs figure is single-threaded except *predict texts/s, all cores* (Glossa's `createPredictionPool`, one worker thread per core); PyTorch runs with `--threads 1`, scikit-learn single-threaded, fastText on all cores (its default).",
  );
  if (report.mixedBuilds) lines.push(`- **Warning**: ${report.mixedBuilds}.`);
  lines.push('');
  lines.push(
    '| system | arch | backend | threads | train samples/s | test accuracy | predict texts/s | predict texts/s, all cores | tokenize tokens/s | peak RSS MB | bundle KB | notes |',
  );
  lines.push('|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const r of report.results) lines.push(measurementRow(r));
  for (const p of report.peers) lines.push(peerRow(p));
  if (report.peersSkipped) lines.push(`\nPeers not run: ${report.peersSkipped}.`);
  lines.push('');
  lines.push(
    '| arch | backend | train Glossa ÷ stock | predict Glossa ÷ stock | train Glossa ÷ PyTorch | predict Glossa ÷ PyTorch | predict all cores Glossa ÷ PyTorch |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|');
  const x = (v: number | null): string => (v === null ? '—' : `${fmt(v, v >= 10 ? 1 : 2)}×`);
  for (const r of report.ratios) {
    lines.push(
      `| ${r.architecture} | ${r.backend} | ${x(r.trainVsStock)} | ${x(r.predictVsStock)} | ${x(r.trainVsPytorch)} | ${x(r.predictVsPytorch)} | ${x(r.predictAllCoresVsPytorch)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
