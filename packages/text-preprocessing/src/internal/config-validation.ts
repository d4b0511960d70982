import type { ValidationProblem } from '../errors.js';
import { childPath, describeValue, isRecord } from './describe.js';

/** Collects problems for one object: checks types and reports unknown keys. */
export class ProblemCollector {
  readonly problems: ValidationProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Reports every key of `value` not in `allowed`. */
  unknownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.add(childPath(path, key), `is not a known property (allowed: ${allowed.join(', ')})`);
      }
    }
  }

  /** Checks an optional boolean property. */
  optionalBoolean(value: Record<string, unknown>, key: string, path: string): void {
    const v = value[key];
    if (v !== undefined && typeof v !== 'boolean') {
      this.add(childPath(path, key), `must be a boolean (got ${describeValue(v)})`);
    }
  }

  /** Checks an optional integer property within [min, max]. */
  optionalInteger(value: Record<string, unknown>, key: string, path: string, min: number, max: number): void {
    const v = value[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(childPath(path, key), `must be an integer from ${min} to ${max} (got ${describeValue(v)})`);
    }
  }

  /** Checks an optional property restricted to a list of string literals. */
  optionalEnum(value: Record<string, unknown>, key: string, path: string, allowed: readonly string[]): void {
    const v = value[key];
    if (v !== undefined && (typeof v !== 'string' || !allowed.includes(v))) {
      this.add(childPath(path, key), `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (got ${describeValue(v)})`);
    }
  }

  /** Checks that a value is an object; reports and returns false otherwise. */
  object(value: unknown, path: string): value is Record<string, unknown> {
    if (!isRecord(value)) {
      this.add(path, `must be an object (got ${describeValue(value)})`);
      return false;
    }
    return true;
  }
}

const NORMALIZATION_KEYS = ['unicode', 'lowercase', 'stripAccents', 'stripHtml', 'removeControl', 'collapseWhitespace'];

/** Collects every problem in a normalization options object (used by config validation too). */
export function collectNormalizationProblems(value: unknown, path: string, collector: ProblemCollector): void {
  if (!collector.object(value, path)) return;
  collector.unknownKeys(value, NORMALIZATION_KEYS, path);
  collector.optionalEnum(value, 'unicode', path, ['NFKC', 'NFC', 'none']);
  for (const key of ['lowercase', 'stripAccents', 'stripHtml', 'removeControl', 'collapseWhitespace']) {
    collector.optionalBoolean(value, key, path);
  }
}

/** Largest accepted n-gram length. */
export const MAX_NGRAM = 16;

/** Collects every problem in a tokenizer config. */
export function collectTokenizerProblems(value: unknown, path: string, collector: ProblemCollector): void {
  if (!collector.object(value, path)) return;
  const type = value.type;
  switch (type) {
    case 'word':
    case 'whitespace':
    case 'char':
      collector.unknownKeys(value, ['type'], path);
      return;
    case 'char-ngram': {
      collector.unknownKeys(value, ['type', 'minN', 'maxN', 'boundaries'], path);
      collector.optionalInteger(value, 'minN', path, 1, MAX_NGRAM);
      collector.optionalInteger(value, 'maxN', path, 1, MAX_NGRAM);
      collector.optionalBoolean(value, 'boundaries', path);
      const { minN, maxN } = value;
      if (typeof minN === 'number' && typeof maxN === 'number' && minN > maxN) {
        collector.add(`${path}.maxN`, `must be >= minN (got minN ${minN}, maxN ${maxN})`);
      }
      return;
    }
    case 'keras': {
      collector.unknownKeys(value, ['type', 'filters', 'split', 'charLevel'], path);
      if (typeof value.filters !== 'string') {
        collector.add(`${path}.filters`, `must be a string (got ${describeValue(value.filters)})`);
      }
      if (typeof value.split !== 'string' || value.split.length === 0) {
        collector.add(`${path}.split`, `must be a non-empty string (got ${describeValue(value.split)})`);
      }
      if (typeof value.charLevel !== 'boolean') {
        collector.add(`${path}.charLevel`, `must be a boolean (got ${describeValue(value.charLevel)})`);
      }
      return;
    }
    default:
      collector.add(`${path}.type`, `must be one of "word", "whitespace", "char", "char-ngram", "keras" (got ${describeValue(type)})`);
  }
}

