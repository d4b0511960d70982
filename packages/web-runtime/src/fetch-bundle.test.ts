import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleFiles, type TextClassifier, createTextClassifier, packBundle, serializeBundle } from '../src/index.js';
import { describeWebRuntime } from './describe-web-runtime.js';
import { fetchBundle, fetchBundleFiles, loadBundleFromBlob } from './fetch-bundle.js';

const texts = ['a lovely film', 'dull and poor', '好看 🙂', ''];
let clf: TextClassifier;
let files: BundleFiles;
let server: Server;
let base: string;

beforeAll(async () => {
  clf = createTextClassifier({ architecture: 'bow', embeddingDim: 8 });
  const data = Array.from({ length: 80 }, (_, i) => ({ text: i % 2 ? `lovely film ${i}` : `dull film ${i}`, label: i % 2 ? 'pos' : 'neg' }));
  await clf.fit(data, { epochs: 2, validationSplit: 0 });
  files = await serializeBundle(clf);
  const packed = packBundle(files);
  // A real HTTP server on loopback serving the bundle as a directory and as one file.
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    const body = url === '/models/model.glossa' ? packed : url.startsWith('/models/dir/') ? files[url.slice('/models/dir/'.length)] : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  clf.dispose();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchBundle', () => {
  it('loads a packed bundle and a bundle directory over HTTP with identical scores', async () => {
    const expected = Array.from(await clf.predictProbabilities(texts));
    for (const url of [`${base}/models/model.glossa`, `${base}/models/dir/`, `${base}/models/dir/manifest.json`]) {
      const loaded = await fetchBundle(url);
      expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(expected);
      loaded.dispose();
    }
  });

  it('names the URL and HTTP status when a file is missing', async () => {
    await expect(fetchBundleFiles(`${base}/models/nothing.glossa`)).rejects.toThrow(/nothing\.glossa answered HTTP 404/);
  });

  it('loads the single-file form from a Blob', async () => {
    const loaded = await loadBundleFromBlob(new Blob([packBundle(files) as Uint8Array<ArrayBuffer>]));
    expect(loaded.labels).toEqual(['neg', 'pos']);
    loaded.dispose();
  });
});

describe('describeWebRuntime', () => {
  it('names the active backend', () => {
    expect(describeWebRuntime()).toMatch(/on TensorFlow\.js backend cpu$/);
  });
});
