import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.glossa': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** A static file server for a built site, listening on 127.0.0.1. */
export interface StaticServer {
  /** Base URL, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves `root` over HTTP on 127.0.0.1 (a free port): GET and HEAD only, `/` → `index.html`, correct
 * MIME types (the wasm backend needs `application/wasm`), no caching headers.
 *
 * @param root - The directory to serve.
 * @returns The running server.
 * @throws Error when the port cannot be bound.
 * @example
 * ```ts
 * const server = await serveStatic('dist');
 * await page.goto(server.url);
 * await server.close();
 * ```
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = normalize(root + sep);
  const server: Server = createServer(async (request, response) => {
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const path = normalize(join(base, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
      if (!path.startsWith(base)) {
        response.writeHead(403).end();
        return;
      }
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-cache',
      });
      if (request.method === 'HEAD') response.end();
      else createReadStream(path).pipe(response);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
