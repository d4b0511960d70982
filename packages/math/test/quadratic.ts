/** f(x) = Σ a_i (x_i − c_i)², a convex quadratic with its minimum at c. */
export const quadratic = {
  a: [1, 10, 0.5],
  c: [3, -2, 0.25],
  gradient(x: Float32Array): Float32Array {
    return Float32Array.from(x, (v, i) => 2 * this.a[i]! * (v - this.c[i]!));
  },
  value(x: Float32Array): number {
    return Array.from(x).reduce((s, v, i) => s + this.a[i]! * (v - this.c[i]!) ** 2, 0);
  },
};
