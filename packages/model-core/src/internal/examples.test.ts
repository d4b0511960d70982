import { createRng, stratifiedSplit } from '@glossa/math';
import { describe, expect, it } from 'vitest';
import type { LabeledText } from '../types.js';
import { splitValidation } from './examples.js';

describe('splitValidation', () => {
  // Labels whose first-seen order (b, c, a) differs from their sorted order, so the two numberings draw differently.
  const examples: LabeledText[] = Array.from({ length: 40 }, (_, i) => ({ text: `t${i}`, label: ['b', 'c', 'a', 'b', 'a'][i % 5]! }));

  it('holds out the stratified split of the classes numbered as they first occur (the split every release drew for a seed)', () => {
    const ids = examples.map((e) => ['b', 'c', 'a'].indexOf(e.label));
    const reference = stratifiedSplit(ids, 0.25, createRng(42).fork());
    const split = splitValidation('fit', examples, { validationSplit: 0.25 }, createRng(42));
    expect(split.train).toEqual(Array.from(reference.train, (i) => examples[i]));
    expect(split.validation).toEqual(Array.from(reference.test, (i) => examples[i]));
    expect(split.setting).toEqual({ kind: 'split', fraction: 0.25 });
  });

  it('holds out nothing with validationSplit 0 and uses validationData when given', () => {
    expect(splitValidation('fit', examples, { validationSplit: 0 }, createRng(1))).toMatchObject({ train: examples, validation: [] });
    const validationData = examples.slice(0, 3);
    expect(splitValidation('fit', examples, { validationData }, createRng(1))).toMatchObject({
      train: examples,
      validation: validationData,
      setting: { kind: 'data' },
    });
  });
});
