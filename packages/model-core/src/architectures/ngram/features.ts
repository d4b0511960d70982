import { fmix32 } from '@glossa/math';

/**
 * Sparse n-gram features (fastText / NBSVM / TF-IDF style): word 1…n-grams of the pipeline's tokens and
 * character n-grams of the whitespace-separated chunks of the normalised text (each chunk padded with a
 * space on both sides, like scikit-learn's `char_wb`). Every n-gram is hashed to a 64-bit key (two
 * independent 32-bit lanes, no strings kept); a fitted {@link FeatureTable} maps the kept keys to feature
 * ids and inverse document frequencies. Values are sublinear TF-IDF, L2-normalised per block (words,
 * characters) and scaled by 1/√blocks, so each document vector has unit length.
 */

/** Which n-grams are extracted; resolved at training time and stored in the bundle. */
export interface NgramFeatureConfig {
  /** Longest word n-gram (1 = unigrams only; 0 = no word features). */
  wordMaxN: number;
  /** Shortest character n-gram (0 = no character features). */
  charMinN: number;
  /** Longest character n-gram (0 = no character features). */
  charMaxN: number;
}

const WORD_SEED = 0x9e3779b1;
const CHAR_SEED = 0x85ebca77;

/** Two hash lanes of a string (FNV-1a and a multiplicative lane), before finalisation. */
function hashString(s: string, seed: number, out: Uint32Array): void {
  let a = (0x811c9dc5 ^ seed) >>> 0;
  let b = (seed * 31 + s.length) >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[0] = a >>> 0;
  out[1] = b >>> 0;
}

/** Receives each extracted n-gram as a 64-bit key (`lo`, `hi`) and its block (0 words, 1 characters). */
export type KeySink = (lo: number, hi: number, block: number) => void;

const scratch = new Uint32Array(2);

/**
 * The keys of one text's n-grams, in extraction order: `keys[2k]`, `keys[2k + 1]` are the lanes of key k;
 * the first `words` keys are word n-grams (block 0), the rest character n-grams (block 1). Reused from text
 * to text (it grows as needed), so extraction allocates nothing and calls back nothing: the loops that read
 * it (fitting, vectorising) are plain loops V8 compiles tightly.
 */
export interface KeyBuffer {
  keys: Uint32Array;
  count: number;
  words: number;
}

/** An empty {@link KeyBuffer}. */
export function createKeyBuffer(): KeyBuffer {
  return { keys: new Uint32Array(2048), count: 0, words: 0 };
}

function push(out: KeyBuffer, a: number, b: number, n: number): void {
  let lo = fmix32((a ^ Math.imul(n, 0x27d4eb2d)) >>> 0);
  const hi = fmix32((b + Math.imul(n + 7, 0x165667b1)) >>> 0);
  if (lo === 0 && hi === 0) lo = 1;
  if (2 * out.count + 2 > out.keys.length) {
    const grown = new Uint32Array(out.keys.length * 2);
    grown.set(out.keys);
    out.keys = grown;
  }
  out.keys[2 * out.count] = lo;
  out.keys[2 * out.count + 1] = hi;
  out.count++;
}

/**
 * Writes the keys of every word and character n-gram of one text into `out` (replacing what it held).
 *
 * @param normalized - The pipeline-normalised text (character n-grams come from its whitespace chunks).
 * @param tokens - The pipeline's tokens of the same text (word n-grams).
 * @param config - Which n-grams.
 * @param out - Receives the keys.
 */
