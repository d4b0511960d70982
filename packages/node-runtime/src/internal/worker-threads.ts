/** Shared by the worker pools (prediction, training): where a worker's entry is and how it is started. */

/** A worker entry built next to the package's modules (`dist/<name>.js`), also when running from sources. */
export function workerEntry(name: string): URL {
  const here = import.meta.url;
  // Run from sources (tests with the `@glossa/source` condition): use the built worker.
  return here.endsWith('.ts') ? new URL(`../../dist/${name}.js`, here) : new URL(`./${name}.js`, here);
}

/** This process's Node flags for a worker, without a test runner's source conditions (the built worker resolves packages as published). */
export function workerExecArgv(): string[] {
  return process.execArgv.filter(
    (a, i, all) => !a.startsWith('--conditions') && !a.startsWith('-C') && !(all[i - 1] === '--conditions' || all[i - 1] === '-C'),
  );
}
