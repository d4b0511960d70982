import type { WorkerLike } from '../src/create-worker-client.js';
import type { WorkerScope } from '../src/serve-worker.js';

/**
 * A real `MessageChannel` standing in for a worker: one port is the worker's `self` (for serveWorker),
 * the other the page's `Worker` (for createWorkerClient). Messages are structured-cloned and transferred
 * exactly as between a page and a worker; only the thread is the same.
 */
export function createChannelWorker(): { scope: WorkerScope; worker: WorkerLike; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  const close = (): void => {
    port1.close();
    port2.close();
  };
  const scope: WorkerScope = {
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    addEventListener: (type, listener) => {
      port1.addEventListener(type, listener);
      port1.start();
    },
  };
  const worker: WorkerLike = {
    postMessage: (message, transfer) => port2.postMessage(message, transfer),
    addEventListener: (type, listener) => {
      port2.addEventListener(type, listener);
      port2.start();
    },
    removeEventListener: (type, listener) => port2.removeEventListener(type, listener),
    terminate: close,
  };
  return { scope, worker, close };
}
