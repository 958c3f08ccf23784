// The local SNS outbox on disk: one JSON entry per line, appended with one write each, so a kill leaves
// whole lines. A line cut short or garbled is therefore damage (a full disk, a bad copy, an edit), and a
// start that skipped it would lose a record of a text the customer got. At a clean stop the entry count,
// size and SHA-256 are written beside the file; the next start compares them, which also catches whole
// lines removed from the end.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export class OutboxDamaged extends Error {
  readonly damage: string;
  constructor(path: string, damage: string) {
    super(
      `the outbox ${path} is damaged: ${damage}. Nothing was changed; to recover, run \`npm run repair-data\` ` +
        'with the same DATA_DIR (it keeps a copy of the file and the whole entries), or restore it from a backup',
    );
    this.name = 'OutboxDamaged';
    this.damage = damage;
  }
}

interface CleanStop {
  entries: number;
  bytes: number;
  sha256: string;
}

export const cleanStopPath = (path: string): string => `${path}.clean-stop.json`;

/** Every entry of the file, in order. @throws OutboxDamaged naming the first damaged line. */
export function readOutboxFile<T>(path: string): T[] {
  if (!existsSync(path)) {
    const recorded = readCleanStop(path);
    if (recorded && recorded.bytes > 0) {
      throw new OutboxDamaged(
        path,
        `the file is missing (${recorded.entries} entries at the last clean stop)`,
      );
    }
    return [];
  }
  const bytes = readFileSync(path);
  const { entries, damage } = parseOutbox<T>(bytes.toString('utf8'));
  if (damage) throw new OutboxDamaged(path, damage);
  const recorded = readCleanStop(path);
  if (recorded) {
    const now: CleanStop = { entries: entries.length, bytes: bytes.length, sha256: sha256(bytes) };
    if (now.sha256 !== recorded.sha256) {
      throw new OutboxDamaged(
        path,
        `it holds ${now.entries} entries in ${now.bytes} bytes, ${recorded.entries} in ${recorded.bytes} ` +
          'at the last clean stop (its checksum differs)',
      );
    }
  }
  return entries;
}

/** After the last append: what the next start must find. */
export function recordOutboxCleanStop(path: string, entries: number): void {
  const bytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
  const record: CleanStop = { entries, bytes: bytes.length, sha256: sha256(bytes) };
  writeFileSync(cleanStopPath(path), `${JSON.stringify(record)}\n`);
}

/** Once a start has checked it: appends change the file from then on. */
export function forgetOutboxCleanStop(path: string): void {
  rmSync(cleanStopPath(path), { force: true });
}

/**
 * Recovery (npm run repair-data): the damaged file is kept beside it under a new name, and the whole
 * entries are written back. Returns what was dropped, or undefined when the file was not damaged.
 */
export function repairOutboxFile(
  path: string,
  now = new Date(),
): { kept: number; dropped: number; copy: string } | undefined {
  try {
    readOutboxFile(path);
    return undefined;
  } catch (error) {
    if (!(error instanceof OutboxDamaged)) throw error;
  }
  const copy = `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  if (!existsSync(path)) {
    forgetOutboxCleanStop(path);
    return { kept: 0, dropped: 0, copy: '' };
  }
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const whole = lines.filter((line) => parseEntry(line) !== undefined);
  renameSync(path, copy);
  // The outbox holds link tokens and phone numbers: only the owner may read it.
  writeFileSync(path, whole.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  forgetOutboxCleanStop(path);
  return { kept: whole.length, dropped: lines.length - whole.length, copy };
}

function parseOutbox<T>(text: string): { entries: T[]; damage?: string } {
  const lines = text.split('\n');
  const last = lines.pop();
  const entries: T[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (entry === undefined) {
      return { entries, damage: `line ${index + 1} of ${lines.length} is not a whole JSON entry` };
    }
    entries.push(entry as T);
  }
  if (last !== undefined && last !== '') {
    return {
      entries,
      damage: `its last line (${lines.length + 1}) is cut short: it has no line end${parseEntry(last) ? '' : ' and is not a whole JSON entry'}`,
    };
  }
  return { entries };
}

function parseEntry(line: string): object | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readCleanStop(path: string): CleanStop | undefined {
  const file = cleanStopPath(path);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CleanStop>;
    if (
      typeof parsed.sha256 === 'string' &&
      typeof parsed.entries === 'number' &&
      typeof parsed.bytes === 'number'
    ) {
      return parsed as CleanStop;
    }
  } catch {
    // answered below
  }
  throw new OutboxDamaged(path, `${file} (its size at the last clean stop) is unreadable`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
