import { describe, expect, it } from 'vitest';
import { createFingerprint, fingerprintStrings } from './fingerprint.js';

describe('createFingerprint', () => {
  it('gives 16 hex characters and the same digest for the same sequence', () => {
    const a = fingerprintStrings(['great film', 'dull plot']);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(createFingerprint().update('great film').update('dull plot').digest()).toBe(a);
  });

  it('is sensitive to order, record boundaries and content', () => {
    const base = fingerprintStrings(['ab', 'c']);
    expect(fingerprintStrings(['a', 'bc'])).not.toBe(base);
    expect(fingerprintStrings(['c', 'ab'])).not.toBe(base);
    expect(fingerprintStrings(['ab', 'd'])).not.toBe(base);
    expect(fingerprintStrings(['ab', 'c', ''])).not.toBe(base);
    expect(fingerprintStrings([])).not.toBe(fingerprintStrings(['']));
  });

  it('can be read repeatedly while updating', () => {
    const fp = createFingerprint().update('x');
    const first = fp.digest();
    expect(fp.digest()).toBe(first);
    expect(fp.update('y').digest()).toBe(fingerprintStrings(['x', 'y']));
  });

  it('has no collisions across many similar inputs', () => {
    const digests = new Set(Array.from({ length: 5000 }, (_, i) => fingerprintStrings([`${i}`, 'label'])));
    expect(digests.size).toBe(5000);
  });
});
