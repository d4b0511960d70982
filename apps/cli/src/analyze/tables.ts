import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CliError } from '../cli-error.js';
import type { AnalysisJson } from '../commands/analyze.js';

/**
 * Writes the tables of an analysis as CSV files for spreadsheets: `shares.csv` (group, rows, and per label
 * its count, share and interval), `series.csv` (the same per period), `movers.csv` and `terms.csv`.
 *
 * @param dir - The folder (created when missing).
 * @param r - The analysis.
 * @returns The paths written.
 * @throws {CliError} RUNTIME when the folder cannot be written.
 * @example
 * ```ts
 * await writeAnalysisTables('tables', json);
 * ```
 */
export async function writeAnalysisTables(dir: string, r: AnalysisJson): Promise<string[]> {
  const shareColumns = r.labels.flatMap((l) => [`count:${l}`, `share:${l}`, `lower:${l}`, `upper:${l}`]);
  const shareCells = (shares: AnalysisJson['overall']['shares']): Array<number> => shares.flatMap((s) => [s.count, s.share, s.lower, s.upper]);
  const files: Array<[string, unknown[][]]> = [
    ['shares.csv', [[r.by, 'rows', ...shareColumns], ...[r.overall, ...r.groups].map((g) => [g.group, g.n, ...shareCells(g.shares)])]],
    ['series.csv', [[r.by, 'period', 'rows', ...shareColumns], ...r.series.map((p) => [p.group, p.period, p.n, ...shareCells(p.shares)])]],
    [
      'movers.csv',
      [
        [r.by, 'label', 'before', 'rows_before', 'share_before', 'after', 'rows_after', 'share_after', 'change', 'change_lower', 'change_upper', 'z', 'p', 'q'],
        ...r.movers.map((m) => [
          m.group,
          m.label,
          m.before.period,
          m.before.n,
          m.before.share,
          m.after.period,
          m.after.n,
          m.after.share,
          m.difference,
          m.lower,
          m.upper,
          m.z,
          m.pValue,
          m.qValue,
        ]),
      ],
    ],
    [
      'terms.csv',
      [
        [r.by, 'label', 'rank', 'term', 'contribution', 'texts', 'texts_explained', 'texts_predicted'],
        ...r.terms.groups.flatMap((t) =>
          t.terms.map((term, i) => [t.group, t.label, i + 1, term.term, term.contribution, term.texts, t.textsExplained, t.textsPredicted]),
        ),
      ],
    ],
  ];
  try {
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const [name, rows] of files) {
      const path = join(dir, name);
      await writeFile(path, stringify(rows));
      written.push(path);
    }
    return written;
  } catch (error) {
    throw new CliError(
      'RUNTIME',
      `cannot write the tables to ${dir} (${error instanceof Error ? error.message : String(error)}). Check that it is a writable folder.`,
      { cause: error },
    );
  }
}
