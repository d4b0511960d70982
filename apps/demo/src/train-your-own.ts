import type { Architecture, EvaluationReport, FitResult, LabeledText, TrainingEvent, WorkerClient } from '@glossa/web-runtime';
import { type ParsedDataset, detectFormat, parseDataset, suggestColumns } from './parse-dataset.js';
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
    const skipped = dataset.skipped > 0 ? ` ${dataset.skipped} malformed rows skipped (${dataset.problems[0] ?? ''}).` : '';
    summary.textContent = `${dataset.rows.length} rows, ${dataset.columns.length} columns (${dataset.format.toUpperCase()}). ${chosen.length} usable examples; ${counts.size} labels: ${labelList}${counts.size > 8 ? ', …' : ''}.${skipped}`;
    const ok = counts.size >= 2 && chosen.length >= 10 && textColumn.value !== labelColumn.value;
    trainButton.disabled = !ok || controller !== undefined;
    if (!updateStatus) return;
    if (!ok && controller === undefined) {
      setStatus(textColumn.value === labelColumn.value ? 'Pick different text and label columns.' : 'Need at least 10 examples and 2 labels to train.', 'invalid');
    } else if (controller === undefined) {
      setStatus('Ready to train.', 'ready');
    }
  };

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (file === undefined) return;
    dataset = undefined;
    trainButton.disabled = true;
    summary.textContent = `Reading ${file.name}…`;
    try {
      const parsed = await parseDataset(file, detectFormat(file.name), (fraction) => {
        summary.textContent = `Reading ${file.name}… ${Math.round(fraction * 100)}%`;
      });
      if (parsed.columns.length < 2) {
        summary.textContent = `${file.name}: found ${parsed.columns.length} column(s) (${parsed.columns.join(', ') || 'none'}). The file needs a header row with a text column and a label column.`;
        return;
      }
      dataset = parsed;
      const suggested = suggestColumns(parsed);
      fillSelect(textColumn, parsed.columns, suggested.text);
      fillSelect(labelColumn, parsed.columns, suggested.label);
      describeSelection();
    } catch (error) {
      summary.textContent = `${file.name}: ${(error as Error).message}`;
    }
  });
  textColumn.addEventListener('change', () => describeSelection());
  labelColumn.addEventListener('change', () => describeSelection());

  const onProgress = (event: TrainingEvent): void => {
    if (charts === undefined) return;
    switch (event.type) {
      case 'start':
        setStatus(`Training on ${event.trainSize} examples (${event.validationSize} held out for validation), ${event.epochs} epochs × ${event.batchesPerEpoch} batches…`, 'training');
        break;
      case 'batch': {
        const x = event.epoch - 1 + event.batch / event.batchesPerEpoch;
        charts.loss.addTrain(x, event.loss);
        charts.accuracy.addTrain(x, event.accuracy);
        setStatus(`Epoch ${event.epoch}, batch ${event.batch}/${event.batchesPerEpoch}: loss ${event.loss.toFixed(4)}, accuracy ${event.accuracy.toFixed(3)}`, 'training');
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