export function extractKeyBuffer(normalized: string, tokens: readonly string[], config: NgramFeatureConfig, out: KeyBuffer): void {
  const { wordMaxN, charMinN, charMaxN } = config;
  out.count = 0;
  if (wordMaxN > 0 && tokens.length > 0) {
    const la = new Uint32Array(tokens.length);
    const lb = new Uint32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      hashString(tokens[i]!, WORD_SEED, scratch);
      la[i] = scratch[0]!;
      lb[i] = scratch[1]!;
    }
    for (let i = 0; i < tokens.length; i++) {
      let a = la[i]!;
      let b = lb[i]!;
      push(out, a, b, 1);
      for (let n = 2; n <= wordMaxN && i + n - 1 < tokens.length; n++) {
        const j = i + n - 1;
        a = Math.imul(a ^ fmix32(la[j]!), 0x01000193) >>> 0;
        b = (Math.imul(b, 0x9e3779b1) + lb[j]!) >>> 0;
        push(out, a, b, n);
      }
    }
  }
  out.words = out.count;
  if (charMinN > 0 && charMaxN >= charMinN) {
    const text = normalized;
    const len = text.length;
    let start = 0;
    while (start < len) {
      // One whitespace-separated chunk, padded with a space on each side.
      while (start < len && isSpace(text.charCodeAt(start))) start++;
      if (start >= len) break;
      let end = start;
      while (end < len && !isSpace(text.charCodeAt(end))) end++;
      const padded = end - start + 2;
      for (let i = 0; i < padded; i++) {
        let a = (0x811c9dc5 ^ CHAR_SEED) >>> 0;
        let b = CHAR_SEED;
        for (let n = 1; n <= charMaxN && i + n <= padded; n++) {
          const p = i + n - 1;
          const c = p === 0 || p === padded - 1 ? 32 : text.charCodeAt(start + p - 1);
          a = Math.imul(a ^ c, 16777619) >>> 0;
          b = (Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15)) >>> 0;
          // A lone padding space carries no information.
          if (n >= charMinN && !(n === 1 && c === 32)) push(out, a, b, n);
        }
      }
      start = end;
    }
  }
}

const sharedKeys = createKeyBuffer();

/**
 * Calls `sink` for every word and character n-gram of one text (in the order of {@link extractKeyBuffer}).
 *
 * @param normalized - The pipeline-normalised text (character n-grams come from its whitespace chunks).
 * @param tokens - The pipeline's tokens of the same text (word n-grams).
 * @param config - Which n-grams.
 * @param sink - Receives the keys.
 */
export function extractKeys(normalized: string, tokens: readonly string[], config: NgramFeatureConfig, sink: KeySink): void {
  extractKeyBuffer(normalized, tokens, config, sharedKeys);
  const { keys, count, words } = sharedKeys;
  for (let k = 0; k < count; k++) sink(keys[2 * k]!, keys[2 * k + 1]!, k < words ? 0 : 1);
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 12 ||
    c === 11 ||
    c === 0xa0 ||
    c === 0x3000 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029
  );
}

/**
 * An open-addressing hash table from 64-bit keys to integers (linear probing, power-of-two capacity,
 * grows at half load). Deterministic: the same insertions give the same layout.
 */
export class KeyTable {
  /** Slot i holds low lane, high lane and value at 3i, 3i+1, 3i+2 (one cache line per probe, mostly). */
  slots: Int32Array;
  size = 0;
  private mask: number;

  constructor(capacity = 1024) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.slots = new Int32Array(c * 3);
    this.mask = c - 1;
  }

  /** Capacity in slots. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Slot of the key: its own, or the empty one where it would go. Keys are never (0, 0). */
  slot(lo: number, hi: number): number {
    const slots = this.slots;
    lo |= 0;
    hi |= 0;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const l = slots[3 * i]!;
      const h = slots[3 * i + 1]!;
      if ((l === lo && h === hi) || (l === 0 && h === 0)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Whether slot i holds a key. */
  used(i: number): boolean {
    return this.slots[3 * i] !== 0 || this.slots[3 * i + 1] !== 0;
  }

  /** The value of a key, or -1. */
  get(lo: number, hi: number): number {
    const i = this.slot(lo, hi);
    return this.used(i) ? this.slots[3 * i + 2]! : -1;
  }

  /** Value in slot i. */
  valueAt(i: number): number {
    return this.slots[3 * i + 2]!;
  }

  /** Key lanes in slot i, as unsigned numbers. */
  keyAt(i: number): [number, number] {
    return [this.slots[3 * i]! >>> 0, this.slots[3 * i + 1]! >>> 0];
  }

  /** Slot of the key, inserting it with value `initial` when absent (the table may grow: slots move). */
  insert(lo: number, hi: number, initial: number): number {
    let i = this.slot(lo, hi);
    if (!this.used(i)) {
      if ((this.size + 1) * 2 > this.capacity) {
        this.grow();
        i = this.slot(lo, hi);
      }
      this.slots[3 * i] = lo | 0;
      this.slots[3 * i + 1] = hi | 0;
      this.slots[3 * i + 2] = initial;
      this.size++;
    }
    return i;
  }

  private grow(): void {
    const old = this.slots;
    const c = this.capacity * 2;
    this.slots = new Int32Array(c * 3);
    this.mask = c - 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i] === 0 && old[i + 1] === 0) continue;
      const j = this.slot(old[i]!, old[i + 1]!);
      this.slots[3 * j] = old[i]!;
      this.slots[3 * j + 1] = old[i + 1]!;
      this.slots[3 * j + 2] = old[i + 2]!;
    }
  }
}

