import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built package in a fresh process (the banner is printed once per process, on first use).
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('initBackend cpu', () => {
  it('keeps stderr free of tfjs-backend-cpu’s "install tfjs-node" banner', () => {
    const script = `
      const nr = await import(${JSON.stringify(entry)});
      await nr.initBackend({ backend: 'cpu' });
      const clf = nr.createTextClassifier({ architecture: 'bow', embeddingDim: 4 });
      await clf.fit([{ text: 'good', label: 'p' }, { text: 'bad', label: 'n' }], { epochs: 1, validationSplit: 0 });
      console.log((await clf.predict(['good']))[0].label.length > 0 ? 'predicted' : 'no');
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('predicted');
    expect(run.stderr).not.toMatch(/looks like you are running TensorFlow\.js in Node\.js/);
  });
});
