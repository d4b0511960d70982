#!/usr/bin/env node
// The Markdown table of `pnpm bench:accuracy` results, from one or more of its JSON files (runs over
// different datasets, e.g. one process per core, merged in the order given).
//
// usage: node bench/scripts/accuracy-table.mjs results/accuracy-A.json [results/accuracy-B.json …]
import { readFileSync } from 'node:fs';

/**
 * The table's lines.
 *
 * @param {{ machine: { cpu?: string, cores: number, node: string }, commit: string, rows: Array<Record<string, unknown>> }} result
 * @param {string[]} datasets - Column order.
 * @returns {string[]}
 */
export function renderAccuracyTable(result, datasets) {
  const { machine, commit, rows } = result;
  const systems = [...new Set(rows.map((r) => r.system))];
  const fmt = (r) =>
    r === undefined ? '—' : r.error ? 'failed' : `${r.accuracy.toFixed(4)} (${r.trainWallSeconds == null ? '?' : `${Math.round(r.trainWallSeconds)} s`})`;
  return [
    `Test accuracy (training wall time) — ${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
    '',
    `| system | ${datasets.join(' | ')} |`,
    `|---|${datasets.map(() => '--:').join('|')}|`,
    ...systems.map((s) => `| ${s} | ${datasets.map((d) => fmt(rows.find((r) => r.system === s && r.dataset === d))).join(' | ')} |`),
  ];
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node bench/scripts/accuracy-table.mjs <accuracy-*.json> [more…]');
    process.exit(2);
  }
  const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const commits = [...new Set(results.map((r) => r.commit))];
  if (commits.length > 1) console.error(`warning: the files come from different commits (${commits.join(', ')})`);
  const rows = results.flatMap((r) => r.rows);
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  console.log(renderAccuracyTable({ machine: results[0].machine, commit: commits.join('+'), rows }, datasets).join('\n'));
}
