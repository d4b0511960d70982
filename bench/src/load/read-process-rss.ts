import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Resident set size of a running process: `VmRSS` from `/proc/<pid>/status` on Linux, `ps -o rss=`
 * elsewhere.
 *
 * @param pid - the process id
 * @returns bytes, or null when the process is gone or the size cannot be read
 * @throws never
 * @example
 * ```ts
 * const bytes = await readProcessRss(child.pid!);
 * ```
 */
export async function readProcessRss(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux, or the process is gone: try ps
  }
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], (error, stdout) => {
      const kb = Number(stdout.trim());
      resolve(error !== null || !Number.isFinite(kb) || stdout.trim() === '' ? null : kb * 1024);
    });
  });
}
