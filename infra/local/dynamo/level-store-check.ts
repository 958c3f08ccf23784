// Checks a LevelDB directory (dynalite's store) before anything opens it. LevelDB opens a directory whose
// CURRENT file is gone as a new, empty database and deletes the old table files as obsolete, and it
// reads a write-ahead log cut short as if it simply ended there: both lose acknowledged writes without a
// word. So a start checks what LevelDB would not: CURRENT names a manifest that exists, every log file
// (the .log files and the manifest, which share one record format) ends on a whole record whose checksums
// hold, and, after a clean stop, every file is still there at the size it had then.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Written at a clean stop: each LevelDB file and its size, compared at the next start. */
export const CLEAN_STOP_FILE = '.clean-stop.json';

export class StoreDamaged extends Error {
  /** What is damaged, e.g. "its CURRENT file is missing"; the message adds where and how to recover. */
  readonly damage: string;
  constructor(path: string, damage: string) {
    super(
      `the DynamoDB store in ${path} is damaged: ${damage}. Nothing was changed; to recover, back up the ` +
        'data directory, then run `npm run repair-data` with the same DATA_DIR (LevelDB repair keeps ' +
        'every readable record) or restore the data directory from a backup',
    );
    this.name = 'StoreDamaged';
    this.damage = damage;
  }
}

// LevelDB's log format (doc/log_format.md): 32 KiB blocks of records, each a 7-byte header (masked
// CRC-32C of type and data, little-endian length, type) and the data; a block's last < 7 bytes are zeros.
const BLOCK_SIZE = 32 * 1024;
const HEADER_SIZE = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

const OWN_FILE = /^(?:\d+\.(?:log|ldb|sst)|MANIFEST-\d+|CURRENT)$/;
/** Files LevelDB keeps for itself (the lock, its info log) or rewrites freely: not compared. */
const UNTRACKED = /^(?:LOCK|LOG|LOG\.old|CURRENT)$/;

/** @throws StoreDamaged naming the first damage found; an empty or new directory passes. */
export function checkLevelStore(path: string): void {
  if (!existsSync(path)) return;
  const files = readdirSync(path).filter((name) => OWN_FILE.test(name));
  const cleanStop = readCleanStop(path);
  if (files.length === 0 && !cleanStop) return;

  if (!files.includes('CURRENT')) {
    throw new StoreDamaged(
      path,
      `its CURRENT file is missing (${files.length} LevelDB files are still there)`,
    );
  }
  const manifest = readFileSync(join(path, 'CURRENT'), 'utf8').trim();
  if (!/^MANIFEST-\d+$/.test(manifest)) {
    throw new StoreDamaged(path, 'its CURRENT file does not name a manifest');
  }
  if (!files.includes(manifest)) {
    throw new StoreDamaged(path, `the manifest ${manifest} that CURRENT names is missing`);
  }
  if (cleanStop) compareWithCleanStop(path, cleanStop);
  for (const name of [manifest, ...files.filter((file) => file.endsWith('.log'))]) {
    const problem = logFileProblem(readFileSync(join(path, name)));
    if (problem) {
      const what = name === manifest ? `the manifest ${name}` : `the write-ahead log ${name}`;
      throw new StoreDamaged(path, `${what} ${problem}`);
    }
  }
}

/** Records each LevelDB file's size after the database closed; the next start compares them. */
export function recordCleanStop(path: string): void {
  const sizes = Object.fromEntries(
    readdirSync(path)
      .filter((name) => OWN_FILE.test(name) && !UNTRACKED.test(name))
      .map((name) => [name, statSync(join(path, name)).size]),
  );
  writeFileSync(join(path, CLEAN_STOP_FILE), `${JSON.stringify({ files: sizes })}\n`);
}

/** Once a start has checked it: LevelDB rewrites its files from then on. */
export function forgetCleanStop(path: string): void {
  rmSync(join(path, CLEAN_STOP_FILE), { force: true });
}

