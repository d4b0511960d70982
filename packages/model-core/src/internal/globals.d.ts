// The few web-standard globals that exist both in browsers and in Node ≥ 18. model-core is built without
// DOM and Node types (so `node:fs` or `document` are type errors); these are declared by hand instead.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array): string;
  }
  interface AbortSignal {
    readonly aborted: boolean;
  }
  const performance: { now(): number };
  function atob(data: string): string;
  function setTimeout(callback: () => void, ms?: number): unknown;
}
export {};
