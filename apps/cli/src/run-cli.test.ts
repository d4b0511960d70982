import { ARCHITECTURES } from '@glossa/model-core/architectures';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../test/run-captured.js';

const run = runCaptured;

describe('runCli', () => {
  it('prints the version on stdout and exits 0', async () => {
    const result = await run(['--version']);
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
  });

  it('prints help with examples on stdout for --help and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: glossa [options] [command]');
    expect(result.stdout).toContain('$ glossa quickstart');
    for (const command of ['train', 'evaluate', 'predict', 'explain', 'serve', 'info', 'doctor', 'quickstart']) {
      expect(result.stdout).toContain(`  ${command} `);
    }
  });

  it('shows a command help with its examples and the global --verbose', async () => {
    const result = await run(['predict', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: glossa predict [options] <bundle> [texts...]');
    expect(result.stdout).toContain('--verbose');
    expect(result.stdout).toContain('| head -n 5');
  });

  it('exits 2 with help on stderr when no command is given', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: glossa');
  });

  it.each([
    [['train', 'data.csv', '--out', 'm', '--epochs', '0'], 'glossa: --epochs must be an integer from 1 to 10000 (got 0)'],
    [['train', 'data.csv', '--out', 'm', '--batch-size', '1.5'], 'glossa: --batch-size must be an integer from 1 to 65536 (got 1.5)'],
    [['train', 'data.csv', '--out', 'm', '--learning-rate', '-1'], 'glossa: --learning-rate must be a number from 1e-7 to 10 (got -1)'],
    [['train', 'data.csv', '--out', 'm', '--validation-split', '1'], 'glossa: --validation-split must be a number from 0 to 0.9 (got 1)'],
    [['train', 'data.csv', '--out', 'm', '--arch', 'rnn'], `glossa: --arch must be one of ${ARCHITECTURES.join(', ')} (got rnn)`],
    [['train', 'data.csv', '--out', 'm', '--tokenizer', 'bpe'], 'glossa: --tokenizer must be one of word, whitespace, char, char-ngram (got bpe)'],
    [['train', 'data.csv', '--out', 'm', '--format', 'xlsx'], 'glossa: --format must be one of csv, tsv, jsonl, parquet (got xlsx)'],
    [['train', 'data.csv', '--out', 'm', '--backend', 'gpu'], 'glossa: --backend must be one of auto, tensorflow, wasm, cpu (got gpu)'],
    [
      ['train', 'data.csv'],
      'glossa: --out <dir> is missing: where to save the trained model, e.g. glossa train data.csv --out ./model (or --out model.glossa for one file)',
    ],
    [
      ['train', 'data.csv', '--out', 'm', '--validation-split', '0.2', '--validation', 'dev.csv'],
      "glossa: option '--validation-split <f>' cannot be used with option '--validation <file>'",
    ],
    [['train', 'data.csv', '--out', 'm', '--bogus'], "glossa: unknown option '--bogus'"],
    [['predict'], "glossa: missing required argument 'bundle'"],
    [['predict', 'model', '--batch-size', '0'], 'glossa: --batch-size must be an integer from 1 to 65536 (got 0)'],
    [['quickstart', '--epochs', 'many'], 'glossa: --epochs must be an integer from 1 to 10000 (got many)'],
    [['evaluate', 'model'], "glossa: missing required argument 'data'"],
    [['info', 'a', 'b'], "glossa: too many arguments for 'info'. Expected 1 argument but got 2."],
    [['trian'], "glossa: unknown command 'trian' (Did you mean train?)"],
  ])('exits 2 with one line on stderr for %j', async (argv, line) => {
    const result = await run(argv);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('rejects texts given both as arguments and with --input as a usage error', async () => {
    const result = await run(['predict', 'model', 'some text', '--input', 'texts.txt']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'glossa: give texts as arguments or --input <file>, not both\n',
    });
  });
});