/** Largest vocabulary size: ids must fit an Int32Array. */
export const MAX_VOCABULARY_SIZE = 2 ** 31 - 1;

/** Collects every problem in vocabulary options. */
export function collectVocabularyOptionsProblems(value: unknown, path: string, collector: ProblemCollector): void {
  if (!collector.object(value, path)) return;
  collector.unknownKeys(value, ['maxSize', 'minFrequency'], path);
  collector.optionalInteger(value, 'maxSize', path, 2, MAX_VOCABULARY_SIZE);
  collector.optionalInteger(value, 'minFrequency', path, 1, Number.MAX_SAFE_INTEGER);
}

/** Collects every problem in a serialised vocabulary. */
export function collectVocabularyJSONProblems(value: unknown, path: string, collector: ProblemCollector): void {
  if (!collector.object(value, path)) return;
  const tokens = value.tokens;
  const tokensPath = `${path}.tokens`;
  if (!Array.isArray(tokens)) {
    collector.add(tokensPath, `must be an array of strings (got ${describeValue(tokens)})`);
    return;
  }
  if (tokens.length < 2) {
    collector.add(tokensPath, `must hold at least the reserved "<pad>" and "<unk>" tokens (got ${tokens.length} tokens)`);
  }
  if (tokens.length > MAX_VOCABULARY_SIZE) {
    collector.add(tokensPath, `must hold at most ${MAX_VOCABULARY_SIZE} tokens (got ${tokens.length})`);
  }
  if (tokens.length >= 1 && tokens[0] !== '<pad>') {
    collector.add(`${tokensPath}[0]`, `must be "<pad>" (got ${describeValue(tokens[0])})`);
  }
  if (tokens.length >= 2 && tokens[1] !== '<unk>') {
    collector.add(`${tokensPath}[1]`, `must be "<unk>" (got ${describeValue(tokens[1])})`);
  }
  const seen = new Map<string, number>();
  let reported = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token: unknown = tokens[i];
    if (typeof token !== 'string') {
      if (reported++ < 20) collector.add(`${tokensPath}[${i}]`, `must be a string (got ${describeValue(token)})`);
      continue;
    }
    const first = seen.get(token);
    if (first !== undefined) {
      if (reported++ < 20) {
        collector.add(`${tokensPath}[${i}]`, `duplicates ${tokensPath}[${first}] (${describeValue(token)})`);
      }
      continue;
    }
    seen.set(token, i);
  }
  if (reported > 20) collector.add(tokensPath, `has ${reported - 20} more invalid or duplicate tokens`);
}

/** Collects every problem in a (possibly partial) text pipeline config. */
export function collectTextPipelineConfigProblems(value: unknown, path: string, collector: ProblemCollector, requireAll: boolean): void {
  if (!collector.object(value, path)) return;
  const keys = ['normalization', 'tokenizer', 'vocabulary', 'maxLength', 'padding', 'truncating'];
  collector.unknownKeys(value, keys, path);
  if (requireAll) {
    for (const key of keys) if (value[key] === undefined) collector.add(childPath(path, key), 'is missing');
  }
  if (value.normalization !== undefined) {
    collectNormalizationProblems(value.normalization, childPath(path, 'normalization'), collector);
  }
  if (value.tokenizer !== undefined) collectTokenizerProblems(value.tokenizer, childPath(path, 'tokenizer'), collector);
  if (value.vocabulary !== undefined) {
    collectVocabularyOptionsProblems(value.vocabulary, childPath(path, 'vocabulary'), collector);
  }
  collector.optionalInteger(value, 'maxLength', path, 1, MAX_VOCABULARY_SIZE);
  collector.optionalEnum(value, 'padding', path, ['pre', 'post']);
  collector.optionalEnum(value, 'truncating', path, ['pre', 'post']);
}
