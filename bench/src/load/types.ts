import type { MachineInfo } from '../types.js';

/** One client count of a load test. */
export interface LoadLevelResult {
  /** Concurrent clients (autocannon connections, one request in flight each). */
  connections: number;
  /** Measured seconds (autocannon's `duration`). */
  durationSeconds: number;
  /** Responses received. */
  requests: number;
  /** `requests / durationSeconds`. */
  requestsPerSecond: number;
  /** Response latency in milliseconds (autocannon's histogram). */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Connection errors, including timeouts. */
  errors: number;
  /** Requests that timed out (10 s). */
  timeouts: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Responses with a 2xx status. */
  status2xx: number;
  /** Server RSS when the level started. */
  rssStartBytes: number | null;
  /** Server RSS when the level ended. */
  rssEndBytes: number | null;
  /** Largest server RSS seen during the level. */
  rssMaxBytes: number | null;
  /** Server RSS once a second: `[seconds since the level started, bytes]`. */
  rssSamples: Array<[number, number]>;
}

/** The whole load-test result file (`bench/results/serve-<timestamp>-<machine>.json`). */
export interface LoadReport {
  /** Always `glossa.bench.serve`. */
  schema: 'glossa.bench.serve';
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time the run ended. */
  finishedAt: string;
  /** The command line as typed. */
  argv: string[];
  /** The machine, with the load average at the start and the end. */
  machine: MachineInfo;
  /** Node and load-generator versions. */
  versions: { node: string; autocannon: string; glossaBuild: string | null };
  /** The served model. */
  model: {
    /** Bundle path. */
    bundle: string;
    /** `trained` now, `reused` from the cache, or `given` with `--bundle`. */
    source: 'trained' | 'reused' | 'given';
    /** Content id the server reports. */
    id: string;
    /** Architecture. */
    architecture: string;
    /** Options from the manifest. */
    options: Record<string, unknown>;
    /** Bundle size on disk. */
    bundleBytes: number;
    /** Training texts (trained or reused default model). */
    trainSize: number | null;
    /** Seconds of `fit` (when trained in this run). */
    trainSeconds: number | null;
  };
  /** The server process. */
  server: {
    /** The `glossa serve` arguments after the bundle. */
    args: string[];
    /** tfjs backend it chose. */
    backend: string;
    /** Its micro-batching settings. */
    batching: Record<string, number>;
    /** Seconds from spawn to `/readyz` 200. */
    startupSeconds: number;
    /** Exit code after SIGTERM (0 = graceful). */
    exitCode: number | null;
  };
  /** The request bodies: how many distinct ones, and their mean text length. */
  texts: { distinct: number; meanCharacters: number; example: string };
  /** Measured seconds per level and the unmeasured warm-up. */
  durationSeconds: number;
  /** Unmeasured warm-up seconds. */
  warmupSeconds: number;
  /** One entry per client count. */
  levels: LoadLevelResult[];
}
