/** Shuffles `values` in place with Fisher–Yates, drawing from `nextInt`. */
export function shuffleInPlace(values: { length: number; [index: number]: number }, nextInt: (max: number) => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = nextInt(i + 1);
    const tmp = values[i]!;
    values[i] = values[j]!;
    values[j] = tmp;
  }
}
