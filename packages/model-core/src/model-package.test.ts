import { describe, expect, it } from 'vitest';
import { modelPackageBundle, parseModelPackageSpec } from './model-package.js';

describe('model packages', () => {
  it('reads names, scopes and versions; paths and .glossa files are not packages', () => {
    expect(parseModelPackageSpec('@glossa/model-sentiment-en')).toEqual({ name: '@glossa/model-sentiment-en' });
    expect(parseModelPackageSpec('@glossa/model-sentiment-zh@0.1.0')).toEqual({ name: '@glossa/model-sentiment-zh', version: '0.1.0' });
    expect(parseModelPackageSpec('sentiment@latest')).toEqual({ name: 'sentiment', version: 'latest' });
    for (const path of ['./model', '/abs/model', 'model.glossa', 'models/en.glossa', 'Models/X', 'https://x.org/m.glossa', '@glossa', '@a/b/c']) {
      expect(parseModelPackageSpec(path), path).toBeUndefined();
    }
  });

  it('takes the bundle a package names, and refuses one that names none or leaves the package', () => {
    expect(modelPackageBundle({ glossa: { bundle: 'model.glossa' } }, 'x')).toBe('model.glossa');
    expect(() => modelPackageBundle({ name: 'left-pad' }, 'left-pad')).toThrow(
      /left-pad is not a Glossa model package: its package\.json has no "glossa": \{ "bundle": "<file>" \}/,
    );
    for (const bundle of ['../x.glossa', '/etc/passwd', 'a/../../b', ''])
      expect(() => modelPackageBundle({ glossa: { bundle } }, 'x')).toThrow(/not a Glossa model package/);
  });
});
