import type { LoadLevelResult, LoadReport } from './types.js';

/** The serving targets of issue 5, reported (never asserted) at this many clients. */
export const SERVE_TARGETS = Object.freeze({ connections: 16, requestsPerSecond: 500, p99Ms: 100 });

function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function mb(bytes: number | null): string {
  return bytes === null ? '—' : fmt(bytes / 2 ** 20);
}

function latency(ms: number): string {
  return fmt(ms, ms < 10 ? 1 : 0);
}

function row(level: LoadLevelResult): string {
  return `| ${level.connections} | ${fmt(level.requestsPerSecond)} | ${latency(level.latencyMs.p50)} | ${latency(level.latencyMs.p90)} | ${latency(level.latencyMs.p99)} | ${latency(level.latencyMs.max)} | ${fmt(level.requests)} | ${level.errors} | ${level.non2xx} | ${mb(level.rssStartBytes)} → ${mb(level.rssEndBytes)} (max ${mb(level.rssMaxBytes)}) |`;
}

/**
 * RSS growth over the second half of a level (bytes): the last sample minus the one at the midpoint. Near
 * zero when memory is flat once warm.
 *
 * @param level - a measured level
 * @returns bytes, or null with fewer than two samples
 * @throws never
 * @example
 * ```ts
 * secondHalfGrowth(report.levels[0]!);
 * ```
 */
export function secondHalfGrowth(level: LoadLevelResult): number | null {
  const samples = level.rssSamples;
  if (samples.length < 2) return null;
  const mid = samples[Math.floor((samples.length - 1) / 2)] as [number, number];
  const last = samples[samples.length - 1] as [number, number];
  return last[1] - mid[1];
}

/**
 * Renders a load-test report as Markdown: the setting, one row per client count, and the targets of
 * issue 5 (≥ 500 requests/s and p99 < 100 ms with 0 errors at 16 clients; memory flat) as met or not.
 *
 * @param report - a finished {@link LoadReport}
 * @returns Markdown text (ends with a newline)
 * @throws never
 * @example
 * ```ts
 * process.stdout.write(renderLoadMarkdown(report));
 * ```
 */
export function renderLoadMarkdown(report: LoadReport): string {
  const m = report.machine;
  const o = report.model.options;
  const lines: string[] = [];
  lines.push(`## glossa serve load test — ${report.startedAt.slice(0, 10)}`);
  lines.push('');
  lines.push(
    `${m.cpuModel}, ${m.cores} cores, Node ${report.versions.node}; load average ${m.loadAverage.map((v) => v.toFixed(2)).join(' / ')} at the start, ` +
      `${(m.loadAverageEnd ?? []).map((v) => v.toFixed(2)).join(' / ')} at the end. Client (autocannon ${report.versions.autocannon}) and server share the machine, over 127.0.0.1.`,
  );
  lines.push('');
  lines.push(
    `Model: ${report.model.architecture} (embeddingDim ${String(o.embeddingDim)}, units ${String(o.units)}, maxLength ${String(o.maxLength)}, vocabSize ${String(o.vocabSize)}), ` +
      `${fmt(report.model.bundleBytes / 1024)} KiB, ${report.model.source}${report.model.trainSize !== null ? ` on ${fmt(report.model.trainSize)} synthetic texts` : ''}; ` +
      `server backend ${report.server.backend}, micro-batching ${Object.entries(report.server.batching)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}, ` +
      `ready in ${report.server.startupSeconds.toFixed(1)} s, exit code after SIGTERM ${report.server.exitCode ?? 'none'}.`,
  );
  lines.push('');
  lines.push(
    `Each request: \`POST /v1/predict\` with one short text (${report.texts.distinct} distinct, mean ${fmt(report.texts.meanCharacters)} characters, e.g. "${report.texts.example}"). ` +
      `${report.durationSeconds} s per level after ${report.warmupSeconds} s of warm-up; each client keeps one request in flight.`,
  );
  lines.push('');
  lines.push('| clients | requests/s | p50 ms | p90 ms | p99 ms | max ms | requests | errors | non-2xx | server RSS MB (start → end) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const level of report.levels) lines.push(row(level));
  lines.push('');
  const target = report.levels.find((level) => level.connections === SERVE_TARGETS.connections);
  if (target !== undefined) {
    const rps = target.requestsPerSecond >= SERVE_TARGETS.requestsPerSecond;
    const p99 = target.latencyMs.p99 < SERVE_TARGETS.p99Ms;
    const clean = target.errors === 0 && target.non2xx === 0;
    const growth = secondHalfGrowth(target);
    lines.push(
      `Targets at ${SERVE_TARGETS.connections} clients: ≥ ${SERVE_TARGETS.requestsPerSecond} requests/s — ${rps ? 'met' : 'not met'} (${fmt(target.requestsPerSecond)}); ` +
        `p99 < ${SERVE_TARGETS.p99Ms} ms — ${p99 ? 'met' : 'not met'} (${latency(target.latencyMs.p99)}); 0 errors — ${clean ? 'met' : 'not met'}` +
        `${growth === null ? '' : `; RSS change over the second half of the ${fmt(target.durationSeconds)} s: ${growth >= 0 ? '+' : ''}${fmt(growth / 2 ** 20, 1)} MB`}.`,
    );
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
