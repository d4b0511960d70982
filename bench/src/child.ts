/**
 * Child-process entry of the benchmark: `node dist/child.js <task.json>`. Measures one configuration (see
 * {@link ChildTask}), writes its {@link Measurement} to `task.resultPath` and exits. Progress goes to stderr.
 * One process per configuration keeps peak RSS and backend state separate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describeError, emptyMeasurement, glossaBuildHash, nowSeconds, peakRssBytes } from './internal/child-utils.js';
import { measureGlossa } from './internal/measure-glossa.js';
import { measureStock } from './internal/measure-stock.js';
import type { ChildTask, Measurement } from './types.js';

async function main(): Promise<void> {
  const started = nowSeconds();
  const build = glossaBuildHash();
  const taskPath = process.argv[2];
  if (taskPath === undefined) {
    process.stderr.write('usage: node child.js <task.json>\n');
    process.exit(2);
  }
  const task = JSON.parse(readFileSync(taskPath, 'utf8')) as ChildTask;
  const tag = `[${task.system} ${task.architecture} ${task.backend}]`;
  const log = (line: string): void => {
    process.stderr.write(`${tag} ${line}\n`);
  };
  let result: Measurement;
  try {
    result = task.system === 'glossa' ? await measureGlossa(task, log) : await measureStock(task, log);
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    result = { ...emptyMeasurement(task, 0), status: 'failed', reason: describeError(error) };
  }
  // Glossa's measurement sets its own peak before the prediction pool; the whole child's peak is kept beside it.
  if (task.system === 'glossa' && result.peakRssBytes !== null) result.peakRssWithPoolBytes = peakRssBytes();
  else result.peakRssBytes = peakRssBytes();
  result.glossaBuild = build;
  result.wallSeconds = nowSeconds() - started;
  const cpu = process.cpuUsage();
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  writeFileSync(task.resultPath, `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}

void main();
