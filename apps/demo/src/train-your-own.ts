import {
  type Architecture,
  COMMON_ENCODINGS,
  type EvaluationReport,
  type FitResult,
  type LabeledText,
  type TrainingEvent,
  UndecodableTextError,
  type WorkerClient,
  resolveEncoding,
  undecodableTextMessage,
} from '@glossa/web-runtime';
import { suggestEncodings, wholeLines } from './detect-encoding.js';
import { ENCODING_LIST, NotTextError, type ParsedDataset, detectFormat, parseDataset, suggestColumns } from './parse-dataset.js';
import { createLiveClassifier } from './try-it.js';
import { type TrainingChart, createTrainingChart } from './training-chart.js';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`train-your-own: element #${id} is missing from the page.`);
  return node as T;
}

function fillSelect(select: HTMLSelectElement, columns: readonly string[], chosen: string): void {
  select.replaceChildren(
    ...columns.map((column) => {
      const option = document.createElement('option');
      option.value = column;
      option.textContent = column;
      option.selected = column === chosen;
      return option;
    }),
  );
  select.disabled = columns.length === 0;
}

/** `1 label`, `3 labels`, `1,200 rows`. */
function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** How the summary names the encoding a file was read in: nothing for plain UTF-8. */
function encodingNote(dataset: ParsedDataset): string {
  if (dataset.encodingFromByteOrderMark) return `, ${dataset.encoding.toUpperCase()} from its byte-order mark`;
  return dataset.encoding === 'utf-8' ? '' : `, ${dataset.encoding}`;
}

/** Bytes of `file` around byte `offset` (or its start), cut to whole lines, to guess its encoding from. */
async function sampleAround(file: Blob, offset = 0): Promise<Uint8Array> {
  const from = Math.max(0, offset - 16 * 1024);
  const to = Math.min(file.size, from + 256 * 1024);
  return wholeLines(new Uint8Array(await file.slice(from, to).arrayBuffer()), from === 0, to === file.size);
}

