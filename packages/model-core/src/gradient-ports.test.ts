import { describe, expect, it } from 'vitest';
import type { GradientShard } from './data-parallel.js';
import { type GradientReply, type GradientRequest, gradientWorkersOverPorts } from './gradient-ports.js';

/** Ports that record what is posted (and transferred) and answer each compute with an empty result. */
function recordingPorts(count: number) {
  const posted: Array<{ message: GradientRequest; transfer: ArrayBuffer[] }> = [];
  const ports = Array.from({ length: count }, () => {
    let handler: ((reply: GradientReply) => void) | undefined;
    return {
      post(message: GradientRequest, transfer: ArrayBuffer[]) {
        // As a real port does: the message is cloned and what it transfers is detached here.
        posted.push({ message: structuredClone(message, { transfer }), transfer });
        if (message.type === 'glossa-gradient-compute') {
          queueMicrotask(() => handler?.({ type: 'glossa-gradient-result', id: message.id, result: { gradients: [], loss: 0, hits: 0 } }));
        }
      },
      onMessage(h: (reply: GradientReply) => void) {
        handler = h;
      },
    };
  });
  return { ports, posted };
}

describe('gradientWorkersOverPorts', () => {
  it('transfers each shard its own weight buffers: an array shards share is copied for all but the first', async () => {
    const { ports, posted } = recordingPorts(3);
    const workers = gradientWorkersOverPorts(ports, 'test');
    const shared = Float32Array.of(1, 2, 3);
    const shard = (own: Float32Array): GradientShard => ({
      weights: [shared, own],
      ids: new Int32Array(2),
      length: 2,
      ys: new Int32Array(1),
      dropoutCalls: [],
    });
    const owns = [Float32Array.of(4), Float32Array.of(5), Float32Array.of(6)];
    await workers.compute(owns.map(shard));
    const computes = posted.filter((p) => p.message.type === 'glossa-gradient-compute');
    expect(computes).toHaveLength(3);
    const buffers = computes.flatMap((p) => p.transfer);
    // Six arrays, six distinct buffers transferred, and every shard receives its values.
    expect(new Set(buffers).size).toBe(6);
    computes.forEach((p, i) => {
      const sent = (p.message as Extract<GradientRequest, { type: 'glossa-gradient-compute' }>).shard.weights;
      expect(sent.map((w) => Array.from(w))).toEqual([[1, 2, 3], [4 + i]]);
    });
    // The shared array went (detached) with the first shard only; the others were sent copies.
    expect(computes[0]!.transfer).toContain(shared.buffer);
    expect(shared.length).toBe(0);
  });
});
