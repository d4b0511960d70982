import { arch, availableParallelism, cpus, hostname, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './types.js';

/**
 * Describes this machine from `node:os` (CPU model and cores from `os.cpus()`).
 *
 * @returns the machine facts recorded in every result file
 * @throws never
 * @example
 * ```ts
 * console.log(machineInfo().cpuModel);
 * ```
 */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    hostname: hostname(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    availableParallelism: availableParallelism(),
    cpuMHz: cores[0]?.speed ?? 0,
    totalMemoryBytes: totalmem(),
    platform: `${platform()}-${arch()}`,
    release: release(),
    loadAverage: loadavg(),
  };
}
