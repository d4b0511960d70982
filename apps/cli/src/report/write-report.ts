import { CliError } from '../cli-error.js';
import { loadRuntime } from '../runtime.js';

/**
 * Writes a report file whole or not at all (node-runtime's atomic write: a temporary sibling renamed over
 * the target), so a failed run never leaves half a page behind.
 *
 * @param path - The report's path.
 * @param html - The document.
 * @throws {CliError} RUNTIME naming the path when it cannot be written.
 * @example
 * ```ts
 * await writeReport('report.html', html);
 * ```
 */
export async function writeReport(path: string, html: string): Promise<void> {
  const runtime = await loadRuntime();
  let out: Awaited<ReturnType<typeof runtime.openAtomicWriteStream>> | undefined;
  try {
    out = await runtime.openAtomicWriteStream(path);
    const stream = out.stream;
    await new Promise<void>((resolve, reject) => stream.write(html, (error) => (error ? reject(error) : resolve())));
    await out.commit();
  } catch (error) {
    await out?.abort();
    const detail = error instanceof Error ? error.message : String(error);
    throw new CliError('RUNTIME', `cannot write the report to ${path} (${detail}). Check that the folder exists and is writable.`, { cause: error });
  }
}