/**
 * The mask a look-up applies to a key's low lane when a table keeps `keyBits` bits of each 64-bit key (the
 * high lane, then the top of the low one): all ones for 64.
 *
 * @param keyBits - 32 to 64.
 */
export function lowLaneMask(keyBits: number): number {
  if (keyBits >= 64) return 0xffffffff;
  if (keyBits <= 32) return 0;
  return (0xffffffff << (64 - keyBits)) >>> 0;
}

/** The fitted features: key → id, and per id its block and inverse document frequency. */
export interface FeatureTable {
  readonly config: NgramFeatureConfig;
  /** Keys in id order: `keys[2·id]` low lane, `keys[2·id + 1]` high lane. */
  readonly keys: Uint32Array;
  /** Block of each id (0 words, 1 characters). */
  readonly blocks: Uint8Array;
  /** Inverse document frequency of each id. */
  readonly idf: Float32Array;
  /** Lookup from key to id. */
  readonly lookup: KeyTable;
  /**
   * Bits of each key the table keeps: 64, or fewer for a table read from a quantized bundle (the high lane
   * and the top of the low one); look-ups compare only those.
   */
  readonly keyBits: number;
  /** The mask a look-up applies to the low lane (all ones for 64 key bits). */
  readonly lowMask: number;
}

/**
 * Builds the lookup of a table from its keys.
 *
 * @param keyBits - Bits of each key to compare (64: all; fewer for a quantized bundle's shortened keys).
 */
export function createFeatureTable(config: NgramFeatureConfig, keys: Uint32Array, blocks: Uint8Array, idf: Float32Array, keyBits = 64): FeatureTable {
  const count = blocks.length;
  const lookup = new KeyTable(count);
  const lowMask = lowLaneMask(keyBits);
  for (let id = 0; id < count; id++) {
    // A shortened key equal to an earlier one keeps the earlier (more frequent) feature.
    lookup.insert(keys[2 * id]! & lowMask, keys[2 * id + 1]!, id);
  }
  return { config, keys, blocks, idf, lookup, keyBits, lowMask };
}

/**
 * Counts document frequencies over texts and keeps the most frequent keys.
 *
 * @param docs - Each document as (normalised text, tokens).
 * @param config - Which n-grams.
 * @param minDf - Keys in fewer documents are dropped.
 * @param maxFeatures - At most this many keys are kept (most frequent first; ties by key).
 */
export function fitFeatureTable(
  docs: ReadonlyArray<readonly [string, readonly string[]]>,
  config: NgramFeatureConfig,
  minDf: number,
  maxFeatures: number,
): FeatureTable {
  const table = new KeyTable(1 << 16);
  let df = new Int32Array(table.capacity);
  let lastDoc = new Int32Array(table.capacity);
  let blockOf = new Uint8Array(table.capacity);
  // Values hold an index into the per-key arrays (insertion order), stable when the table grows.
  let next = 0;
  const buffer = createKeyBuffer();
  docs.forEach(([normalized, tokens], d) => {
    extractKeyBuffer(normalized, tokens, config, buffer);
    for (let key = 0; key < buffer.count; key++) {
      const lo = buffer.keys[2 * key]!;
      const hi = buffer.keys[2 * key + 1]!;
      const block = key < buffer.words ? 0 : 1;
      const slot = table.insert(lo, hi, next);
      let k = table.valueAt(slot);
      if (k === next) {
        next++;
        if (k >= df.length) {
          const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
            const b = make(a.length * 2);
            b.set(a);
            return b;
          };
          df = grow(df, (n) => new Int32Array(n));
          lastDoc = grow(lastDoc, (n) => new Int32Array(n));
          blockOf = grow(blockOf, (n) => new Uint8Array(n));
        }
        lastDoc[k] = -1;
        blockOf[k] = block;
      }
      k = table.valueAt(slot);
      if (lastDoc[k] !== d) {
        lastDoc[k] = d;
        df[k]!++;
      }
    }
  });
  // Collect (df, key) of the kept keys.
  const kept: number[] = [];
  const keyLo = new Uint32Array(next);
  const keyHi = new Uint32Array(next);
  for (let i = 0; i < table.capacity; i++) {
    if (!table.used(i)) continue;
    const k = table.valueAt(i);
    [keyLo[k], keyHi[k]] = table.keyAt(i);
    if (df[k]! >= minDf) kept.push(k);
  }
  kept.sort((x, y) => df[y]! - df[x]! || keyHi[x]! - keyHi[y]! || keyLo[x]! - keyLo[y]!);
  // Ids in that order (most frequent first, ties by key: independent of insertion order), so the weights
  // of frequent n-grams sit together in memory: the training loops touch them for nearly every text.
  if (kept.length > maxFeatures) kept.length = maxFeatures;
  const n = docs.length;
  const keys = new Uint32Array(kept.length * 2);
  const blocks = new Uint8Array(kept.length);
  const idf = new Float32Array(kept.length);
  kept.forEach((k, id) => {
    keys[2 * id] = keyLo[k]!;
    keys[2 * id + 1] = keyHi[k]!;
    blocks[id] = blockOf[k]!;
    idf[id] = Math.log((1 + n) / (1 + df[k]!)) + 1;
  });
  return createFeatureTable(config, keys, blocks, idf);
}

