import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createTextClassifier, deserializeBundle, initBackend, readManifest, serializeBundle, type TextClassifier } from '@glossa/node-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI's sentiment fixture, so these tests keep the data (and assertions) they had there.
import { syntheticSentiment } from '@glossa/test-data';
import { bundleId, createServeApp, type ServeApp, type ServeModel } from './index.js';

// Real HTTP on 127.0.0.1 against a real (small) LSTM on tfjs's cpu backend.

interface LogSink {
  stream: Writable;
  lines: Array<Record<string, unknown>>;
}

function logSink(): LogSink {
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      let at = pending.indexOf('\n');
      while (at >= 0) {
        lines.push(JSON.parse(pending.slice(0, at)) as Record<string, unknown>);
        pending = pending.slice(at + 1);
        at = pending.indexOf('\n');
      }
      callback();
    },
  });
  return { stream, lines };
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // asserted by the callers
  }
  return { status: response.status, headers: response.headers, body, text };
}

function postJson(base: string, body: unknown): Promise<Reply> {
  return call(base, '/v1/predict', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface ErrorJSON {
  code: string;
  message: string;
  field?: string;
  limit?: number;
}

function errorOf(reply: Reply): ErrorJSON {
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.text).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+|stack/);
  const error = reply.body.error as ErrorJSON;
  expect(typeof error.code).toBe('string');
  expect(typeof error.message).toBe('string');
  return error;
}

interface PredictionJSON {
  label: string;
  scores: Record<string, number>;
  explanation?: { label: string; method: string; tokens: Array<{ token: string; score: number }> };
}

