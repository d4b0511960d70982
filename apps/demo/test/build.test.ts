import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './helpers/build-site.js';

/** Strings that occur exactly once in @tensorflow/tfjs-core's code (engine.ts and environment.ts). */
const TFJS_CORE_MARKERS = ['The highest priority backend', 'Cannot evaluate flag'];

/**
 * tfjs-backend-wasm embeds the source of Emscripten's pthread worker as a template string
 * (`wasmWorkerContents`); it holds `require("fs")` behind an `ENVIRONMENT_IS_NODE` check and is never a
 * module import. The scan skips that string only.
 */
function withoutEmbeddedWorkerSource(code: string): string {
  return code.replace(/wasmWorkerContents=`(?:\\.|[^`\\])*`/g, 'wasmWorkerContents=``');
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('demo build', () => {
  let outDir: string;
  let scripts: Array<{ file: string; code: string }>;

  beforeAll(async () => {
    outDir = await buildSite();
    const assets = await readdir(join(outDir, 'assets'));
    scripts = await Promise.all(
      assets.filter((a) => a.endsWith('.js')).map(async (file) => ({ file, code: await readFile(join(outDir, 'assets', file), 'utf8') })),
    );
  });

  afterAll(async () => {
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it('builds a page that loads one entry script and the model worker', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    expect(scripts.some((s) => s.file.startsWith('ml-worker-'))).toBe(true);
  });

  it('has no Node-only imports in any script', () => {
    const builtins = '(node:[\\w/]+|fs|fs/promises|path|os|crypto|child_process|worker_threads|url|util|stream|http|https|net|zlib|module)';
    const nodeImport = new RegExp(`(from ?|import ?\\(|require\\()["'\`]${builtins}["'\`]`);
    for (const { file, code } of scripts) {
      expect(withoutEmbeddedWorkerSource(code), file).not.toMatch(nodeImport);
      expect(code, file).not.toMatch(/["']@tensorflow\/tfjs-node["']/);
    }
  });

  it('bundles exactly one copy of tfjs-core, in the worker, and none in the page', () => {
    const worker = scripts.filter((s) => s.file.startsWith('ml-worker-'));
    const page = scripts.filter((s) => !s.file.startsWith('ml-worker-'));
    for (const marker of TFJS_CORE_MARKERS) {
      expect(
        worker.reduce((n, s) => n + count(s.code, marker), 0),
        `worker: ${marker}`,
      ).toBe(1);
      expect(
        page.reduce((n, s) => n + count(s.code, marker), 0),
        `page: ${marker}`,
      ).toBe(0);
    }
  });

  it('serves the wasm binaries and the model bundles (each under 2 MB)', async () => {
    const assets = await readdir(join(outDir, 'assets'));
    for (const name of ['tfjs-backend-wasm-', 'tfjs-backend-wasm-simd-', 'tfjs-backend-wasm-threaded-simd-']) {
      expect(
        assets.some((a) => a.startsWith(name) && a.endsWith('.wasm')),
        name,
      ).toBe(true);
    }
    for (const model of ['en-sst2.glossa', 'zh-chnsenticorp.glossa']) {
      const { size } = await stat(join(outDir, 'models', model));
      expect(size, model).toBeGreaterThan(10_000);
      expect(size, model).toBeLessThan(2 * 1024 * 1024);
    }
  });

  it('emits a service worker that precaches the shell, the worker, the wasm binaries and the models', async () => {
    const sw = await readFile(join(outDir, 'sw.js'), 'utf8');
    const match = /\)\("([0-9a-f]{16})", (\[.*\])\);\s*$/.exec(sw);
    expect(match).not.toBeNull();
    const precached = JSON.parse(match?.[2] ?? '[]') as string[];
    expect(precached).toContain('index.html');
    expect(precached).toContain('models/en-sst2.glossa');
    expect(precached).toContain('models/zh-chnsenticorp.glossa');
    for (const { file } of scripts) expect(precached).toContain(`assets/${file}`);
    expect(precached.filter((f) => f.endsWith('.wasm'))).toHaveLength(3);
    expect(precached).not.toContain('sw.js');
  });
});
