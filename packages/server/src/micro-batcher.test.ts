import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMicroBatcher } from './micro-batcher.js';

/** A deterministic scorer: row of text t is [len(t), code of first char, index-free hash]. */
function scoreOf(text: string): number[] {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) % 1000;
  return [text.length, text.codePointAt(0) ?? -1, hash];
}

function recordingRun(calls: string[][]) {
  return async (texts: readonly string[]): Promise<Float32Array> => {
    calls.push([...texts]);
    return Float32Array.from(texts.flatMap(scoreOf));
  };
}

describe('createMicroBatcher', () => {
  it('runs concurrent submissions as one batch and gives each caller its own rows, in order', async () => {
    const calls: string[][] = [];
    const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts: 64, maxDelayMs: 5 });
    const [a, b, c] = await Promise.all([batcher.submit(['one', 'two']), batcher.submit(['three']), batcher.submit(['four', 'five', 'six'])]);
    expect(calls).toEqual([['one', 'two', 'three', 'four', 'five', 'six']]);
    expect(a?.map((row) => [...row])).toEqual([scoreOf('one'), scoreOf('two')]);
    expect(b?.map((row) => [...row])).toEqual([scoreOf('three')]);
    expect(c?.map((row) => [...row])).toEqual([scoreOf('four'), scoreOf('five'), scoreOf('six')]);
    expect(batcher.stats).toEqual({ batches: 1, texts: 6, requests: 3, largestBatch: 6 });
  });

  it('never puts more than maxBatchTexts texts in a batch, except a single larger request alone', async () => {
    const calls: string[][] = [];
    const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts: 4, maxDelayMs: 50 });
    await Promise.all([batcher.submit(['a', 'b', 'c']), batcher.submit(['d', 'e']), batcher.submit(['f', 'g', 'h', 'i', 'j', 'k']), batcher.submit(['l'])]);
    expect(calls).toEqual([['a', 'b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i', 'j', 'k'], ['l']]);
  });

  it('flushes as soon as maxBatchTexts texts are queued, without waiting for the delay', async () => {
    const calls: string[][] = [];
    // An hour of delay: only the size trigger can run this batch.
    const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts: 3, maxDelayMs: 1000 });
    const rows = await Promise.all([batcher.submit(['a']), batcher.submit(['b', 'c'])]);
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect(rows.flat().map((row) => row[0])).toEqual([1, 1, 1]);
  });

  it('runs one batch at a time and runs what queued meanwhile right after', async () => {
    const calls: string[][] = [];
    let running = 0;
    let overlap = false;
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const batcher = createMicroBatcher({
      run: async (texts) => {
        running += 1;
        if (running > 1) overlap = true;
        calls.push([...texts]);
        if (calls.length === 1) await gate;
        running -= 1;
        return Float32Array.from(texts.flatMap(scoreOf));
      },
      width: 3,
      maxBatchTexts: 64,
      maxDelayMs: 0,
    });
    const first = batcher.submit(['first']);
    await new Promise((r) => setImmediate(r));
    expect(batcher.busy).toBe(true);
    const later = [batcher.submit(['x']), batcher.submit(['y', 'z'])];
    expect(batcher.queuedTexts).toBe(3);
    release?.();
    await Promise.all([first, ...later]);
    expect(overlap).toBe(false);
    expect(calls).toEqual([['first'], ['x', 'y', 'z']]);
    await batcher.drain();
    expect(batcher.busy).toBe(false);
    expect(batcher.queuedTexts).toBe(0);
  });

  it('rejects every request of a failed batch with the error and keeps serving', async () => {
    let fail = true;
    const batcher = createMicroBatcher({
      run: async (texts) => {
        if (fail) throw new Error('boom');
        return Float32Array.from(texts.flatMap(scoreOf));
      },
      width: 3,
      maxBatchTexts: 8,
      maxDelayMs: 1,
    });
    const results = await Promise.allSettled([batcher.submit(['a']), batcher.submit(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('boom'));
    fail = false;
    const [row] = await batcher.submit(['ok']);
    expect([...(row as Float32Array)]).toEqual(scoreOf('ok'));
  });

  it('rejects a run that returns the wrong number of values', async () => {
    const batcher = createMicroBatcher({ run: async () => new Float32Array(2), width: 3, maxBatchTexts: 8, maxDelayMs: 0 });
    await expect(batcher.submit(['a'])).rejects.toThrow(/returned 2 values for 1 texts × 3/);
  });

  it('removes an aborted request from the queue so its texts are never scored', async () => {
    const calls: string[][] = [];
    const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts: 64, maxDelayMs: 20 });
    const controller = new AbortController();
    const dropped = batcher.submit(['dropped'], controller.signal);
    const kept = batcher.submit(['kept']);
    controller.abort();
    await expect(dropped).rejects.toMatchObject({ name: 'AbortError' });
    await kept;
    expect(calls).toEqual([['kept']]);
    await expect(batcher.submit(['x'], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers an empty submission without running a batch', async () => {
    const calls: string[][] = [];
    const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts: 4, maxDelayMs: 0 });
    expect(await batcher.submit([])).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('rejects out-of-range options', () => {
    const run = recordingRun([]);
    expect(() => createMicroBatcher({ run, width: 0, maxBatchTexts: 4, maxDelayMs: 0 })).toThrow(/width/);
    expect(() => createMicroBatcher({ run, width: 2, maxBatchTexts: 0, maxDelayMs: 0 })).toThrow(/maxBatchTexts/);
    expect(() => createMicroBatcher({ run, width: 2, maxBatchTexts: 4, maxDelayMs: -1 })).toThrow(/maxDelayMs/);
  });

  it('gives every caller exactly its rows for any mix of request sizes and batch limits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ maxLength: 6 }), { minLength: 0, maxLength: 7 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(0, 1),
        async (requests, maxBatchTexts, maxDelayMs) => {
          const calls: string[][] = [];
          const batcher = createMicroBatcher({ run: recordingRun(calls), width: 3, maxBatchTexts, maxDelayMs });
          const answers = await Promise.all(requests.map((texts) => batcher.submit(texts)));
          answers.forEach((rows, i) => {
            expect(rows.map((row) => [...row])).toEqual((requests[i] as string[]).map(scoreOf));
          });
          for (const call of calls) {
            const alone = requests.some((texts) => texts.length > maxBatchTexts && texts.length === call.length);
            if (!alone) expect(call.length).toBeLessThanOrEqual(maxBatchTexts);
          }
          expect(calls.flat()).toEqual(requests.flat());
        },
      ),
      { numRuns: 60 },
    );
  });
});