/** Waits (polling every 5 ms, at most 10 s) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

async function servedModel(classifier: TextClassifier): Promise<ServeModel> {
  const files = await serializeBundle(classifier);
  return { classifier: await deserializeBundle(files), manifest: readManifest(files), id: bundleId(files), name: 'test-model', backend: 'cpu' };
}

let trained: TextClassifier;
let model: ServeModel;
let app: ServeApp;
let base: string;
const logs = logSink();

const LIMITS = { maxTexts: 8, maxTextLength: 200, maxBodyBytes: 4096, maxExplainTexts: 2 };

beforeAll(async () => {
  await initBackend({ backend: 'cpu', job: 'predict' });
  trained = createTextClassifier({ architecture: 'lstm', embeddingDim: 16, units: 16, maxLength: 24, vocabSize: 500, learningRate: 0.02 });
  await trained.fit(syntheticSentiment(400, 3, ['neg', 'pos']), { epochs: 4, batchSize: 32, validationSplit: 0.2, seed: 5 });
  model = await servedModel(trained);
  app = await createServeApp({ limits: LIMITS, batching: { maxBatchTexts: 16, maxDelayMs: 2 }, logStream: logs.stream, version: '9.9.9' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);

afterAll(async () => {
  await app?.close();
  model?.classifier.dispose();
  trained?.dispose();
});

describe('createServeApp', () => {
  it('answers /healthz while loading, and /readyz and /v1/predict with 503 NOT_READY until the model is warm', async () => {
    expect(app.state).toBe('loading');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await call(base, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await call(base, '/readyz');
    expect(ready.status).toBe(503);
    expect(errorOf(ready).code).toBe('NOT_READY');
    const early = await postJson(base, { texts: ['too early'] });
    expect(early.status).toBe(503);
    expect(errorOf(early).code).toBe('NOT_READY');

    await app.setModel(model);
    expect(app.state).toBe('ready');
    const after = await call(base, '/readyz');
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ status: 'ready', model: model.id });
  });

  it('predicts labels and scores equal to a direct predict call, with the model reference', async () => {
    // Held-out texts of the training distribution (sentences of words the model never saw are a coin toss).
    const heldOut = syntheticSentiment(2, 77, ['neg', 'pos']);
    const texts = heldOut.map((row) => row.text);
    const reply = await postJson(base, { texts });
    expect(reply.status).toBe(200);
    const predictions = reply.body.predictions as PredictionJSON[];
    const direct = await trained.predict(texts);
    expect(predictions).toHaveLength(2);
    predictions.forEach((prediction, i) => {
      expect(prediction.label).toBe(direct[i]?.label);
      expect(Object.keys(prediction.scores).sort()).toEqual(['neg', 'pos']);
      for (const label of ['neg', 'pos']) {
        expect(Math.abs((prediction.scores[label] ?? Number.NaN) - (direct[i]?.scores[label] ?? Number.NaN))).toBeLessThan(1e-6);
      }
      expect(prediction.explanation).toBeUndefined();
    });
    expect(predictions.map((p) => p.label)).toEqual(heldOut.map((row) => row.label));
    expect(reply.body.model).toEqual({ id: model.id, name: 'test-model', architecture: 'lstm', createdAt: model.manifest.createdAt });
    expect(model.id).toMatch(/^sha256-[0-9a-f]{16}$/);
  });

  it('adds occlusion explanations with "explain": true', async () => {
    const reply = await postJson(base, { texts: ['great film', 'terrible acting'], explain: true });
    expect(reply.status).toBe(200);
    const predictions = reply.body.predictions as PredictionJSON[];
    for (const prediction of predictions) {
      expect(prediction.explanation?.method).toBe('occlusion');
      expect(prediction.explanation?.label).toBe(prediction.label);
      expect(prediction.explanation?.tokens.length).toBe(2);
      for (const token of prediction.explanation?.tokens ?? []) expect(Number.isFinite(token.score)).toBe(true);
    }
    expect(predictions[0]?.explanation?.tokens.map((t) => t.token)).toEqual(['great', 'film']);
  });

  it('micro-batches many concurrent requests and gives each exactly the prediction it would get alone', async () => {
    const rows = syntheticSentiment(120, 11, ['neg', 'pos']);
    const requests = Array.from({ length: 60 }, (_, i) => rows.slice(i * 2, i * 2 + 1 + (i % 2)).map((row) => row.text));
    const before = app.batcher?.stats ?? { batches: 0, requests: 0 };
    const replies = await Promise.all(requests.map((texts) => postJson(base, { texts })));
    const after = app.batcher?.stats ?? { batches: 0, requests: 0 };
    expect(after.requests - before.requests).toBe(requests.length);
    // Fewer forward passes than requests: requests were grouped.
    expect(after.batches - before.batches).toBeLessThan(requests.length);
    for (let r = 0; r < requests.length; r++) {
      const reply = replies[r] as Reply;
      expect(reply.status).toBe(200);
      const texts = requests[r] as string[];
      const alone = await trained.predict(texts);
      const predictions = reply.body.predictions as PredictionJSON[];
      expect(predictions).toHaveLength(texts.length);
      predictions.forEach((prediction, i) => {
        expect(prediction.label).toBe(alone[i]?.label);
        for (const [label, score] of Object.entries(alone[i]?.scores ?? {})) {
          expect(Math.abs((prediction.scores[label] ?? Number.NaN) - score)).toBeLessThan(1e-6);
        }
      });
    }
  });

  it('answers 422 with the field and the limit for every malformed body', async () => {
    const cases: Array<[unknown, string, number | undefined, RegExp]> = [
      [{ texts: [] }, 'texts', 1, /texts is empty/],
      [{ texts: ['ok', 7] }, 'texts[1]', undefined, /texts\[1\] must be a string \(got number\)/],
      [{ texts: ['ok', null] }, 'texts[1]', undefined, /got null/],
      [{ texts: 'not a list' }, 'texts', undefined, /texts must be an array of strings \(got string\)/],
      [{}, 'texts', undefined, /texts is missing/],
      [{ text: ['typo'] }, 'texts', undefined, /texts is missing/],
      [{ texts: ['a'], explian: true }, 'explian', undefined, /unknown field "explian"/],
      [{ texts: ['a'], explain: 'yes' }, 'explain', undefined, /explain must be true or false/],
      [['a', 'b'], 'body', undefined, /the body must be a JSON object/],
      [
        Array.from({ length: 9 }, () => 'x').reduce((body, t) => ({ texts: [...body.texts, t] }), { texts: [] as string[] }),
        'texts',
        8,
        /texts has 9 items, over the limit of 8 .*--max-texts/,
      ],
      [{ texts: ['short', 'é'.repeat(201)] }, 'texts[1]', 200, /texts\[1\] has 201 characters, over the limit of 200 .*--max-text-length/],
      [{ texts: ['fine', ''] }, 'texts[1]', undefined, /texts\[1\] is empty: there is nothing to label/],
      [{ texts: [' \n\t '] }, 'texts[0]', undefined, /texts\[0\] is only whitespace: there is nothing to label/],
      [{ texts: ['a', 'b', 'c'], explain: true }, 'texts', 2, /over the limit of 2 with "explain": true/],
    ];
    for (const [body, field, limit, message] of cases) {
      const reply = await postJson(base, body);
      expect(reply.status, JSON.stringify(body)).toBe(422);
      const error = errorOf(reply);
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.field).toBe(field);
      expect(error.limit).toBe(limit);
      expect(error.message).toMatch(message);
    }
  });

  it('counts text length in characters, not UTF-16 units or bytes', async () => {
    const emoji = '😀'.repeat(200); // 200 code points, 400 UTF-16 units, 800 bytes
    const reply = await postJson(base, { texts: [emoji] });
    expect(reply.status).toBe(200);
  });

  it('answers 413 for a body over the byte limit, 400 for broken JSON, 415 for another content type', async () => {
    const big = await postJson(base, { texts: ['x'.repeat(5000)] });
    expect(big.status).toBe(413);
    expect(errorOf(big)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 4096 });
    expect(errorOf(big).message).toMatch(/4096 bytes .*--max-body-bytes/);

    const broken = await postJson(base, '{"texts": ["unterminated');
    expect(broken.status).toBe(400);
    expect(errorOf(broken).code).toBe('INVALID_JSON');

    const empty = await call(base, '/v1/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(empty.status).toBe(400);
    expect(errorOf(empty).code).toBe('INVALID_JSON');

    const plain = await call(base, '/v1/predict', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'great film' });
    expect(plain.status).toBe(415);
    expect(errorOf(plain).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 404 with a JSON body listing the routes for unknown paths and methods', async () => {
    const missing = await call(base, '/v2/predict');
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(missing).message).toMatch(/no route GET \/v2\/predict\. Routes: POST \/v1\/predict/);
    const wrongMethod = await call(base, '/v1/predict');
    expect(wrongMethod.status).toBe(404);
    expect(errorOf(wrongMethod).code).toBe('NOT_FOUND');
  });

  it('answers a malformed HTTP request with a JSON 400 and keeps serving', async () => {
    const { port } = new URL(base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('end', () => resolve(data)).on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toMatch(/\{"error":\{"code":"BAD_REQUEST"/);
    expect((await call(base, '/healthz')).status).toBe(200);
  });

  it('describes the model, its metrics and the limits on GET /v1/model', async () => {
    const reply = await call(base, '/v1/model');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: model.id,
      name: 'test-model',
      labels: ['neg', 'pos'],
      architecture: 'lstm',
      backend: 'cpu',
      limits: { ...LIMITS, timeoutMs: 10_000 },
      batching: { maxBatchTexts: 16, maxDelayMs: 2 },
    });
    const manifest = reply.body.manifest as Record<string, unknown>;
    expect(manifest.format).toBe('glossa-bundle');
    expect(manifest.labels).toEqual(['neg', 'pos']);
    expect((manifest.options as Record<string, unknown>).units).toBe(16);
    expect((reply.body.metrics as { validation: { accuracy: number } }).validation.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('serves an OpenAPI 3 document that lists every route with its responses', async () => {
    const reply = await call(base, '/openapi.json');
    expect(reply.status).toBe(200);
    const doc = reply.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<string, { responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '9.9.9' });
    const routes = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(['GET /healthz', 'GET /openapi.json', 'GET /readyz', 'GET /v1/model', 'POST /v1/predict']);
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item)) {
        expect(Object.keys(operation.responses)).toContain('200');
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof (response as { description?: unknown }).description).toBe('string');
        }
      }
    }
    const predict = doc.paths['/v1/predict']?.post;
    const bodySchema = predict?.requestBody?.content['application/json']?.schema as {
      properties: { texts: { maxItems: number; items: { maxLength: number } } };
    };
    expect(bodySchema.properties.texts.maxItems).toBe(8);
    expect(bodySchema.properties.texts.items.maxLength).toBe(200);
    expect(Object.keys(predict?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    expect(JSON.stringify(doc)).not.toContain('"$ref":"ErrorResponse#"');
  });

  it('answers 503 TIMEOUT when a request waits longer than timeoutMs, and drops its queued texts', async () => {
    const logs2 = logSink();
    const slow = await createServeApp({ limits: { timeoutMs: 20 }, batching: { maxBatchTexts: 64, maxDelayMs: 1000 }, logStream: logs2.stream });
    const slowModel = await servedModel(trained);
    try {
      const url = await slow.listen({ host: '127.0.0.1', port: 0 });
      await slow.setModel(slowModel);
      const reply = await postJson(url, { texts: ['never scored'] });
      expect(reply.status).toBe(503);
      expect(errorOf(reply)).toMatchObject({ code: 'TIMEOUT', limit: 20 });
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(slow.batcher?.queuedTexts).toBe(0);
      expect(slow.batcher?.stats.texts).toBe(0);
    } finally {
      await slow.close();
      slowModel.classifier.dispose();
    }
  });

  it('drops the queued texts of a client that disconnects', async () => {
    const lazyLogs = logSink();
    const lazy = await createServeApp({ batching: { maxBatchTexts: 64, maxDelayMs: 1000 }, logStream: lazyLogs.stream });
    const lazyModel = await servedModel(trained);
    try {
      const url = await lazy.listen({ host: '127.0.0.1', port: 0 });
      await lazy.setModel(lazyModel);
      const controller = new AbortController();
      const pending = fetch(`${url}/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ texts: ['left behind'] }),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await until(() => lazy.batcher?.queuedTexts === 1);
      controller.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
      await until(() => lazy.batcher?.queuedTexts === 0);
      expect(lazy.batcher?.stats.texts).toBe(0);
      await until(() => lazyLogs.lines.some((line) => line.msg === 'request'));
      expect(lazyLogs.lines.find((line) => line.msg === 'request')).toMatchObject({ method: 'POST', url: '/v1/predict', status: 499, texts: 1 });
    } finally {
      await lazy.close();
      lazyModel.classifier.dispose();
    }
  });

  it('closes gracefully: an in-flight request finishes, a request after close() gets 503 SHUTTING_DOWN', async () => {
    const closing = await createServeApp({ batching: { maxBatchTexts: 64, maxDelayMs: 300 }, logStream: logSink().stream });
    const closingModel = await servedModel(trained);
    try {
      const url = new URL(await closing.listen({ host: '127.0.0.1', port: 0 }));
      await closing.setModel(closingModel);
      const body = JSON.stringify({ texts: ['still answered'] });
      const socket = connect(Number(url.port), '127.0.0.1');
      let raw = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
      });
      const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      await until(() => closing.batcher?.queuedTexts === 1);
      const closed = closing.close();
      expect(closing.state).toBe('closing');
      socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
      await closed;
      await ended;
      expect(closing.state).toBe('closed');
      const responses = raw.split(/(?=HTTP\/1\.1 )/);
      expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
      expect(responses[0]).toContain('"predictions":[{"label":');
      expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
      expect(responses[1]).toMatch(/connection: close/i);
      expect(responses[1]).toContain('"code":"SHUTTING_DOWN"');
    } finally {
      await closing.close();
      closingModel.classifier.dispose();
    }
  });

  it('answers 500 INTERNAL without details when the model fails, and logs the error', async () => {
    const logs3 = logSink();
    const broken = await createServeApp({ logStream: logs3.stream });
    const brokenModel = await servedModel(trained);
    try {
      const url = await broken.listen({ host: '127.0.0.1', port: 0 });
      await broken.setModel(brokenModel);
      brokenModel.classifier.dispose(); // every forward pass now fails inside tfjs
      const reply = await postJson(url, { texts: ['anything'] });
      expect(reply.status).toBe(500);
      const error = errorOf(reply);
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toMatch(/the server log has the details/);
      const logged = logs3.lines.find((line) => line.msg === 'request failed');
      expect(logged?.level).toBe(50);
      expect(typeof (logged?.err as { stack?: unknown })?.stack).toBe('string');
    } finally {
      await broken.close();
    }
  });

  it('writes one JSON log line per request with method, url, status, ms and texts', async () => {
    const count = logs.lines.length;
    await postJson(base, { texts: ['one', 'two', 'three'] });
    await call(base, '/nope');
    const lines = logs.lines.slice(count).filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, method: 'POST', url: '/v1/predict', status: 200, texts: 3 });
    expect(lines[1]).toMatchObject({ method: 'GET', url: '/nope', status: 404, texts: 0 });
    for (const line of lines) {
      expect(typeof line.ms).toBe('number');
      expect(typeof line.reqId).toBe('string');
      expect(typeof line.time).toBe('number');
    }
    expect(logs.lines.some((line) => line.msg === 'listening' && typeof line.url === 'string')).toBe(true);
  });

  it('rejects out-of-range limits', async () => {
    await expect(createServeApp({ limits: { maxTexts: 0 } })).rejects.toThrow(/maxTexts must be an integer from 1 to 100000 \(got 0\)/);
    await expect(createServeApp({ batching: { maxDelayMs: 1.5 } })).rejects.toThrow(/maxDelayMs/);
  });
});
