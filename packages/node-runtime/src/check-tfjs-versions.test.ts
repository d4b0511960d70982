import { version_core } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkTfjsVersions, loadedTfjsVersions } from './check-tfjs-versions.js';
import { NodeRuntimeError } from './errors.js';

describe('checkTfjsVersions', () => {
  it('accepts the installed packages, which agree', () => {
    expect(checkTfjsVersions()).toBe(version_core);
    expect(Object.keys(loadedTfjsVersions())).toEqual([
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
    ]);
  });

  it('throws VERSION_MISMATCH naming the package that differs', () => {
    const versions = { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-layers': '4.21.0', '@tensorflow/tfjs-backend-cpu': '4.22.0' };
    const error = (() => {
      try {
        checkTfjsVersions(versions);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NodeRuntimeError);
    expect((error as NodeRuntimeError).code).toBe('VERSION_MISMATCH');
    expect((error as Error).message).toMatch(/@tensorflow\/tfjs-layers@4\.21\.0/);
    expect((error as Error).message).toMatch(/tfjs-layers differs from @tensorflow\/tfjs-core@4\.22\.0/);
  });

  it('throws when tfjs-core is not among the versions', () => {
    expect(() => checkTfjsVersions({ '@tensorflow/tfjs-layers': '4.22.0' })).toThrow(/tfjs-core/);
  });
});
