import { describe, expect, it } from 'vitest';
import { BenchError } from '../bench-error.js';
import { parseLoadArgs } from './parse-load-args.js';

describe('parseLoadArgs', () => {
  it('defaults to 1, 16 and 64 clients for 15 s each with the default model and info logs', () => {
    const options = parseLoadArgs(['--serve'], '/tmp/results');
    expect(options).toEqual({
      connections: [1, 16, 64],
      durationSeconds: 15,
      warmupSeconds: 3,
      trainSize: 4000,
      epochs: 1,
      seed: 42,
      outDir: '/tmp/results',
      serveArgs: ['--log-level', 'info'],
    });
  });

  it('reads every option, in both --flag value and --flag=value forms, and passes server options through', () => {
    const options = parseLoadArgs(
      [
        '--',
        '--serve',
        '--connections=16',
        '--duration',
        '60',
        '--warmup',
        '0',
        '--bundle',
        '/m.glossa',
        '--batch-delay-ms',
        '2',
        '--backend=cpu',
        '--log-level',
        'warn',
      ],
      '/r',
    );
    expect(options).toMatchObject({
      connections: [16],
      durationSeconds: 60,
      warmupSeconds: 0,
      bundle: '/m.glossa',
      serveArgs: ['--batch-delay-ms', '2', '--backend', 'cpu', '--log-level', 'warn'],
    });
  });

  it('returns help for --help', () => {
    expect(parseLoadArgs(['--serve', '--help'], '/r')).toBe('help');
  });

  it('rejects unknown flags, missing values and numbers out of range with the allowed range', () => {
    expect(() => parseLoadArgs(['--serve', '--quick'], '/r')).toThrow(BenchError);
    expect(() => parseLoadArgs(['--serve', '--quick'], '/r')).toThrow(/unknown argument '--quick'/);
    expect(() => parseLoadArgs(['--serve', '--duration'], '/r')).toThrow(/--duration needs a value/);
    expect(() => parseLoadArgs(['--serve', '--duration', '0'], '/r')).toThrow(/--duration must be an integer from 1 to 3600 \(got '0'\)/);
    expect(() => parseLoadArgs(['--serve', '--connections', '16,x'], '/r')).toThrow(/--connections must be an integer from 1 to 1024 \(got 'x'\)/);
  });
});
