import * as core from '@glossa/model-core';
import { describe, expect, it } from 'vitest';
import * as runtime from './index.js';

describe('@glossa/node-runtime index', () => {
  it('re-exports every value of @glossa/model-core as the very same object (nothing shadowed)', () => {
    const values = Object.entries(core);
    expect(values.length).toBeGreaterThan(50);
    for (const [name, value] of values) expect((runtime as Record<string, unknown>)[name], name).toBe(value);
  });
});
