import { MultiBar, type SingleBar } from 'cli-progress';
import type { TrainingEvent } from '../runtime.js';
import type { Colors } from './context.js';
import { formatDuration, formatEpochLine, formatMetric, formatRate } from './format.js';

/** Receives training events and shows them; `stop` must be called in every case. */
export interface TrainingProgress {
  /** Shows one event. */
  handle(event: TrainingEvent): void;
  /** Removes bars and restores the cursor (idempotent). */
  stop(): void;
}

/** Options of {@link createTrainingProgress}. */
export interface TrainingProgressOptions {
  /** Where progress goes (stderr). */
  stream: NodeJS.WritableStream;
  /** Interactive terminal: animated bars; otherwise one plain line per epoch. */
  tty: boolean;
  /** Colours. */
  colors: Colors;
}

/**
 * Shows training progress: per-epoch and per-batch bars (loss, accuracy) on a terminal, one plain
 * line per epoch otherwise.
 *
 * @param options - Stream and mode.
 * @returns The progress sink.
 * @example
 * ```ts
 * const progress = createTrainingProgress({ stream: process.stderr, tty: false, colors });
 * await classifier.fit(data, { onProgress: (e) => progress.handle(e) });
 * progress.stop();
 * ```
 */
export function createTrainingProgress(options: TrainingProgressOptions): TrainingProgress {
  return options.tty ? createBars(options) : createLines(options);
}

/** `12,345`: counts as every other CLI figure writes them. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function startLine(event: Extract<TrainingEvent, { type: 'start' }>): string {
  const validation = event.validationSize > 0 ? `, ${count(event.validationSize)} for validation` : '';
  if (event.candidate === 'ngram') {
    return (
      `ngram: ${count(event.trainSize)} examples${validation}; ${event.labels.length} labels, ${count(event.vocabularySize)} n-gram features; ` +
      `${event.epochs === 1 ? 'one regularisation strength' : `${event.epochs} regularisation strengths`}`
    );
  }
  return (
    (event.candidate === undefined ? '' : `${event.candidate}: `) +
    `training on ${count(event.trainSize)} examples${validation}; ${event.labels.length} labels, ` +
    `vocabulary ${count(event.vocabularySize)}; ${plural(event.epochs, 'epoch')} × ${plural(event.batchesPerEpoch, 'batch', 'batches')}`
  );
}

/**
 * What the end of a fit adds to the epoch lines: which epoch's weights were kept when it was not the last
 * (the validation metrics printed next are that epoch's), and whether training stopped early. Nothing
 * otherwise: the command prints the time and rate itself.
 */
function endLine(event: Extract<TrainingEvent, { type: 'end' }>): string | undefined {
  if (event.bestEpoch > 0 && event.bestEpoch < event.epochsRun) {
    return `best epoch ${event.bestEpoch} of ${event.epochsRun} kept (lowest validation loss; the metrics below are its)${event.stoppedEarly ? '; stopped early' : ''}`;
  }
  return event.stoppedEarly ? `stopped early after ${plural(event.epochsRun, 'epoch')}` : undefined;
}

/** `  ETA 1m 20s` after an epoch line, from the mean epoch time so far; empty after the last epoch. */
function etaAfter(event: Extract<TrainingEvent, { type: 'epoch' }>, secondsSoFar: number): string {
  if (event.epoch >= event.epochs || event.epoch <= 0) return '';
  return `  ETA ${formatDuration((secondsSoFar / event.epoch) * (event.epochs - event.epoch))}`;
}

function createLines({ stream }: TrainingProgressOptions): TrainingProgress {
  let seconds = 0;
  return {
    handle(event) {
      if (event.type === 'start') {
        seconds = 0;
        stream.write(`${startLine(event)}\n`);
      } else if (event.type === 'epoch') {
        seconds += event.seconds;
        stream.write(`${formatEpochLine(event)}${etaAfter(event, seconds)}\n`);
      } else if (event.type === 'end') {
        const line = endLine(event);
        if (line !== undefined) stream.write(`${line}\n`);
      }
    },
    stop() {},
  };
}

function createBars({ stream, colors }: TrainingProgressOptions): TrainingProgress {
  let multi: MultiBar | undefined;
  let epochBar: SingleBar | undefined;
  let batchBar: SingleBar | undefined;
  let batchesSeen = 0;
  let epochsPlanned = 0;
  let startedAt = 0;
  let lastEpoch = { loss: '-', accuracy: '-', val: '' };

  const stop = (): void => {
    if (multi !== undefined) {
      multi.update(); // flushes lines queued with log()
      multi.stop();
      multi = undefined;
    }
  };

  return {
    handle(event) {
      switch (event.type) {
        case 'start': {
          stop();
          stream.write(`${startLine(event)}\n`);
          multi = new MultiBar({
            stream,
            hideCursor: true,
            clearOnComplete: true,
            gracefulExit: false,
            barsize: 24,
            barCompleteChar: '█',
            barIncompleteChar: '░',
            autopadding: true,
            format: (opts, params, payload: Record<string, string>) => {
              const bar = (opts.barCompleteString ?? '').slice(0, Math.round(params.progress * (opts.barsize ?? 24)));
              const rest = (opts.barIncompleteString ?? '').slice(0, (opts.barsize ?? 24) - bar.length);
              return `${payload.name ?? ''} ${colors.cyan(bar)}${rest} ${params.value}/${params.total} ${payload.detail ?? ''}`;
            },
          });
          epochBar = multi.create(event.epochs, 0, { name: 'epochs ', detail: '' });
          epochsPlanned = event.epochs;
          batchBar = multi.create(event.batchesPerEpoch, 0, { name: 'batches', detail: '' });
          startedAt = Date.now();
          batchesSeen = 0;
          break;
        }
        case 'batch': {
          batchesSeen += 1;
          const elapsed = (Date.now() - startedAt) / 1000;
          const rate = elapsed > 0 ? batchesSeen / elapsed : 0;
          // Batches left in this epoch and the ones after it, at the rate so far.
          const left = (epochsPlanned - event.epoch) * event.batchesPerEpoch + (event.batchesPerEpoch - event.batch);
          const eta = rate > 0 && batchesSeen >= 3 ? `  ETA ${formatDuration(left / rate)}` : '';
          batchBar?.setTotal(event.batchesPerEpoch);
          batchBar?.update(event.batch, {
            name: 'batches',
            detail: `loss ${formatMetric(event.loss)}  accuracy ${formatMetric(event.accuracy)}  ${formatRate(rate)} batches/s${eta}`,
          });
          break;
        }
        case 'epoch': {
          lastEpoch = {
            loss: formatMetric(event.loss),
            accuracy: formatMetric(event.accuracy),
            val: event.valAccuracy === undefined ? '' : `  val_accuracy ${formatMetric(event.valAccuracy)}`,
          };
          multi?.log(`${formatEpochLine(event)}\n`);
          epochBar?.update(event.epoch, {
            name: 'epochs ',
            detail: `loss ${lastEpoch.loss}  accuracy ${lastEpoch.accuracy}${lastEpoch.val}`,
          });
          if (event.epoch < event.epochs) batchBar?.update(0, { name: 'batches', detail: '' });
          break;
        }
        case 'end': {
          stop();
          const line = endLine(event);
          if (line !== undefined) stream.write(`${line}\n`);
          break;
        }
      }
    },
    stop,
  };
}

/** `1 epoch`, `3 epochs`. */
function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
