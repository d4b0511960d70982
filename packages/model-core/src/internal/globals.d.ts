// The few web-standard globals that exist both in browsers and in Node ≥ 18. model-core is built without
// DOM and Node types (so `node:fs` or `document` are type errors); these are declared by hand instead.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    readonly encoding: string;
    decode(input?: Uint8Array, options?: { stream?: boolean }): string;
  }
  interface AbortSignal {
    readonly aborted: boolean;
  }
  const performance: { now(): number };
  function atob(data: string): string;
  function setTimeout(callback: () => void, ms?: number): unknown;
}
export {};
