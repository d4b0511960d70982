import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A fresh Node process without V8 flags (the test processes themselves run with relaxed SIMD on), on the built package.
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('enableRelaxedSimd', () => {
  it("is turned on by initBackend in a process that lacks it (unless relaxedSimd: false); the kernels' relaxed builds then run there and in worker threads", () => {
    const script = `
      import { Worker } from 'node:worker_threads';
      const nr = await import(${JSON.stringify(entry)});
      const before = nr.relaxedSimdSupported();
      await nr.initBackend({ backend: 'cpu', relaxedSimd: false });
      const optedOut = nr.relaxedSimdSupported();
      await nr.initBackend({ backend: 'cpu' });
      const uses = nr.usesRelaxedSimd();
      const inWorker = await new Promise((resolve, reject) => {
        const w = new Worker('const nr = await import(process.env.ENTRY); const { parentPort } = await import("node:worker_threads"); parentPort.postMessage(nr.usesRelaxedSimd());', { eval: true, env: { ENTRY: ${JSON.stringify(entry)} } });
        w.once('message', resolve);
        w.once('error', reject);
      });
      nr.setRelaxedSimd(false);
      const off = nr.usesRelaxedSimd();
      console.log(JSON.stringify({ node: process.versions.node, before, optedOut, enabled: nr.enableRelaxedSimd(), uses, inWorker, off }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const got = JSON.parse(run.stdout) as {
      node: string;
      before: boolean;
      optedOut: boolean;
      enabled: boolean;
      uses: boolean;
      inWorker: boolean;
      off: boolean;
    };
    // Node 20 validates relaxed SIMD only behind the flag; Node 22+ has it from the start.
    expect(got.before).toBe(Number(got.node.split('.')[0]) >= 22);
    expect(got.optedOut).toBe(got.before);
    expect(got).toMatchObject({ enabled: true, uses: true, inWorker: true, off: false });
  });
});
