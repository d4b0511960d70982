export { BenchError, type BenchErrorCode } from './bench-error.js';
export { computeRatios } from './compute-ratios.js';
export { countTrainTokens, trainTokensPerSecond } from './count-train-tokens.js';
export {
  type BenchExample,
  createSyntheticDataset,
  type SyntheticDataset,
  type SyntheticDatasetOptions,
} from './create-synthetic-dataset.js';
export { machineInfo } from './machine-info.js';
export { BENCH_USAGE, type BenchArgsContext, type BenchOptions, parseBenchArgs } from './parse-bench-args.js';
export {
  type BenchDatasetName,
  type PreparedDataset,
  type PrepareDatasetOptions,
  prepareDataset,
  REAL_DATASETS,
  toCsv,
} from './prepare-dataset.js';
export { renderMarkdown } from './render-markdown.js';
export { type BenchRun, type RunBenchOptions, runBench } from './run-bench.js';
export {
  defaultPeerSystems,
  PEER_PYTHON,
  type PeerRun,
  parsePeerResult,
  peersUnavailable,
  type RunPeersOptions,
  runPeers,
} from './run-peers.js';
export type {
  BenchArchitecture,
  BenchBackend,
  BenchModelSettings,
  BenchRatio,
  BenchReport,
  BenchSystem,
  ChildTask,
  MachineInfo,
  Measurement,
  MeasurementStatus,
  PeerMeasurement,
  StockBudget,
  Threading,
  TrainTokenCount,
} from './types.js';
