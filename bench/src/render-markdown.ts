import type { BenchRatio, BenchReport, Measurement, PeerMeasurement, TrainTokenCount } from './types.js';

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
  return `${threads ?? '?'} (${threading === 'single-threaded' ? 'single' : threading})`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function allCores(m: Measurement): string {
  return m.predictAllCoresTextsPerSecond === null ? '—' : `${fmt(m.predictAllCoresTextsPerSecond)} (${m.predictAllCoresThreads ?? '?'} threads)`;
}

function measurementRow(m: Measurement): string {
  const mark = m.trainBudgeted ? '*' : '';
  const train = m.trainSamplesPerSecond === null ? (m.status === 'ok' ? '—' : 'n/a') : `${fmt(m.trainSamplesPerSecond)}${mark}`;
  const tokens = m.trainTokensPerSecond === null ? '—' : `${fmt(m.trainTokensPerSecond, 0)}${mark}`;
  const kernels = m.kernels === null || m.kernels === undefined ? '' : `kernels: ${m.kernels}`;
  const rss =
    m.trainPeakRssBytes === null && m.peakRssWithPoolBytes === null
      ? ''
      : `peak RSS MB: training ${mb(m.trainPeakRssBytes)}, with the prediction pool ${mb(m.peakRssWithPoolBytes)}`;
  const notes =
    m.status === 'ok'
      ? [kernels, rss, m.reason ?? ''].filter(Boolean).join('; ')
      : `${m.status === 'unavailable' ? 'not available' : 'FAILED'}: ${m.reason ?? ''}`;
  return `| ${m.system === 'glossa' ? 'Glossa' : 'stock tfjs'} | ${m.architecture} | ${m.backend} | ${threadsCell(m.trainThreads, m.threading)} | ${train} | ${tokens} | ${fmt(m.accuracy, 4)} | ${fmt(m.predictTextsPerSecond)} | ${allCores(m)} | ${fmt(m.tokenizeTokensPerSecond, 0)} | ${mb(m.peakRssBytes)} | ${kb(m.bundleBytes)} | ${cell(notes)} |`;
}

function peerRow(p: PeerMeasurement): string {
  const [family] = p.system.split('-');
  const name = family === 'torch' ? 'PyTorch' : family === 'fasttext' ? 'fastText (bigrams)' : 'TF-IDF + LR (sklearn)';
  const own = family === 'fasttext' && p.threads !== null ? `-thread ${p.threads} (its default)` : '';
  const notes =
    p.status === 'ok'
      ? [p.epochs !== null ? `${p.epochs} epoch${p.epochs === 1 ? '' : 's'}` : '', own, family === 'torch' ? '' : 'tokens: whole texts']
          .filter((n) => n !== '')
          .join('; ')
      : `FAILED: ${p.reason ?? ''}`;
  return `| ${name} | ${p.architecture ?? '—'} | python | ${threadsCell(p.threads, p.threading)} | ${fmt(p.trainSamplesPerSecond)} | ${fmt(p.trainTokensPerSecond, 0)} | ${fmt(p.accuracy, 4)} | ${fmt(p.predictTextsPerSecond)} | — | — | ${mb(p.peakRssBytes)} | — | ${cell(notes)} |`;
}

const TABLE_HEADER = [
  '| system | arch | backend | threads | train samples/s | train tokens/s | test accuracy | predict texts/s | predict texts/s, all cores | tokenize tokens/s | peak RSS MB | bundle KB | notes |',
  '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
];

/** Texts that mostly fill the max length are "full-length" (IMDB reviews); otherwise "short" (SST-2 sentences). */
function textKind(t: TrainTokenCount): string {
  return t.texts > 0 && t.truncatedTexts * 2 >= t.texts ? 'full-length texts' : 'short texts';
}

function perText(tokens: number, texts: number): string {
  return fmt(texts === 0 ? 0 : tokens / texts, 1);
}

