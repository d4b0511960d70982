import type { BenchRatio, Measurement, PeerMeasurement } from './types.js';

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a != null && b != null && b > 0 ? a / b : null;
}

/**
 * Glossa ÷ stock tfjs (same architecture and backend) and Glossa ÷ PyTorch (same architecture) for
 * training samples/s and prediction texts/s. A ratio is `null` when either figure is missing.
 *
 * @param results - Glossa and stock measurements
 * @param peers - peer measurements (`torch-<arch>` ones are used)
 * @returns one entry per Glossa measurement
 * @throws never
 * @example
 * ```ts
 * const ratios = computeRatios(report.results, report.peers);
 * console.log(ratios[0]?.trainVsStock);
 * ```
 */
export function computeRatios(results: readonly Measurement[], peers: readonly PeerMeasurement[]): BenchRatio[] {
  return results
    .filter((r) => r.system === 'glossa')
    .map((g) => {
      const stock = results.find((r) => r.system === 'stock' && r.architecture === g.architecture && r.backend === g.backend);
      const torch = peers.find((p) => p.status === 'ok' && p.architecture === g.architecture);
      return {
        architecture: g.architecture,
        backend: g.backend,
        trainVsStock: ratio(g.trainSamplesPerSecond, stock?.trainSamplesPerSecond),
        predictVsStock: ratio(g.predictTextsPerSecond, stock?.predictTextsPerSecond),
        trainVsPytorch: ratio(g.trainSamplesPerSecond, torch?.trainSamplesPerSecond),
        predictVsPytorch: ratio(g.predictTextsPerSecond, torch?.predictTextsPerSecond),
        predictAllCoresVsPytorch: ratio(g.predictAllCoresTextsPerSecond, torch?.predictTextsPerSecond),
      };
    });
}
