import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTextClassifier, initBackend, saveBundle } from '@glossa/node-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, runBin, sentimentRows } from '../../test/helpers.js';

// The BUILT binary (`pnpm build` first): `glossa serve` as a real process, real signals.

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout has a line matching `pattern`. */
  waitForLog(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dir: string;
let bundle: string;
const children: ChildProcessWithoutNullStreams[] = [];

function startServe(args: readonly string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', bundle, '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watch of [...watchers]) watch();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForLog = (pattern: RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(stdout)) {
          watchers.splice(watchers.indexOf(check), 1);
          resolve();
        }
      };
      watchers.push(check);
      exited.then(() => reject(new Error(`serve exited before logging ${pattern}:\n${stderr}`)));
      check();
    });
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        resolve({ child, url: match[1], stdout: () => stdout, stderr: () => stderr, waitForLog, exited });
      }
    });
    exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/readyz never answered 200`);
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-serve-'));
  await initBackend({ backend: 'cpu', job: 'train' });
  const classifier = createTextClassifier({ architecture: 'bow', embeddingDim: 16, maxLength: 16, vocabSize: 300, learningRate: 0.02 });
  await classifier.fit(sentimentRows(200, 4), { epochs: 3, batchSize: 16, validationSplit: 0.2, seed: 3 });
  bundle = await saveBundle(classifier, join(dir, 'model.glossa'));
  classifier.dispose();
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa serve (built CLI)', () => {
  it('on SIGTERM finishes the in-flight request, answers 503 to the next one, and exits 0', async () => {
    // 1 s batch delay: the request sits in the queue while SIGTERM arrives.
    const served = await startServe(['--batch-delay-ms', '1000', '--log-level', 'debug']);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitReady(served.url);
    const { port } = new URL(served.url);
    const body = JSON.stringify({ texts: ['great film, loved it'] });
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      raw += chunk;
    });
    const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await served.waitForLog(/"msg":"queued"/);
    served.child.kill('SIGTERM');
    await served.waitForLog(/"msg":"shutting down/);
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { code, signal } = await served.exited;
    await socketClosed;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    const prediction = JSON.parse(first?.slice(first.indexOf('\r\n\r\n') + 4) ?? '') as { predictions: Array<{ label: string }> };
    expect(prediction.predictions[0]?.label).toBe('pos');
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toContain('"code":"SHUTTING_DOWN"');
    expect(served.stderr()).toMatch(/SIGTERM: shutting down/);
    expect(served.stderr()).toMatch(/glossa serve: stopped/);
    expect(served.stderr()).not.toMatch(/glossa:|Deprecation|Error/);
    const lines = served
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'request' && line.url === '/v1/predict')).toEqual([
      expect.objectContaining({ method: 'POST', status: 200, texts: 1 }),
    ]);
    expect(lines.at(-1)?.msg).toBe('closed');
  });

  it('binds to 127.0.0.1 by default without a warning; --host 0.0.0.0 warns, and SIGINT also exits 0', async () => {
    const local = await startServe([]);
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.stderr()).not.toMatch(/warning/);
    local.child.kill('SIGINT');
    expect((await local.exited).code).toBe(0);

    const open = await startServe(['--host', '0.0.0.0']);
    expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(open.stderr()).toMatch(/warning: listening on 0\.0\.0\.0 makes the API reachable from other machines/);
    await waitReady(open.url.replace('0.0.0.0', '127.0.0.1'));
    open.child.kill('SIGTERM');
    expect((await open.exited).code).toBe(0);
  });

  it('exits 1 with one clear line for a missing bundle or a port in use, 2 for a bad option', async () => {
    const missing = await runBin(['serve', join(dir, 'nope'), '--port', '0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    // The path and what to pass, without the library function's name.
    expect(missing.stderr).toMatch(/^glossa: .*nope does not exist: no model there\. Pass the directory or \.glossa file/);

    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runBin(['serve', bundle, '--port', String(port)]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`glossa: port ${port} on 127.0.0.1 is in use. Stop the other server or pass --port <n>`);
    } finally {
      blocker.close();
    }

    const badPort = await runBin(['serve', bundle, '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be an integer from 0 to 65535 \(got 70000\)/);
    const badLevel = await runBin(['serve', bundle, '--log-level', 'loud']);
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/--log-level must be one of fatal, error, warn, info, debug, trace, silent/);
  });
});