/** A sparse row: feature ids (ascending) and values. */
export interface SparseRow {
  ids: Int32Array;
  values: Float32Array;
}

/**
 * The TF-IDF vector of one document: sublinear term frequency (1 + ln tf) × idf, L2-normalised per block,
 * blocks scaled by 1/√(blocks present in the config).
 */
export function vectorize(table: FeatureTable, normalized: string, tokens: readonly string[]): SparseRow {
  const scratch = scratchOf(table);
  const { lookup, position, lowMask } = { lookup: table.lookup, position: scratch.position, lowMask: table.lowMask };
  let ids = scratch.ids;
  let counts = scratch.counts;
  let unique = 0;
  const buffer = scratch.keys;
  extractKeyBuffer(normalized, tokens, table.config, buffer);
  const keys = buffer.keys;
  for (let key = 0; key < buffer.count; key++) {
    const id = lookup.get(keys[2 * key]! & lowMask, keys[2 * key + 1]!);
    if (id < 0) continue;
    const at = position[id]!;
    if (at >= 0) {
      counts[at]!++;
      continue;
    }
    if (unique === ids.length) {
      const grownIds = new Int32Array(ids.length * 2);
      grownIds.set(ids);
      const grownCounts = new Float64Array(ids.length * 2);
      grownCounts.set(counts);
      ids = scratch.ids = grownIds;
      counts = scratch.counts = grownCounts;
    }
    position[id] = unique;
    ids[unique] = id;
    counts[unique] = 1;
    unique++;
  }
  const norms = [0, 0];
  for (let i = 0; i < unique; i++) {
    const id = ids[i]!;
    position[id] = -1;
    // Sublinear tf: 1 + ln(count); most n-grams occur once in a text, where that is 1 (no logarithm).
    const count = counts[i]!;
    const v = (count === 1 ? 1 : 1 + Math.log(count)) * table.idf[id]!;
    counts[i] = v;
    norms[table.blocks[id]!]! += v * v;
  }
  const c = table.config;
  const blocksUsed = (c.wordMaxN > 0 ? 1 : 0) + (c.charMinN > 0 && c.charMaxN >= c.charMinN ? 1 : 0);
  const scale = 1 / Math.sqrt(Math.max(blocksUsed, 1));
  const inv0 = norms[0]! > 0 ? scale / Math.sqrt(norms[0]!) : 0;
  const inv1 = norms[1]! > 0 ? scale / Math.sqrt(norms[1]!) : 0;
  const outIds = ids.slice(0, unique);
  const values = new Float32Array(unique);
  for (let i = 0; i < unique; i++) values[i] = counts[i]! * (table.blocks[ids[i]!] === 0 ? inv0 : inv1);
  return { ids: outIds, values };
}

interface VectorizeScratch {
  position: Int32Array;
  ids: Int32Array;
  counts: Float64Array;
  keys: KeyBuffer;
}

const scratches = new WeakMap<FeatureTable, VectorizeScratch>();

/** Per-table reusable buffers: `position[id]` is the id's slot in the document being built, or -1. */
function scratchOf(table: FeatureTable): VectorizeScratch {
  let s = scratches.get(table);
  if (!s) {
    s = { position: new Int32Array(table.blocks.length).fill(-1), ids: new Int32Array(1024), counts: new Float64Array(1024), keys: createKeyBuffer() };
    scratches.set(table, s);
  }
  return s;
}
