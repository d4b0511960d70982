import { describe, expect, it } from 'vitest';
import { weightsText } from '../src/commands/info.js';
import type { BundleManifest } from '../src/runtime.js';

// How `glossa info` says a bundle stores its weights (the binary's output is tested in quantize.test.ts).

const base = { format: 'glossa-bundle', task: 'text-classification', labels: ['neg', 'pos'] } as unknown as BundleManifest;

describe('weightsText', () => {
  it('says float32 for a bundle that is not quantized', () => {
    expect(weightsText({ ...base, formatVersion: 2 })).toBe('float32');
  });

  it('describes a quantized neural bundle, an n-gram bundle and the members of an auto bundle', () => {
    const lstm = {
      ...base,
      formatVersion: 3,
      quantization: { dtype: 'int8', tensors: ['int8-rows', 'int8-columns', 'int8-columns', 'float32', 'float32'] },
    } as BundleManifest;
    expect(weightsText(lstm)).toBe('int8 (quantized): embeddings int8 per row, matrices int8 per output channel, 2 small tensors float32');
    const ngram = {
      ...base,
      formatVersion: 3,
      quantization: { dtype: 'int8', ngram: { keyBits: 38, weights: 'int8-groups', mirrored: true, unreachableFeatures: 1 } },
    } as BundleManifest;
    expect(weightsText(ngram)).toBe(
      'int8 (quantized): n-gram weights int8 per label and run of 64 features, n-gram keys 38 of 64 bits, 1 feature unreachable (keys equal in 38 bits)',
    );
    const f16 = { ...base, formatVersion: 3, quantization: { dtype: 'float16', tensors: ['float16', 'float16'] } } as BundleManifest;
    expect(weightsText(f16)).toBe('float16 (quantized)');
    const auto = {
      ...base,
      formatVersion: 3,
      quantization: { dtype: 'int8' },
      members: [
        { name: 'ngram', architecture: 'ngram', weight: 0.8, manifest: 'ngram.manifest.json', files: [] },
        { name: 'lstm', architecture: 'lstm', weight: 0.2, manifest: 'lstm.manifest.json', files: [] },
      ],
    } as unknown as BundleManifest;
    expect(
      weightsText(
        auto,
        new Map([
          ['ngram', ngram],
          ['lstm', lstm],
        ]),
      ),
    ).toBe(
      'int8 (quantized): ngram: n-gram weights int8 per label and run of 64 features, n-gram keys 38 of 64 bits, 1 feature unreachable (keys equal in 38 bits); lstm: embeddings int8 per row, matrices int8 per output channel, 2 small tensors float32',
    );
  });
});
