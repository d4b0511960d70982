import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { addModelOptions, classifierOptionsFrom, defaultCheckpointDir, resumeCommand } from './train.js';

describe('classifierOptionsFrom', () => {
  it('maps CLI option names to model-core names and leaves unset ones to the defaults', () => {
    expect(classifierOptionsFrom({})).toEqual({});
    expect(
      classifierOptionsFrom({
        arch: 'cnn',
        maxLength: 50,
        vocabSize: 1000,
        embeddingDim: 8,
        units: 4,
        dropout: 0.2,
        learningRate: 0.01,
        tokenizer: 'char-ngram',
      }),
    ).toEqual({
      architecture: 'cnn',
      maxLength: 50,
      vocabSize: 1000,
      embeddingDim: 8,
      units: 4,
      dropout: 0.2,
      learningRate: 0.01,
      tokenizer: 'char-ngram',
    });
  });
});

describe('addModelOptions', () => {
  it('accepts exactly the ranges model-core accepts (OPTION_RANGES)', async () => {
    const { OPTION_RANGES } = await import('@glossa/node-runtime');
    const command = addModelOptions(new Command('train'));
    const flags: Record<keyof typeof OPTION_RANGES, string> = {
      embeddingDim: '--embedding-dim',
      units: '--units',
      heads: '--heads',
      kernelSize: '--kernel-size',
      dropout: '--dropout',
      maxLength: '--max-length',
      vocabSize: '--vocab-size',
      minFrequency: '--min-frequency',
      learningRate: '--learning-rate',
      wordNgrams: '--word-ngrams',
      maxFeatures: '--max-features',
      regularization: '--regularization',
    };
    for (const [name, [min, max, integer]] of Object.entries(OPTION_RANGES)) {
      const flag = flags[name as keyof typeof OPTION_RANGES];
      const parse = command.options.find((option) => option.long === flag)?.parseArg;
      expect(parse, flag).toBeDefined();
      const run = (value: number): unknown => parse?.(String(value), undefined);
      expect(run(min), `${flag} ${min}`).toBe(min);
      expect(run(max), `${flag} ${max}`).toBe(max);
      const step = integer ? 1 : Math.max(min / 10, 1e-9);
      expect(() => run(min - step), `${flag} below ${min}`).toThrow(CliError);
      expect(() => run(max + (integer ? 1 : max / 10)), `${flag} above ${max}`).toThrow(CliError);
      if (integer) expect(() => run(min + 0.5), `${flag} fraction`).toThrow(CliError);
    }
  });
});

describe('resumeCommand', () => {
  it('repeats the arguments with --resume, quoting what the shell would split', () => {
    expect(resumeCommand(['train', 'my data.csv', '--out', 'model', '--epochs', '9'])).toBe("glossa train 'my data.csv' --out model --epochs 9 --resume");
    expect(resumeCommand(['train', 'd.csv', '--out', 'm', '--resume'])).toBe('glossa train d.csv --out m --resume');
    expect(resumeCommand(['train', "it's.csv", '-o', 'm'])).toBe("glossa train 'it'\\''s.csv' -o m --resume");
  });

  it('replaces the learning rate when a new one is given', () => {
    expect(resumeCommand(['train', 'd.csv', '--learning-rate', '0.1', '--out', 'm'], 0.01)).toBe('glossa train d.csv --out m --resume --learning-rate 0.01');
    expect(resumeCommand(['train', 'd.csv', '--learning-rate=0.1', '--out', 'm'], 0.01)).toBe('glossa train d.csv --out m --resume --learning-rate 0.01');
  });
});

describe('defaultCheckpointDir', () => {
  it('puts the checkpoint next to the bundle', () => {
    expect(defaultCheckpointDir('/tmp/model')).toBe('/tmp/model.checkpoint');
    expect(defaultCheckpointDir('/tmp/model.glossa')).toBe('/tmp/model.glossa.checkpoint');
  });
});
