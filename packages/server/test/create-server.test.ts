import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTextClassifier, initBackend, loadBundle, readBundleFiles, saveBundle, type TextClassifier } from '@glossa/node-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI's sentiment fixture (labels pos/neg), as the server's other tests use.
import { syntheticSentiment } from '@glossa/test-data';
import { bundleId, createServer } from '../src/index.js';

// Real HTTP on 127.0.0.1, real models on tfjs's cpu backend.

const quiet = (): Writable =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

async function predict(url: string, texts: readonly string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type Predictions = Array<{ label: string; scores: Record<string, number> }>;

let dir: string;
let bundlePath: string;
let trained: TextClassifier;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glossa-server-'));
  await initBackend({ backend: 'cpu', job: 'train' });
  trained = createTextClassifier({ architecture: 'bow', embeddingDim: 16, maxLength: 16, vocabSize: 300, learningRate: 0.02 });
  await trained.fit(syntheticSentiment(200, 4, ['neg', 'pos']), { epochs: 3, batchSize: 16, validationSplit: 0.2, seed: 3 });
  bundlePath = await saveBundle(trained, join(dir, 'reviews.glossa'));
}, 120_000);

afterAll(async () => {
  trained?.dispose();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('createServer', () => {
  it('serves a bundle path: checks it before listening, answers /healthz while loading, predicts as loadBundle does', async () => {
    const server = await createServer(bundlePath, { backend: 'cpu', logStream: quiet() });
    try {
      expect(server.state).toBe('loading');
      expect(server.name).toBe('reviews');
      expect(server.id).toBe(bundleId(await readBundleFiles(bundlePath)));
      expect(server.manifest.labels).toEqual(['neg', 'pos']);
      expect(server.backend?.backend).toBe('cpu');
      const url = await server.listen({ host: '127.0.0.1', port: 0 });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await server.ready();
      expect(server.state).toBe('ready');
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', model: server.id });

      const texts = syntheticSentiment(6, 21, ['neg', 'pos']).map((row) => row.text);
      const reply = await predict(url, texts);
      expect(reply.status).toBe(200);
      const loaded = await loadBundle(bundlePath);
      const direct = await loaded.predict(texts);
      loaded.dispose();
      (reply.body.predictions as Predictions).forEach((prediction, i) => {
        expect(prediction.label).toBe(direct[i]?.label);
        for (const [label, score] of Object.entries(direct[i]?.scores ?? {}))
          expect(Math.abs((prediction.scores[label] ?? Number.NaN) - score)).toBeLessThan(1e-6);
      });
      expect(reply.body.model).toMatchObject({ id: server.id, name: 'reviews', architecture: 'bow' });
      const model = (await (await fetch(`${url}/v1/model`)).json()) as Record<string, unknown>;
      expect(model).toMatchObject({ id: server.id, name: 'reviews', backend: 'cpu', labels: ['neg', 'pos'] });
    } finally {
      await server.close();
    }
    expect(server.state).toBe('closed');
  });

  it('fails before listening for a missing bundle, naming the path', async () => {
    await expect(createServer(join(dir, 'nope'), { logStream: quiet() })).rejects.toThrow(/nope does not exist: no model there/);
  });

  it('serves an installed model package by name, resolved from `from`', async () => {
    // A project of its own whose node_modules holds the model package (linked to the workspace's copy).
    const project = join(dir, 'project');
    const real = dirname(createRequire(import.meta.url).resolve('@glossa/model-sentiment-en/package.json'));
    await mkdir(join(project, 'node_modules', '@glossa'), { recursive: true });
    await symlink(real, join(project, 'node_modules', '@glossa', 'model-sentiment-en'), 'dir');

    await expect(createServer('@glossa/model-sentiment-en', { from: tmpdir(), logStream: quiet() })).rejects.toThrow(
      /neither a bundle here nor an installed model package/,
    );
    const server = await createServer('@glossa/model-sentiment-en', { from: project, backend: 'cpu', logStream: quiet() });
    try {
      expect(server.name).toBe('model-sentiment-en');
      expect(server.manifest.labels).toEqual(['negative', 'positive']);
      const url = await server.listen({ host: '127.0.0.1', port: 0 });
      await server.ready();
      const reply = await predict(url, ['an utterly charming film', 'a dull, lifeless mess']);
      expect(reply.status).toBe(200);
      expect((reply.body.predictions as Predictions).map((p) => p.label)).toEqual(['positive', 'negative']);
    } finally {
      await server.close();
    }
  });

  it('serves a loaded classifier and leaves it to its owner after close', async () => {
    const server = await createServer(trained, { name: 'in-memory', logStream: quiet() });
    expect(server.backend).toBeUndefined();
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    await server.ready();
    const reply = await predict(url, ['great film']);
    expect(reply.body.model).toMatchObject({ name: 'in-memory', architecture: 'bow' });
    await server.close();
    // Still usable: the server did not dispose what it did not build.
    expect((await trained.predict(['great film']))[0]?.label).toBe((reply.body.predictions as Predictions)[0]?.label);
  });

  it('with shutdownSignals, SIGTERM finishes the request in flight and closes (built package, own process)', async () => {
    const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    if (!existsSync(built)) throw new Error(`${built} does not exist: run "pnpm build" in packages/server first.`);
    const script = `
      const { createServer } = await import(${JSON.stringify(built)});
      const server = await createServer(${JSON.stringify(bundlePath)}, { backend: 'cpu', batching: { maxDelayMs: 500 }, shutdownSignals: true, logLevel: 'debug' });
      await server.listen({ host: '127.0.0.1', port: 0 });
      await server.ready();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const watchers = new Set<() => void>();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const watch of [...watchers]) watch();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stdout);
          if (match === null) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        exited.then(() => reject(new Error(`exited before ${pattern}:\n${stderr}`)));
        check();
      });
    const url = (await waitFor(/"url":"(http:[^"]+)","host"/))[1] as string;
    await waitFor(/"msg":"ready"/);
    const answer = predict(url, ['great film, loved it']);
    await waitFor(/"msg":"queued"/);
    child.kill('SIGTERM');
    const reply = await answer;
    expect(reply.status).toBe(200);
    expect(await exited).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['shutting down: finishing in-flight requests', 'closed']));
    expect(lines.at(-1)?.msg).toBe('closed');
  });
});