function readInt(input: HTMLInputElement, fallback: number): number {
  const value = Number.parseInt(input.value, 10);
  const min = Number(input.min || '1');
  const max = Number(input.max || String(Number.MAX_SAFE_INTEGER));
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

function fmt(value: number | undefined, digits = 4): string {
  return value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

function renderMetrics(container: HTMLElement, report: EvaluationReport, result: FitResult): void {
  const items: Array<[string, string]> = [
    ['Accuracy', `${(report.accuracy * 100).toFixed(1)}%`],
    ['Macro F1', report.macroF1.toFixed(3)],
    ['Log loss', report.logLoss.toFixed(3)],
    ['Validation rows', String(report.n)],
    ['Epochs run', `${result.epochsRun} (kept ${result.bestEpoch})`],
    ['Training time', `${result.trainSeconds.toFixed(1)} s`],
  ];
  if (report.rocAuc !== undefined) items.splice(2, 0, ['ROC AUC', report.rocAuc.toFixed(3)]);
  const list = document.createElement('dl');
  list.className = 'metric-list';
  for (const [name, value] of items) {
    const wrap = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    wrap.append(dt, dd);
    list.append(wrap);
  }
  container.replaceChildren(list);
  container.dataset.accuracy = String(report.accuracy);
}

function renderConfusion(table: HTMLTableElement, report: EvaluationReport): void {
  const caption = table.createCaption();
  caption.textContent = 'Confusion matrix (rows: true label, columns: predicted label)';
  const head = document.createElement('thead');
  const headRow = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'true \\ predicted';
  headRow.append(corner);
  for (const label of report.labels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement('tbody');
  const max = Math.max(1, ...report.confusionMatrix.flat());
  report.confusionMatrix.forEach((row, i) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = report.labels[i] ?? String(i);
    tr.append(th);
    row.forEach((count, j) => {
      const td = document.createElement('td');
      td.textContent = String(count);
      td.className = i === j ? 'diagonal' : 'off-diagonal';
      td.style.setProperty('--strength', (count / max).toFixed(3));
      tr.append(td);
    });
    body.append(tr);
  });
  table.replaceChildren(caption, head, body);
}

/**
 * Sets up the "Train your own" section: file upload and parsing, column and hyperparameter choice,
 * training in a worker with live charts and cancel, validation metrics and confusion matrix, a text box
 * to try the new model and a download of its bundle.
 *
 * @param getClient - Creates (once) the worker client used for training.
 * @example
 * ```ts
 * setupTrainYourOwn(() => client);
 * ```
 */
export function setupTrainYourOwn(getClient: () => Promise<WorkerClient>): void {
  const fileInput = byId<HTMLInputElement>('dataset-file');
  const encodingSelect = byId<HTMLSelectElement>('dataset-encoding');
  const suggestions = byId<HTMLDivElement>('encoding-suggestions');
  const summary = byId<HTMLParagraphElement>('dataset-summary');
  const textColumn = byId<HTMLSelectElement>('text-column');
  const labelColumn = byId<HTMLSelectElement>('label-column');
  const architecture = byId<HTMLSelectElement>('architecture');
  const epochs = byId<HTMLInputElement>('epochs');
  const batchSize = byId<HTMLInputElement>('batch-size');
  const maxLength = byId<HTMLInputElement>('max-length');
  const form = byId<HTMLFormElement>('train-form');
  const trainButton = byId<HTMLButtonElement>('train-button');
  const cancelButton = byId<HTMLButtonElement>('cancel-button');
  const status = byId<HTMLParagraphElement>('train-status');
  const panel = byId<HTMLDivElement>('training-panel');
  const epochBody = byId<HTMLTableElement>('epoch-table').tBodies[0];
  const results = byId<HTMLDivElement>('train-results');
  const metrics = byId<HTMLDivElement>('validation-metrics');
  const confusion = byId<HTMLTableElement>('confusion-matrix');
  const customText = byId<HTMLTextAreaElement>('custom-text');
  const customResult = byId<HTMLDivElement>('custom-result');
  const downloadButton = byId<HTMLButtonElement>('download-button');

  let dataset: ParsedDataset | undefined;
  let controller: AbortController | undefined;
  let bundle: Uint8Array | undefined;
  let charts: { loss: TrainingChart; accuracy: TrainingChart } | undefined;
  let live: ReturnType<typeof createLiveClassifier> | undefined;
  let liveClient: WorkerClient | undefined;

  const setStatus = (message: string, state: string): void => {
    status.textContent = message;
    status.dataset.state = state;
  };

  const examples = (): LabeledText[] => {
    if (dataset === undefined) return [];
    const text = textColumn.value;
    const label = labelColumn.value;
    const out: LabeledText[] = [];
    for (const row of dataset.rows) {
      const t = row[text];
      const l = row[label]?.trim();
      if (t !== undefined && t.trim() !== '' && l !== undefined && l !== '') out.push({ text: t, label: l });
    }
    return out;
  };

  const describeSelection = (updateStatus = true): void => {
    if (dataset === undefined) return;
    const chosen = examples();
    const counts = new Map<string, number>();
    for (const e of chosen) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    const labelList = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([l, n]) => `${l} (${n})`)
      .join(', ');
    const skipped = dataset.skipped > 0 ? ` ${plural(dataset.skipped, 'malformed row')} skipped (${dataset.problems[0] ?? ''}).` : '';
    const note = dataset.formatNote === undefined ? '' : ` ${dataset.formatNote.charAt(0).toUpperCase()}${dataset.formatNote.slice(1)}.`;
    summary.textContent =
      `${plural(dataset.rows.length, 'row')}, ${plural(dataset.columns.length, 'column')} (${dataset.format.toUpperCase()}${encodingNote(dataset)}). ` +
      `${plural(chosen.length, 'usable example')}; ${plural(counts.size, 'label')}: ${labelList}${counts.size > 8 ? ', …' : ''}.${skipped}${note}`;
    const ok = counts.size >= 2 && chosen.length >= 10 && textColumn.value !== labelColumn.value;
    trainButton.disabled = !ok || controller !== undefined;
    if (!updateStatus) return;
    if (!ok && controller === undefined) {
      setStatus(
        textColumn.value === labelColumn.value
          ? 'Pick different text and label columns.'
          : `Need at least 10 examples and 2 labels to train (these columns give ${plural(chosen.length, 'example')} and ${plural(counts.size, 'label')}).`,
        'invalid',
      );
    } else if (controller === undefined) {
      setStatus('Ready to train.', 'ready');
    }
  };

  /** Forgets the previous file: its columns, rows, messages and suggestions. */
  const resetDataset = (): void => {
    dataset = undefined;
    fillSelect(textColumn, [], '');
    fillSelect(labelColumn, [], '');
    trainButton.disabled = true;
    delete summary.dataset.state;
    suggestions.hidden = true;
    suggestions.replaceChildren();
    if (controller === undefined) setStatus('', 'idle');
  };

  /**
   * Refuses a file that is not valid in the chosen encoding (the command line's message) or is not text in
   * it, and offers the encodings its bytes decode in.
   */
  const refuse = async (file: File, error: UndecodableTextError | NotTextError, encoding: string): Promise<void> => {
    const offset = error instanceof UndecodableTextError ? error.problem.offset : 0;
    const found = suggestEncodings(await sampleAround(file, offset), [encoding]);
    summary.textContent =
      error instanceof UndecodableTextError
        ? undecodableTextMessage(error.problem, { ...ENCODING_LIST, example: found[0] ?? ENCODING_LIST.example })
        : error.message;
    summary.dataset.state = 'error';
    if (found.length === 0) return;
    const buttons = found.map((encoding) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.encoding = encoding;
      button.textContent = `Read as ${encoding}`;
      button.addEventListener('click', () => {
        encodingSelect.value = encoding;
        void load();
      });
      return button;
    });
    suggestions.replaceChildren(Object.assign(document.createElement('span'), { textContent: 'This file decodes as:' }), ...buttons);
    suggestions.hidden = false;
  };

  let loads = 0;
  /** Reads the chosen file in the chosen encoding (again, when the encoding changes). */
  const load = async (): Promise<void> => {
    const file = fileInput.files?.[0];
    if (file === undefined) return;
    const ticket = ++loads;
    resetDataset();
    summary.textContent = `Reading ${file.name}…`;
    try {
      const parsed = await parseDataset(file, {
        format: detectFormat(file.name),
        encoding: encodingSelect.value,
        name: file.name,
        onProgress: (fraction) => {
          if (ticket === loads) summary.textContent = `Reading ${file.name}… ${Math.round(fraction * 100)}%`;
        },
      });
      if (ticket !== loads) return;
      if (parsed.columns.length < 2) {
        summary.textContent = `${file.name}: found ${plural(parsed.columns.length, 'column')} (${parsed.columns.join(', ') || 'none'}). The file needs a header row with a text column and a label column.`;
        summary.dataset.state = 'error';
        return;
      }
      dataset = parsed;
      const suggested = suggestColumns(parsed);
      fillSelect(textColumn, parsed.columns, suggested.text);
      fillSelect(labelColumn, parsed.columns, suggested.label);
      describeSelection();
    } catch (error) {
      if (ticket !== loads) return;
      if (error instanceof UndecodableTextError || error instanceof NotTextError) {
        await refuse(file, error, error instanceof UndecodableTextError ? error.problem.encoding : (resolveEncoding(encodingSelect.value) ?? 'utf-8'));
      } else {
        summary.textContent = `${file.name}: ${(error as Error).message}`;
        summary.dataset.state = 'error';
      }
    }
  };

  // Grouped by the writing each serves; the options show the names a file's encoding is known by, so the
  // list stays narrow enough for a phone.
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const { name, language, use, alias } of COMMON_ENCODINGS) {
    let group = groups.get(language);
    if (group === undefined) {
      group = document.createElement('optgroup');
      group.label = language;
      groups.set(language, group);
    }
    const option = document.createElement('option');
    option.value = name;
    option.textContent = alias === undefined ? name : `${name} (${alias})`;
    option.title = use;
    group.append(option);
  }
  encodingSelect.replaceChildren(...groups.values());
  encodingSelect.value = 'utf-8';
  fileInput.addEventListener('change', () => void load());
  encodingSelect.addEventListener('change', () => void load());
  textColumn.addEventListener('change', () => describeSelection());
  labelColumn.addEventListener('change', () => describeSelection());

  const onProgress = (event: TrainingEvent): void => {
    if (charts === undefined) return;
    switch (event.type) {
      case 'start':
        setStatus(
          `Training on ${event.trainSize} examples (${event.validationSize} held out for validation), ${event.epochs} epochs × ${event.batchesPerEpoch} batches…`,
          'training',
        );
        break;
      case 'batch': {
        const x = event.epoch - 1 + event.batch / event.batchesPerEpoch;
        charts.loss.addTrain(x, event.loss);
        charts.accuracy.addTrain(x, event.accuracy);
        setStatus(
          `Epoch ${event.epoch}, batch ${event.batch}/${event.batchesPerEpoch}: loss ${event.loss.toFixed(4)}, accuracy ${event.accuracy.toFixed(3)}`,
          'training',
        );
        break;
      }
      case 'epoch': {
        charts.loss.addTrain(event.epoch, event.loss);
        charts.accuracy.addTrain(event.epoch, event.accuracy);
        if (event.valLoss !== undefined) charts.loss.addValidation(event.epoch, event.valLoss);
        if (event.valAccuracy !== undefined) charts.accuracy.addValidation(event.epoch, event.valAccuracy);
        const row = document.createElement('tr');
        for (const value of [String(event.epoch), fmt(event.loss), fmt(event.accuracy), fmt(event.valLoss), fmt(event.valAccuracy)]) {
          const td = document.createElement('td');
          td.textContent = value;
          row.append(td);
        }
        epochBody?.append(row);
        break;
      }
      case 'end':
        setStatus(`Finished after ${event.epochsRun} epochs${event.stoppedEarly ? ' (stopped early)' : ''}; keeping epoch ${event.bestEpoch}.`, 'training');
        break;
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = examples();
    if (data.length === 0 || controller !== undefined) return;
    controller = new AbortController();
    trainButton.disabled = true;
    cancelButton.disabled = false;
    results.hidden = true;
    panel.hidden = false;
    epochBody?.replaceChildren();
    charts?.loss.destroy();
    charts?.accuracy.destroy();
    charts = {
      loss: createTrainingChart(byId('loss-chart'), { metric: 'Loss' }),
      accuracy: createTrainingChart(byId('accuracy-chart'), { metric: 'Accuracy', yRange: [0, 1] }),
    };
    setStatus('Starting the training worker…', 'training');
    try {
      const client = await getClient();
      const { result, bundle: trained } = await client.train(data, {
        classifier: { architecture: architecture.value as Architecture, maxLength: readInt(maxLength, 100) },
        fit: { epochs: readInt(epochs, 5), batchSize: readInt(batchSize, 32), validationSplit: 0.2 },
        onProgress,
        signal: controller.signal,
      });
      bundle = trained;
      setStatus(`Trained in ${result.trainSeconds.toFixed(1)} s (${Math.round(result.trainSamplesPerSecond)} examples/s).`, 'done');
      if (result.validation !== undefined) {
        renderMetrics(metrics, result.validation, result);
        renderConfusion(confusion, result.validation);
      } else {
        metrics.textContent = 'No validation set (too few examples to hold some out).';
        confusion.replaceChildren();
      }
      results.hidden = false;
      if (live === undefined || liveClient !== client) {
        live = createLiveClassifier({ client, input: customText, output: customResult });
        liveClient = client;
      }
      if (customText.value.trim() === '') customText.value = data[0]?.text.slice(0, 200) ?? '';
      await live.run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ABORTED') setStatus('Training cancelled.', 'cancelled');
      else setStatus(`Training failed: ${(error as Error).message}`, 'error');
    } finally {
      controller = undefined;
      cancelButton.disabled = true;
      describeSelection(false);
    }
  });

  cancelButton.addEventListener('click', () => {
    controller?.abort();
    setStatus('Cancelling after the current batch…', 'training');
  });

  downloadButton.addEventListener('click', () => {
    if (bundle === undefined) return;
    const url = URL.createObjectURL(new Blob([bundle as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = 'glossa-model.glossa';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
}
