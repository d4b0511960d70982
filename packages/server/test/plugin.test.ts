import { connect } from 'node:net';
import swagger from '@fastify/swagger';
import { createTextClassifier, initBackend, type TextClassifier } from '@glossa/node-runtime';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI's sentiment fixture (labels pos/neg), as the server's other tests use.
import { syntheticSentiment } from '@glossa/test-data';
import { glossaServe, loadServeModel, type ServeModel } from '../src/index.js';

// The plugin inside a service's own fastify app (fastify's default options: its ajv coerces types and drops unknown
// fields, its 404 is fastify's), next to the service's own routes. Real HTTP on 127.0.0.1.

let trained: TextClassifier;
let model: ServeModel;

async function send(
  url: string,
  method: string,
  body?: string,
  type = 'application/json',
): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const response = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': type }, body }) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // asserted by the callers
  }
  return { status: response.status, text, json };
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', job: 'train' });
  trained = createTextClassifier({ architecture: 'bow', embeddingDim: 16, maxLength: 16, vocabSize: 300, learningRate: 0.02 });
  await trained.fit(syntheticSentiment(200, 4, ['neg', 'pos']), { epochs: 3, batchSize: 16, validationSplit: 0.2, seed: 3 });
  model = await loadServeModel(trained, { name: 'reviews' });
}, 120_000);

afterAll(() => {
  trained?.dispose();
});

describe('glossaServe in a service of its own', () => {
  it('mounts the routes under a prefix next to the service routes, leaving the service parsers, validation and 404 as they are', async () => {
    const app = Fastify();
    app.get('/hello', async () => ({ hello: 'world' }));
    app.post('/echo', async (request) => ({ got: request.body }));
    app.post('/count', { schema: { body: { type: 'object', properties: { n: { type: 'integer' } } } } }, async (request) => request.body);
    await app.register(glossaServe, { prefix: '/sentiment', model, limits: { maxTexts: 4 }, version: '2.0.0' });
    const base = await listen(app);
    try {
      // The service's own routes: text/plain still parsed, its ajv still coerces, its 404 is fastify's.
      expect((await send(`${base}/hello`, 'GET')).json).toEqual({ hello: 'world' });
      expect((await send(`${base}/echo`, 'POST', 'plain words', 'text/plain')).json).toEqual({ got: 'plain words' });
      expect((await send(`${base}/count`, 'POST', '{"n": "7"}')).json).toEqual({ n: 7 });
      const missing = await send(`${base}/nope`, 'GET');
      expect(missing.status).toBe(404);
      expect(missing.json).toMatchObject({ statusCode: 404, error: 'Not Found' });

      // The plugin's routes: ready as soon as the app is, and strict whatever the service's ajv does.
      expect((await send(`${base}/sentiment/readyz`, 'GET')).json).toEqual({ status: 'ready', model: model.id });
      const reply = await send(`${base}/sentiment/v1/predict`, 'POST', JSON.stringify({ texts: ['great film', 'awful plot'] }));
      expect(reply.status).toBe(200);
      const direct = await trained.predict(['great film', 'awful plot']);
      expect((reply.json.predictions as Array<{ label: string }>).map((p) => p.label)).toEqual(direct.map((p) => p.label));
      expect(reply.json.model).toMatchObject({ id: model.id, name: 'reviews', architecture: 'bow' });
      const coerced = await send(`${base}/sentiment/v1/predict`, 'POST', JSON.stringify({ texts: [7] }));
      expect(coerced.status).toBe(422);
      expect(coerced.json.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'texts[0]' });
      const extra = await send(`${base}/sentiment/v1/predict`, 'POST', JSON.stringify({ texts: ['a'], explian: true }));
      expect(extra.status).toBe(422);
      expect(extra.json.error).toMatchObject({ field: 'explian' });
      const tooMany = await send(`${base}/sentiment/v1/predict`, 'POST', JSON.stringify({ texts: ['a', 'b', 'c', 'd', 'e'] }));
      expect(tooMany.json.error).toMatchObject({ code: 'INVALID_REQUEST', limit: 4 });
      const plain = await send(`${base}/sentiment/v1/predict`, 'POST', 'great film', 'text/plain');
      expect(plain.status).toBe(415);
      expect((await send(`${base}/sentiment/v1/model`, 'GET')).json).toMatchObject({ name: 'reviews', limits: { maxTexts: 4 } });

      const doc = (await send(`${base}/sentiment/openapi.json`, 'GET')).json as { info: { version: string }; paths: Record<string, unknown> };
      expect(doc.info.version).toBe('2.0.0');
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/sentiment/healthz',
        '/sentiment/openapi.json',
        '/sentiment/readyz',
        '/sentiment/v1/model',
        '/sentiment/v1/predict',
      ]);
    } finally {
      await app.close();
    }
  });

  it('answers unknown paths under its prefix with its JSON 404 when asked (notFound)', async () => {
    const app = Fastify();
    await app.register(glossaServe, { prefix: '/sentiment', model, notFound: true });
    const base = await listen(app);
    try {
      const missing = await send(`${base}/sentiment/v2/predict`, 'GET');
      expect(missing.status).toBe(404);
      expect(missing.json.error).toMatchObject({ code: 'NOT_FOUND' });
      expect((missing.json.error as { message: string }).message).toMatch(
        /no route GET \/sentiment\/v2\/predict\. Routes: POST \/sentiment\/v1\/predict, GET \/sentiment\/v1\/model/,
      );
    } finally {
      await app.close();
    }
  });

  it('with openapi: false, its routes appear in the service OpenAPI document; without, it says what to do', async () => {
    const app = Fastify();
    await app.register(swagger, { openapi: { info: { title: 'my service', version: '1.0.0' } } });
    app.get('/hello', async () => 'hi');
    await app.register(glossaServe, { prefix: '/sentiment', model, openapi: false });
    await app.ready();
    try {
      const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>> };
      expect(Object.keys(doc.paths).sort()).toEqual(['/hello', '/sentiment/healthz', '/sentiment/readyz', '/sentiment/v1/model', '/sentiment/v1/predict']);
      expect(Object.keys(doc.paths['/sentiment/v1/predict']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    } finally {
      await app.close();
    }

    const twice = Fastify();
    await twice.register(swagger, { openapi: { info: { title: 'my service', version: '1.0.0' } } });
    await expect(twice.register(glossaServe, { model })).rejects.toThrow(/already registers @fastify\/swagger; register the plugin with \{ openapi: false \}/);
    await twice.close().catch(() => undefined);
  });

  it('shuts down with the app: the request in flight finishes, the next one gets 503 SHUTTING_DOWN', async () => {
    const app = Fastify({ return503OnClosing: false });
    await app.register(glossaServe, { model, batching: { maxBatchTexts: 64, maxDelayMs: 1000 } });
    const { port } = new URL(await listen(app));
    // One keep-alive connection: a prediction that waits 1 s in the queue, then (after close()) a second request.
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      raw += chunk;
    });
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = JSON.stringify({ texts: ['still answered'] });
    socket.write(`POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = app.close();
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    await ended;
    const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toContain('"predictions":[{"label":');
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toContain('"code":"SHUTTING_DOWN"');
  });

  it('refuses options it cannot use', async () => {
    await expect(Fastify().register(glossaServe, {})).rejects.toThrow(/pass the model to serve/);
    await expect(Fastify().register(glossaServe, { model, limits: { maxTexts: 0 } })).rejects.toThrow(/maxTexts must be an integer from 1 to 100000 \(got 0\)/);
  });
});