function readCleanStop(path: string): Record<string, number> | undefined {
  const file = join(path, CLEAN_STOP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { files?: Record<string, number> };
    if (parsed.files && typeof parsed.files === 'object') return parsed.files;
  } catch {
    // answered below
  }
  throw new StoreDamaged(path, `${CLEAN_STOP_FILE} (the file sizes at the last clean stop) is unreadable`);
}

function compareWithCleanStop(path: string, sizes: Record<string, number>): void {
  for (const [name, size] of Object.entries(sizes)) {
    const file = join(path, name);
    if (!existsSync(file)) {
      throw new StoreDamaged(path, `${name}, there at the last clean stop, is missing`);
    }
    const now = statSync(file).size;
    if (now !== size) {
      throw new StoreDamaged(
        path,
        `${name} has ${now} bytes, ${size} at the last clean stop (${now < size ? 'truncated' : 'changed'})`,
      );
    }
  }
}

/** Why a LevelDB log file cannot be read to its end, or undefined when every record is whole. */
export function logFileProblem(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let inFragmentedRecord = false;
  let recordStart = 0;
  while (offset < bytes.length) {
    const leftInBlock = BLOCK_SIZE - (offset % BLOCK_SIZE);
    if (leftInBlock < HEADER_SIZE) {
      offset += leftInBlock;
      continue;
    }
    if (bytes.length - offset < HEADER_SIZE) {
      return `ends in a partial record header at byte ${offset} of ${bytes.length} (cut short)`;
    }
    const checksum = view.getUint32(offset, true);
    const length = view.getUint16(offset + 4, true);
    const type = bytes[offset + 6]!;
    // Zeros where a header should be: space a writer reserved but never used (LevelDB's mmap writers).
    if (checksum === 0 && length === 0 && type === 0) {
      if (bytes.subarray(offset).every((byte) => byte === 0)) break;
      return `has a zero record header followed by data at byte ${offset}`;
    }
    const end = offset + HEADER_SIZE + length;
    if (end > bytes.length) {
      return `ends in a partial record at byte ${offset} of ${bytes.length} (cut short: the writes after it are lost)`;
    }
    if (unmask(checksum) !== crc32c(bytes.subarray(offset + 6, end))) {
      return `has a record whose checksum does not match at byte ${offset}`;
    }
    if (type === FULL || type === FIRST) {
      if (inFragmentedRecord) return `has a record cut off at byte ${recordStart}`;
      inFragmentedRecord = type === FIRST;
      recordStart = offset;
    } else if (type === MIDDLE || type === LAST) {
      if (!inFragmentedRecord) return `has a record fragment without its start at byte ${offset}`;
      inFragmentedRecord = type === MIDDLE;
    } else {
      return `has an unknown record type ${type} at byte ${offset}`;
    }
    offset = end;
  }
  if (inFragmentedRecord) {
    return `ends inside a record that starts at byte ${recordStart} (cut short: the writes after it are lost)`;
  }
  return undefined;
}

function unmask(masked: number): number {
  const rotated = (masked - 0xa282ead8) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum LevelDB's log records carry. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type ClassicLevelClass = {
  new (
    location: string,
    options: { createIfMissing: boolean },
  ): { open(): Promise<void>; close(): Promise<void> };
  repair(location: string): Promise<void>;
};

/** The LevelDB binding dynalite itself loads (through `level`), so both read the files the same way. */
export function classicLevel(): ClassicLevelClass {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  return (fromLevel('classic-level') as { ClassicLevel: ClassicLevelClass }).ClassicLevel;
}

/**
 * Opens the existing database once, without creating anything, and closes it: LevelDB's own checks (every
 * table file the manifest lists is there, the manifest reads) answer before dynalite serves a request.
 */
export async function openExistingStore(path: string): Promise<void> {
  if (!existsSync(join(path, 'CURRENT'))) return;
  const db = new (classicLevel())(path, { createIfMissing: false });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const reason =
      cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
    if (/lock/i.test(reason)) throw error;
    throw new StoreDamaged(path, `LevelDB cannot open it (${reason.replace(/\s+/g, ' ')})`);
  }
  await db.close();
}
