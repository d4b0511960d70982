import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

/** Minimal service-worker typings (the demo's tsconfig has the DOM lib, not WebWorker). */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  registration: { scope: string };
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

/**
 * The service worker, serialised with `Function.prototype.toString` into `sw.js` (so it must not use
 * anything outside its own body). Precaches every file of the build; serves same-origin GETs cache-first
 * (hashed assets, wasm, model bundles) and navigations network-first with the cached page as fallback.
 */
function serviceWorker(version: string, files: string[]): void {
  const sw = self as unknown as ServiceWorkerScope;
  const cacheName = `glossa-demo-${version}`;
  const scope = sw.registration.scope;
  const urls = files.map((file) => new URL(file, scope).href);
  const shell = new URL('index.html', scope).href;
  sw.addEventListener('install', (event) => {
    event.waitUntil(
      caches
        .open(cacheName)
        .then((cache) => cache.addAll(urls))
        .then(() => sw.skipWaiting()),
    );
  });
  sw.addEventListener('activate', (event) => {
    event.waitUntil(
      caches
        .keys()
        .then((keys) => Promise.all(keys.filter((key) => key.startsWith('glossa-demo-') && key !== cacheName).map((key) => caches.delete(key))))
        .then(() => sw.clients.claim()),
    );
  });
  sw.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
    if (request.mode === 'navigate') {
      event.respondWith(
        fetch(request)
          .then((response) => {
            if (response.ok && (url.pathname.endsWith('/') || url.pathname.endsWith('/index.html'))) {
              const copy = response.clone();
              void caches.open(cacheName).then((cache) => cache.put(shell, copy));
            }
            return response;
          })
          .catch(async () => (await caches.match(shell)) ?? Response.error()),
      );
      return;
    }
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then(
        (hit) =>
          hit ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(cacheName).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  });
}

function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * A Vite plugin that makes the built site work offline: it emits `sw.js`, a service worker that
 * precaches every emitted file (app shell, scripts, the worker, the wasm binaries) and everything in
 * `public/` (the model bundles). Build-only: the dev server never sees a service worker. The worker's
 * cache name is a hash of the file list and the public files' contents, so a new build replaces the
 * old cache.
 *
 * @returns The plugin.
 * @example
 * ```ts
 * export default defineConfig({ plugins: [offlinePlugin()] });
 * ```
 */
export function offlinePlugin(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'glossa-demo-offline',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      const emitted = Object.keys(bundle).filter((file) => !file.endsWith('.map'));
      const publicDir = config?.publicDir ?? '';
      const publicFiles = publicDir === '' ? [] : listFiles(publicDir);
      const files = [...emitted, ...publicFiles.map((path) => relative(publicDir, path).split(sep).join('/'))].sort();
      for (const file of files) hash.update(`${file}\n`);
      for (const path of publicFiles) hash.update(readFileSync(path));
      for (const [file, output] of Object.entries(bundle)) {
        hash.update(file);
        hash.update(output.type === 'chunk' ? output.code : typeof output.source === 'string' ? output.source : Buffer.from(output.source));
      }
      const version = hash.digest('hex').slice(0, 16);
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `// Generated by apps/demo/offline-plugin.ts\n(${serviceWorker.toString()})(${JSON.stringify(version)}, ${JSON.stringify(files)});\n`,
      });
    },
  };
}
