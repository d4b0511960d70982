/**
 * What a chunk holds in Redis: its input records, then (once, written by the worker that scored it) its
 * predictions. Both are JSON; numbers round-trip exactly, so collected output equals `glossa predict`'s.
 */
import type { Prediction } from '@glossa/model-core';
import type { PredictionRecord } from '@glossa/node-runtime';
import { QueueError } from './errors.js';

/**
 * One input record of a job: a text to label, or the reason it has none (it keeps its place in the output).
 * node-runtime's record type, the one `glossa predict` and the Parquet writer take.
 */
export type ScoreItem = PredictionRecord;

/** The predictions of one chunk: the label order once, then per text `[label index, score per label…]`. */
interface StoredOutput {
  labels: string[];
  rows: number[][];
}

/**
 * Serialises a chunk's records for Redis.
 *
 * @param items - The records.
 * @returns JSON.
 */
export function encodeChunkInput(items: readonly ScoreItem[]): string {
  return JSON.stringify(items);
}

/**
 * Reads a chunk's records back, checking their shape.
 *
 * @param raw - The stored JSON.
 * @param where - The chunk, for the message.
 * @returns The records.
 * @throws {QueueError} BAD_DATA when it is not a chunk.
 */
export function decodeChunkInput(raw: string, where: string): ScoreItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new QueueError('BAD_DATA', `${where}: the stored input is not valid JSON (${(error as Error).message}); it was changed or truncated in Redis`);
  }
  if (!Array.isArray(parsed)) throw new QueueError('BAD_DATA', `${where}: the stored input is not a list of records`);
  for (const [i, item] of parsed.entries()) {
    const ok =
      typeof item === 'object' &&
      item !== null &&
      Number.isInteger((item as ScoreItem).line) &&
      (typeof (item as ScoreItem).text === 'string' || typeof (item as ScoreItem).error === 'string');
    if (!ok) throw new QueueError('BAD_DATA', `${where}: stored record ${i + 1} is not a record (needs "line" and "text" or "error")`);
  }
  return parsed as ScoreItem[];
}

/**
 * Serialises a chunk's predictions (one per item with a text, in order).
 *
 * @param predictions - The predictions.
 * @returns JSON, compact: the label names once.
 */
export function encodeChunkOutput(predictions: readonly Prediction[]): string {
  const labels = predictions.length === 0 ? [] : Object.keys(predictions[0]!.scores);
  const rows = predictions.map((p) => {
    const keys = Object.keys(p.scores);
    // The order of `scores` is part of the output bytes; every prediction of a model has the same one.
    if (keys.length !== labels.length || keys.some((k, i) => k !== labels[i])) {
      throw new QueueError('BAD_DATA', `predictions disagree on their labels (${labels.join(', ')} vs ${keys.join(', ')})`);
    }
    return [labels.indexOf(p.label), ...labels.map((l) => p.scores[l]!)];
  });
  return JSON.stringify({ labels, rows } satisfies StoredOutput);
}

/**
 * Reads a chunk's predictions back.
 *
 * @param raw - The stored JSON.
 * @param where - The chunk, for the message.
 * @returns One prediction per text, `scores` in the model's label order.
 * @throws {QueueError} BAD_DATA when it is not a chunk's output.
 */
export function decodeChunkOutput(raw: string, where: string): Prediction[] {
  let parsed: StoredOutput;
  try {
    parsed = JSON.parse(raw) as StoredOutput;
  } catch (error) {
    throw new QueueError('BAD_DATA', `${where}: the stored predictions are not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed?.labels) || !Array.isArray(parsed.rows)) throw new QueueError('BAD_DATA', `${where}: the stored predictions have no labels/rows`);
  const { labels } = parsed;
  return parsed.rows.map((row) => {
    const scores: Record<string, number> = {};
    labels.forEach((l, i) => {
      scores[l] = row[i + 1]!;
    });
    return { label: labels[row[0]!]!, scores };
  });
}

/** Line numbers of a chunk's records as runs `[first, count]`: consecutive lines cost one pair. */
export type LineRuns = Array<[number, number]>;

/**
 * The line runs of a chunk's records.
 *
 * @param items - The records.
 * @returns Runs of consecutive lines.
 */
export function lineRuns(items: readonly ScoreItem[]): LineRuns {
  const runs: LineRuns = [];
  for (const { line } of items) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] + last[1] === line) last[1]++;
    else runs.push([line, 1]);
  }
  return runs;
}

/**
 * Every line of some runs.
 *
 * @param runs - The runs.
 * @returns The lines.
 */
export function linesOf(runs: LineRuns): number[] {
  const lines: number[] = [];
  for (const [first, count] of runs) for (let i = 0; i < count; i++) lines.push(first + i);
  return lines;
}
