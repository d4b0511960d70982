import type { BenchRatio, Measurement, PeerMeasurement } from './types.js';

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a != null && b != null && b > 0 ? a / b : null;
}

/** Glossa's prediction texts/s on `threads` threads: `predict` on one, the prediction pool on its thread count. */
function glossaPredictAt(g: Measurement, threads: number): number | null {
  if (threads === 1) return g.predictTextsPerSecond;
  return g.predictAllCoresThreads === threads ? g.predictAllCoresTextsPerSecond : null;
}

/**
 * Glossa ÷ stock tfjs (same architecture and backend) and Glossa ÷ PyTorch (same architecture) for
 * training samples/s and prediction texts/s, **at equal threads**: each Glossa measurement is compared
 * with the PyTorch run whose `torch.get_num_threads()` equals Glossa's training threads, and with stock
 * (which trains on one thread) only at one thread. A ratio is `null` when either figure is missing.
 *
 * @param results - Glossa and stock measurements
 * @param peers - peer measurements (`torch-<arch>` ones are used)
 * @returns one entry per Glossa measurement
 * @throws never
 * @example
 * ```ts
 * const ratios = computeRatios(report.results, report.peers);
 * console.log(ratios[0]?.threads, ratios[0]?.trainVsPytorch);
 * ```
 */
export function computeRatios(results: readonly Measurement[], peers: readonly PeerMeasurement[]): BenchRatio[] {
  return results
    .filter((r) => r.system === 'glossa')
    .map((g) => {
      const threads = g.trainThreads;
      const stock = results.find((r) => r.system === 'stock' && r.architecture === g.architecture && r.backend === g.backend && r.trainThreads === threads);
      const torch = peers.find((p) => p.status === 'ok' && p.architecture === g.architecture && p.threads === threads);
      return {
        architecture: g.architecture,
        backend: g.backend,
        threads,
        trainVsStock: ratio(g.trainSamplesPerSecond, stock?.trainSamplesPerSecond),
        predictVsStock: ratio(g.predictTextsPerSecond, stock?.predictTextsPerSecond),
        trainVsPytorch: ratio(g.trainSamplesPerSecond, torch?.trainSamplesPerSecond),
        predictVsPytorch: ratio(glossaPredictAt(g, threads), torch?.predictTextsPerSecond),
      };
    });
}
