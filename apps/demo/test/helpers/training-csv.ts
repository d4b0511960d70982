const GOOD = ['great', 'wonderful', 'excellent', 'love', 'amazing', '好', '喜欢', '👍', '😍'];
const BAD = ['terrible', 'awful', 'bad', 'hate', 'boring', '差', '失望', '👎', '😡'];
const FILLER = ['the', 'movie', 'was', 'really', 'product', 'this', 'service', '电影', '服务', 'quite'];

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A small, linearly separable sentiment CSV (`review,sentiment`, labels `good`/`bad`) for the browser
 * training test: English, Chinese and emoji tokens, some fields quoted (commas, doubled quotes).
 * Deterministic.
 *
 * @param rows - Number of data rows (half of each label).
 * @returns The CSV text with a header row.
 * @example
 * ```ts
 * const csv = trainingCsv(200);
 * ```
 */
export function trainingCsv(rows: number): string {
  const lines = ['review,sentiment'];
  for (let i = 0; i < rows; i++) {
    const good = i % 2 === 0;
    const words = good ? GOOD : BAD;
    const a = words[(i * 7) % words.length] ?? '';
    const b = words[(i * 3 + 1) % words.length] ?? '';
    const f1 = FILLER[i % FILLER.length] ?? '';
    const f2 = FILLER[(i * 5 + 2) % FILLER.length] ?? '';
    const text = i % 5 === 0 ? `${f1} ${a}, "${b}" ${f2}` : `${f1} ${f2} ${a} ${b}`;
    lines.push(`${csvField(text)},${good ? 'good' : 'bad'}`);
  }
  return `${lines.join('\n')}\n`;
}
