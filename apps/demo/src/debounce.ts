/**
 * Delays calls to `fn` until `ms` milliseconds have passed without another call.
 *
 * @param fn - The function to call with the latest arguments.
 * @param ms - Quiet period in milliseconds.
 * @returns The debounced function.
 * @example
 * ```ts
 * const update = debounce((text: string) => console.log(text), 150);
 * ```
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
}
