import { expect } from 'vitest';

/** Central finite-difference gradient of f at x (float64, step h). */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const point = Float64Array.from(x);
  const grad = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const original = point[i]!;
    point[i] = original + h;
    const up = f(point);
    point[i] = original - h;
    const down = f(point);
    point[i] = original;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** Asserts that an analytic gradient matches central finite differences of f at x. */
export function expectGradientToMatch(f: (x: Float64Array) => number, x: ArrayLike<number>, analytic: ArrayLike<number>, tolerance = 1e-5): void {
  const numeric = numericGradient(f, x);
  expect(analytic.length).toBe(numeric.length);
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i]!;
    const b = numeric[i]!;
    const scale = Math.max(1, Math.abs(a), Math.abs(b));
    if (Math.abs(a - b) > tolerance * scale) {
      expect.fail(`gradient[${i}]: analytic ${a} vs numeric ${b} at x = [${Array.from(x).join(', ')}]`);
    }
  }
}

/** Asserts two arrays are element-wise close. */
export function expectArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}
