/**
 * {@link GradientWorkers} over message ports: the protocol between a training thread and its gradient
 * workers, the same for Node's worker threads and browsers' Web Workers. A runtime starts the threads,
 * wraps each in a {@link GradientPort} and calls {@link gradientWorkersOverPorts}; inside each thread it
 * initialises a backend and calls {@link serveGradientReplica}.
 */
import {
  type GradientReplica,
  type GradientReplicaInit,
  type GradientShard,
  type GradientWorkers,
  type ShardGradients,
  createGradientReplica,
} from './data-parallel.js';
import { ModelCoreError } from './errors.js';

/** A message to a gradient worker. */
export type GradientRequest =
  | { type: 'glossa-gradient-start'; init: GradientReplicaInit }
  | { type: 'glossa-gradient-compute'; id: number; shard: GradientShard }
  | { type: 'glossa-gradient-release' };

/** A message from a gradient worker. */
export type GradientReply =
  | { type: 'glossa-gradient-started' }
  | { type: 'glossa-gradient-result'; id: number; result: ShardGradients }
  | { type: 'glossa-gradient-error'; id: number | null; message: string };

/** One end of a channel: posts messages (transferring buffers) and delivers the other end's messages. */
export interface GradientPort<Out, In> {
  post(message: Out, transfer: ArrayBuffer[]): void;
  /** Registers the one handler of incoming messages. */
  onMessage(handler: (message: In) => void): void;
}

/** {@link GradientWorkers} whose threads can also be failed from outside (a thread crashed or exited). */
export interface PortGradientWorkers extends GradientWorkers {
  /** Rejects what worker `index` owes with `error`; later requests to it reject too. */
  fail(index: number, error: Error): void;
}

interface Waiter {
  resolve: (value: ShardGradients | undefined) => void;
  reject: (error: Error) => void;
}

/** Ids of start replies (one start at a time per worker). */
const START = -1;

/**
 * Gradient workers over one port per worker thread.
 *
 * @param ports - One port per started worker (whose thread runs {@link serveGradientReplica}).
 * @param where - Name for messages (e.g. `TrainingWorkers`).
 * @returns The workers.
 * @example
 * ```ts
 * const workers = gradientWorkersOverPorts(threads.map(portOf), 'TrainingWorkers');
 * await classifier.fit(examples, { gradientWorkers: workers });
 * ```
 */
export function gradientWorkersOverPorts(ports: ReadonlyArray<GradientPort<GradientRequest, GradientReply>>, where: string): PortGradientWorkers {
  const pending = ports.map(() => new Map<number, Waiter>());
  const failed: Array<Error | undefined> = ports.map(() => undefined);
  let nextId = 0;
  ports.forEach((port, i) => {
    port.onMessage((reply) => {
      const id = reply.type === 'glossa-gradient-started' ? START : (reply.id ?? START);
      const waiter = pending[i]!.get(id);
      if (!waiter) return;
      pending[i]!.delete(id);
      if (reply.type === 'glossa-gradient-error') waiter.reject(new ModelCoreError('INVALID_DATA', `${where}: worker ${i + 1}: ${reply.message}`));
      else waiter.resolve(reply.type === 'glossa-gradient-result' ? reply.result : undefined);
    });
  });
  const ask = (i: number, id: number, request: GradientRequest, transfer: ArrayBuffer[] = []): Promise<ShardGradients | undefined> =>
    new Promise((resolve, reject) => {
      const error = failed[i];
      if (error) {
        reject(error);
        return;
      }
      pending[i]!.set(id, { resolve, reject });
      ports[i]!.post(request, transfer);
    });
  return {
    size: ports.length,
    async start(init) {
      await Promise.all(ports.map((_, i) => ask(i, START, { type: 'glossa-gradient-start', init })));
    },
    async compute(shards) {
      if (shards.length > ports.length) {
        throw new ModelCoreError('INVALID_OPTIONS', `${where}.compute: ${shards.length} shards for ${ports.length} workers.`);
      }
      // The weights travel without a copy. A buffer two shards share goes to the first; the others get copies: a
      // transferred buffer is detached, and Node drops a message that transfers one again, without an error.
      // (Copied before the first post, which detaches what it transfers.)
      const sent = new Set<ArrayBufferLike>();
      const own = shards.map((shard) => {
        const weights = shard.weights.map((w) => (sent.has(w.buffer) ? w.slice() : w));
        for (const w of weights) sent.add(w.buffer);
        return { ...shard, weights };
      });
      const results = await Promise.all(
        own.map((shard, i) => {
          const id = nextId++;
          return ask(i, id, { type: 'glossa-gradient-compute', id, shard }, [...new Set(shard.weights.map((w) => w.buffer as ArrayBuffer))]);
        }),
      );
      return results as ShardGradients[];
    },
    async release() {
      ports.forEach((port, i) => {
        if (!failed[i]) port.post({ type: 'glossa-gradient-release' }, []);
      });
    },
    fail(index, error) {
      failed[index] ??= error;
      for (const waiter of pending[index]!.values()) waiter.reject(error);
      pending[index]!.clear();
    },
  };
}

/**
 * The {@link GradientWorkers} part of port workers (without `fail`), for a runtime's own workers object.
 *
 * @param workers - From {@link gradientWorkersOverPorts}.
 * @returns `size`, `start`, `compute` and `release`, bound to `workers`.
 * @example
 * ```ts
 * return { ...gradientWorkersOf(overPorts), threads, close };
 * ```
 */
export function gradientWorkersOf(workers: PortGradientWorkers): GradientWorkers {
  return { size: workers.size, start: (init) => workers.start(init), compute: (shards) => workers.compute(shards), release: () => workers.release() };
}

/**
 * Serves a training thread from inside a worker: builds a replica on `start`, computes shard gradients
 * (transferring them back), frees it on `release`. Call after initialising the worker's backend.
 *
 * @param port - The worker's end of the channel.
 * @example
 * ```ts
 * await initBackend({ job: 'train', threads: 1 });
 * serveGradientReplica({ post: (m, t) => parentPort.postMessage(m, t), onMessage: (f) => parentPort.on('message', f) });
 * ```
 */
export function serveGradientReplica(port: GradientPort<GradientReply, GradientRequest>): void {
  let replica: GradientReplica | undefined;
  port.onMessage((request) => {
    try {
      if (request.type === 'glossa-gradient-start') {
        replica?.dispose();
        replica = createGradientReplica(request.init);
        port.post({ type: 'glossa-gradient-started' }, []);
      } else if (request.type === 'glossa-gradient-release') {
        replica?.dispose();
        replica = undefined;
      } else {
        if (!replica) throw new Error('no model: the worker was not started for this fit');
        const result = replica.compute(request.shard);
        port.post(
          { type: 'glossa-gradient-result', id: request.id, result },
          result.gradients.map((g) => g.buffer as ArrayBuffer),
        );
      }
    } catch (error) {
      port.post(
        {
          type: 'glossa-gradient-error',
          id: request.type === 'glossa-gradient-compute' ? request.id : null,
          message: error instanceof Error ? error.message : String(error),
        },
        [],
      );
    }
  });
}
