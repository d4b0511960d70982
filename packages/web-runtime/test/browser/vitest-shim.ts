// The few vitest functions the shared store contract suite (node-runtime/test/store-contract.ts) uses,
// so that the very same suite runs inside Chromium against real IndexedDB. The browser build aliases
// 'vitest' to this file; nothing else uses it.

type Body = () => unknown;
interface Test {
  name: string;
  fn: Body;
}
interface Suite {
  name: string;
  beforeEach: Body[];
  afterEach: Body[];
  tests: Test[];
}

let suites: Suite[] = [];
let current: Suite | undefined;

function currentSuite(): Suite {
  if (current === undefined) throw new Error('vitest-shim: it() outside describe()');
  return current;
}

export function describe(name: string, body: () => void): void {
  const suite: Suite = { name, beforeEach: [], afterEach: [], tests: [] };
  suites.push(suite);
  const previous = current;
  current = suite;
  body();
  current = previous;
}

export function beforeEach(fn: Body): void {
  currentSuite().beforeEach.push(fn);
}

export function afterEach(fn: Body): void {
  currentSuite().afterEach.push(fn);
}

export function it(name: string, fn: Body): void {
  currentSuite().tests.push({ name, fn });
}

it.each =
  <T>(cases: readonly T[]) =>
  (name: string, fn: (value: T) => unknown): void => {
    for (const value of cases) it(name.replace('%j', JSON.stringify(value)), () => fn(value));
  };

function isEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => isEqual(x, b[i]));
  return false;
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array[${value.length > 16 ? `${value.length} bytes` : Array.from(value).join(',')}]`;
  return JSON.stringify(value) ?? String(value);
}

export function expect(actual: unknown) {
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`expected ${show(actual)} ${what}`);
  };
  return {
    toEqual: (expected: unknown) => check(isEqual(actual, expected), `to equal ${show(expected)}`),
    toBe: (expected: unknown) => check(Object.is(actual, expected), `to be ${show(expected)}`),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    rejects: {
      toThrow: async (): Promise<void> => {
        let threw = false;
        try {
          await actual;
        } catch {
          threw = true;
        }
        if (!threw) throw new Error('expected the promise to reject');
      },
    },
  };
}

/** Runs every suite registered so far and forgets them. */
export async function runRegisteredSuites(): Promise<{ passed: string[]; failed: Array<{ name: string; error: string }> }> {
  const passed: string[] = [];
  const failed: Array<{ name: string; error: string }> = [];
  const toRun = suites;
  suites = [];
  for (const suite of toRun) {
    for (const test of suite.tests) {
      const name = `${suite.name} > ${test.name}`;
      try {
        for (const fn of suite.beforeEach) await fn();
        try {
          await test.fn();
        } finally {
          for (const fn of suite.afterEach) await fn();
        }
        passed.push(name);
      } catch (error) {
        failed.push({ name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { passed, failed };
}
