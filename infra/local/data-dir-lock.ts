// One process per data directory: two embedded stacks on one LevelDB store and one outbox would interleave
// writes (LevelDB itself refuses the second opener, but only after it has started half its servers).
// The lock is a file created exclusively, holding the owner's pid; a lock whose process is gone (a crash,
// kill -9) is stale and is taken over with a note.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';

export class DataDirInUse extends Error {
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `the data directory ${dataDir} is in use by process ${pid} (another npm start?): stop that process, ` +
        'or give this one another DATA_DIR',
    );
    this.name = 'DataDirInUse';
    this.pid = pid;
  }
}

export interface DataDirLock {
  /** Set when the lock of a process that no longer runs was taken over. */
  readonly staleOwner: number | undefined;
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  let staleOwner: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      return { staleOwner, release: () => releaseIfOwn(path) };
    }
    const owner = ownerOf(path);
    if (owner === undefined) continue; // released between our attempt and the read: try again
    if (isAlive(owner)) throw new DataDirInUse(dataDir, owner);
    // Stale: move it aside atomically, so of two
    // processes taking over the same stale lock only one removes it; the other finds the winner's lock.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = ownerOf(aside);
    if (moved !== owner) {
      // We moved a fresh lock another process had just taken: put it back and yield to it.
      renameSync(aside, path);
      if (moved !== undefined) throw new DataDirInUse(dataDir, moved);
      continue;
    }
    rmSync(aside, { force: true });
    staleOwner = owner;
  }
  throw new Error(`could not take the lock ${path}`);
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function ownerOf(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  // An empty or unreadable lock is a creator killed between create and write: nobody owns it.
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function isAlive(pid: number): boolean {
  if (pid === 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user; only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOwn(path: string): void {
  if (ownerOf(path) === process.pid) rmSync(path, { force: true });
}