function threadsHeading(threads: number, cores: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}${threads >= cores && threads > 1 ? ` (all ${cores} cores)` : ''}`;
}

function ratioTable(ratios: readonly BenchRatio[], threads: number, withStock: boolean): string[] {
  const x = (v: number | null): string => (v === null ? '—' : `${fmt(v, v >= 10 ? 1 : 2)}×`);
  const each = `${threads} thread${threads === 1 ? '' : 's'} each`;
  const lines = [
    `| arch | backend |${withStock ? ' train Glossa ÷ stock | predict Glossa ÷ stock |' : ''} train Glossa ÷ PyTorch (${each}) | predict Glossa ÷ PyTorch (${each}) |`,
    `|---|---|${withStock ? '--:|--:|' : ''}--:|--:|`,
  ];
  for (const r of ratios) {
    const stock = withStock ? ` ${x(r.trainVsStock)} | ${x(r.predictVsStock)} |` : '';
    lines.push(`| ${r.architecture} | ${r.backend} |${stock} ${x(r.trainVsPytorch)} | ${x(r.predictVsPytorch)} |`);
  }
  return lines;
}

/**
 * Renders a benchmark report as Markdown: the setting (with the data set's kind, short or full-length
 * texts, and how tokens are counted), then one section per training thread count — a row per measurement
 * and peer that trained on that many threads, and the ratios Glossa ÷ stock tfjs and Glossa ÷ PyTorch at
 * those threads — and last the systems at thread counts of their own (fastText's 12).
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
  const t = d.trainTokens;
  const lines: string[] = [];
  lines.push(`## Glossa benchmark — ${d.name}, ${textKind(t)}, ${report.startedAt.slice(0, 10)}`);
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
    `- Text length (**${textKind(t)}**): ${perText(t.tokens, t.texts)} tokens read per training text at max length ${t.maxLength} (${fmt(t.truncatedTexts, 0)} of ${fmt(t.texts, 0)} texts cut; ${perText(t.untruncatedTokens, t.texts)} uncut)`,
  );
  lines.push(
    `- Model: vocabulary ${fmt(s.vocabSize, 0)}, max length ${s.maxLength}, embedding ${s.embeddingDim}, units ${s.units}, CNN filters ${s.cnnFilters}, batch ${s.batchSize}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, seed ${s.seed}; prediction in batches of ${s.predictBatchSize}, raw text → label, model loaded from disk`,
  );
  const b = report.stockBudget;
  lines.push(
    `- Stock tfjs budget: training stops after ${b.trainSeconds || '∞'} s of timed batches${b.maxBatches ? ` or ${b.maxBatches} batches` : ''} (first batch untimed, * = extrapolated, accuracy then not measured); prediction on ${b.predictTexts || 'all'} test texts`,
  );
  lines.push(
    `- Threads: each training thread count (${report.threads.join(', ')}) is a round of this run. Glossa trains each batch on N threads (data-parallel, \`createTrainingWorkers\` as \`glossa train --threads N\`; the tfjs wasm and cpu backends themselves compute on one thread in Node), PyTorch with \`torch.set_num_threads(N)\` (\`run_all.sh --threads N\`; the count shown is the one it reports). Stock tfjs-layers has no multi-threaded training and runs once, on one thread; scikit-learn is single-threaded; fastText keeps its own default of 12 threads. Each row sits under the thread count it trained with. *predict texts/s* is Glossa on one thread, *all cores* Glossa's \`createPredictionPool\` (one worker per core); PyTorch predicts on its N threads.`,
  );
  lines.push(
    `- Train tokens/s = train samples/s × tokens per text, the tokens counted once over the training CSV by Glossa's text pipeline (the \`${t.tokenizer}\` tokenizer its \`fit\` uses), the same count for every system: ${fmt(t.tokens, 0)} per epoch for Glossa, stock tfjs and PyTorch (each text cut at ${t.maxLength} tokens; padding not counted, though stock and PyTorch compute every text at ${t.maxLength} positions and Glossa pads each batch to its longest text), ${fmt(t.untruncatedTokens, 0)} for fastText and TF-IDF, which read whole texts. So tokens/s ratios equal samples/s ratios.`,
  );
  lines.push('- Ratios: Glossa ÷ PyTorch at equal threads (same architecture); Glossa ÷ stock tfjs (same architecture and backend) at one thread only.');
  if (report.mixedBuilds) lines.push(`- **Warning**: ${report.mixedBuilds}.`);
  if (report.peersSkipped) lines.push(`- Peers not run: ${report.peersSkipped}.`);
  const grouped = new Set(report.threads);
  for (const threads of report.threads) {
    lines.push('');
    lines.push(`### Training on ${threadsHeading(threads, m.availableParallelism)}`);
    lines.push('');
    lines.push(...TABLE_HEADER);
    for (const r of report.results) if (r.trainThreads === threads) lines.push(measurementRow(r));
    for (const p of report.peers) if (p.threads === threads) lines.push(peerRow(p));
    const ratios = report.ratios.filter((r) => r.threads === threads);
    if (ratios.length > 0) {
      lines.push('');
      lines.push(...ratioTable(ratios, threads, threads === 1 && report.results.some((r) => r.system === 'stock')));
    }
  }
  const results = report.results.filter((r) => !grouped.has(r.trainThreads));
  const peers = report.peers.filter((p) => p.threads === null || !grouped.has(p.threads));
  if (results.length + peers.length > 0) {
    lines.push('');
    lines.push('### At their own thread counts');
    lines.push('');
    lines.push(...TABLE_HEADER);
    for (const r of results) lines.push(measurementRow(r));
    for (const p of peers) lines.push(peerRow(p));
  }
  return `${lines.join('\n')}\n`;
}
