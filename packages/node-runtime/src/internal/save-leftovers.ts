import { lstat, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode, randomSuffix, removeQuietly, syncDirectory } from './fs-utils.js';

/**
 * Names of the temporary entries an atomic save makes next to its target `<base>`:
 * - `<base>.tmp-<pid>-<random>`: a bundle directory being written;
 * - `<base>.old-<pid>-<random>`: the previous bundle directory, moved aside for the swap;
 * - `.<base>.tmp-<pid>-<random>`: a packed `.glossa` file or store entry being written.
 * The pid says which process owns the entry, so a later save or load can tell a leftover of a killed
 * process (pid gone) from the work of a live one. Names from older releases have no pid.
 */
export type LeftoverKind = 'tmp' | 'old' | 'file-tmp';

/** A temporary name owned by this process. */
export function leftoverName(base: string, kind: LeftoverKind): string {
  const suffix = `${process.pid}-${randomSuffix()}`;
  if (kind === 'file-tmp') return `.${base}.tmp-${suffix}`;
  return `${base}.${kind}-${suffix}`;
}

/** One leftover entry found next to a target. */
export interface Leftover {
  path: string;
  kind: LeftoverKind;
  /** Owning process, when the name records it. */
  pid: number | undefined;
  /** Last status change (a rename sets it), in ms since the epoch. */
  changedMs: number;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** Every leftover of an atomic save of `target` in its parent directory. */
export async function findLeftovers(target: string): Promise<Leftover[]> {
  const parent = dirname(target);
  const base = basename(target);
  const pattern = new RegExp(`^(?:(\\.)${escapeRegExp(base)}\\.tmp|${escapeRegExp(base)}\\.(tmp|old))-(?:(\\d+)-)?[0-9a-f]+$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  const found: Leftover[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(parent, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    const kind: LeftoverKind = match[1] ? 'file-tmp' : (match[2] as 'tmp' | 'old');
    found.push({ path, kind, pid: match[3] === undefined ? undefined : Number(match[3]), changedMs: info.ctimeMs });
  }
  return found;
}

/** Time after which a leftover without a live owner, or with no pid in its name, is surely abandoned. */
const ABANDONED_MS = 60 * 60 * 1000;
/** The swap of two renames takes microseconds; an aside copy older than this with no target is stale. */
const SWAP_MS = 10_000;
/** How long to wait for a live save that is between its two renames to finish. */
const LIVE_SWAP_WAIT_MS = 2_000;

/** What {@link recoverLeftovers} did. */
export interface LeftoverRecovery {
  /** The aside copy renamed back to the target, if any. */
  restored: string | undefined;
  /** Leftovers removed. */
  removed: string[];
}

/**
 * Repairs what a killed atomic save of `target` left behind: when `target` is missing and a previous copy
 * sits aside (`<base>.old-*`, its process gone or the copy older than a swap could take), renames it back;
 * then removes the temporary and aside entries whose owning process is gone. Entries of live processes
 * (another save in progress) are left alone; when such a save is between its two renames, this waits (up
 * to 2 s) for it to finish, so a reader never sees the bundle missing. Concurrent recoveries are safe: a
 * rename that loses the race is ignored.
 */
export async function recoverLeftovers(target: string, now = Date.now()): Promise<LeftoverRecovery> {
  let leftovers = await findLeftovers(target);
  const result: LeftoverRecovery = { restored: undefined, removed: [] };
  if (leftovers.length === 0) return result;
  const exists = async (): Promise<boolean> =>
    lstat(target).then(
      () => true,
      (error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return false;
        throw error;
      },
    );
  const ownerGone = (l: Leftover): boolean => (l.pid === undefined ? now - l.changedMs > ABANDONED_MS : l.pid !== process.pid && !isProcessAlive(l.pid));
  const recent = (l: Leftover): boolean => now - l.changedMs <= SWAP_MS;
  const liveSwap = (l: Leftover): boolean => l.kind === 'old' && l.pid !== undefined && !ownerGone(l) && recent(l);
  for (let waited = 0; waited < LIVE_SWAP_WAIT_MS && leftovers.some(liveSwap) && !(await exists()); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    leftovers = await findLeftovers(target);
  }
  let changed = false;
  if (!(await exists())) {
    const candidates = leftovers
      .filter((l) => l.kind === 'old' && (ownerGone(l) || l.pid === undefined || !recent(l)))
      .sort((a, b) => b.changedMs - a.changedMs);
    for (const candidate of candidates) {
      try {
        await rename(candidate.path, target);
        result.restored = candidate.path;
        changed = true;
        break;
      } catch {
        if (await exists()) break; // someone else restored or saved it meanwhile
      }
    }
  }
  if (await exists()) {
    for (const l of leftovers) {
      if (l.path === result.restored || !ownerGone(l)) continue;
      await removeQuietly(l.path).catch(() => undefined);
      result.removed.push(l.path);
      changed = true;
    }
  } else {
    // No bundle and nothing to restore: a first save was killed; its temporary entries are useless.
    for (const l of leftovers) {
      if (l.kind === 'old' || !ownerGone(l)) continue;
      await removeQuietly(l.path).catch(() => undefined);
      result.removed.push(l.path);
      changed = true;
    }
  }
  if (changed) await syncDirectory(dirname(target)).catch(() => undefined);
  return result;
}
