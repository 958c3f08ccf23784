// The local Step Functions endpoint's executions on disk, so that a restarted `npm start` carries on with
// them instead of losing them: an append-only file of JSON lines (DATA_DIR/sfn-executions.jsonl), one per
// event that changes what a restart must do (an execution started, entered a top-level state, parked on a
// callback task with its token and deadline, closed). Read back at start, it gives every execution's last
// known place; it is then rewritten with only that (compacted), and again whenever it has grown well past
// its compacted size, so it stays proportional to the executions it holds.
//
// Writes are synchronous appends: a line is with the operating system before the engine goes on, so a
// killed process (kill -9) loses nothing it journaled. A power cut can still lose the last lines.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import * as z from 'zod';
import type { ExecutionStatus } from './executions.ts';

export const JOURNAL_FILE = 'sfn-executions.jsonl';

export class ExecutionJournalDamaged extends Error {
  readonly damage: string;
  constructor(path: string, damage: string) {
    super(
      `the Step Functions journal ${path} is damaged: ${damage}. Nothing was changed; to recover, run ` +
        '`npm run repair-data` with the same DATA_DIR (it keeps the whole lines and a copy of the file; ' +
        'the start-up pass restarts the workflow of any open complaint whose execution was lost)',
    );
    this.name = 'ExecutionJournalDamaged';
    this.damage = damage;
  }
}

/** An execution as the journal last saw it. */
export interface JournaledExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** While running: the top-level state it last entered and that state's input (JSON text). */
  at?: { state: string; input: string };
  /** While running: the callback task it waits in (the state `at` names). */
  parked?: { token: string; deadline?: number };
}

type Line =
  | { t: 'secret'; key: string }
  | { t: 'start'; arn: string; sm: string; name: string; input: string; at: number }
  | { t: 'enter'; arn: string; state: string; input: string }
  | { t: 'park'; arn: string; token: string; deadline?: number }
  | {
      t: 'close';
      arn: string;
      status: ExecutionStatus;
      at: number;
      output?: string;
      error?: string;
      cause?: string;
    }
  /** A compacted execution: everything the lines above said of it, in one. */
  | { t: 'exec'; e: JournaledExecution };

export interface JournalContents {
  /** Signs the task tokens: kept so that tokens handed out before a restart stay valid after it. */
  secret: Buffer;
  /** In the order they started. */
  executions: JournaledExecution[];
  /** A last line cut short by a crash mid-write, dropped (said, not silent). */
  tornLastLine: boolean;
}

export interface JournalSnapshot {
  running: Iterable<JournaledExecution>;
  /** Closed ones, oldest first; the newest `closedRetention` are kept. */
  closed: readonly JournaledExecution[];
}

export interface ExecutionJournalOptions {
  /** Closed executions kept across restarts (their names stay taken, their outcome readable). */
  closedRetention?: number;
  /** Rewrites the file once it has grown by this many bytes and twice its compacted size (default 64 MiB). */
  compactAfterBytes?: number;
}

export class ExecutionJournal {
  readonly path: string;
  readonly #options: ExecutionJournalOptions;
  #fd: number | undefined;
  #secret: Buffer;
  #compactedBytes = 0;
  #appendedBytes = 0;

  private constructor(path: string, secret: Buffer, options: ExecutionJournalOptions) {
    this.path = path;
    this.#secret = secret;
    this.#options = options;
  }

  /** Reads the file (a new one if absent). @throws ExecutionJournalDamaged naming the first bad line. */
  static open(
    path: string,
    options: ExecutionJournalOptions = {},
  ): { journal: ExecutionJournal; contents: JournalContents } {
    const contents = existsSync(path)
      ? readJournal(readFileSync(path, 'utf8'), path)
      : { secret: randomBytes(32), executions: [], tornLastLine: false };
    return { journal: new ExecutionJournal(path, contents.secret, options), contents };
  }

  get secret(): Buffer {
    return this.#secret;
  }

  get closedRetention(): number {
    return this.#options.closedRetention ?? 10_000;
  }

  /** Rewrites the file with the snapshot alone (atomically: a new file renamed over the old). */
  compact(snapshot: JournalSnapshot): void {
    const lines = [JSON.stringify({ t: 'secret', key: this.#secret.toString('base64') } satisfies Line)];
    const closed = snapshot.closed.slice(Math.max(0, snapshot.closed.length - this.closedRetention));
    for (const e of closed) lines.push(JSON.stringify({ t: 'exec', e: withoutPlace(e) } satisfies Line));
    for (const e of snapshot.running) lines.push(JSON.stringify({ t: 'exec', e } satisfies Line));
    const text = lines.join('\n') + '\n';
    const temporary = `${this.path}.compacting`;
    writeFileSync(temporary, text);
    if (this.#fd !== undefined) closeSync(this.#fd);
    renameSync(temporary, this.path);
    this.#fd = openSync(this.path, 'a');
    this.#compactedBytes = fstatSync(this.#fd).size;
    this.#appendedBytes = 0;
  }

  /** True once the appends since the last compaction call for another. */
  get wantsCompaction(): boolean {
    const threshold = Math.max(this.#options.compactAfterBytes ?? 64 * 1024 * 1024, this.#compactedBytes);
    return this.#appendedBytes > threshold;
  }

  started(e: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    input: string;
    startDate: Date;
  }) {
    this.#append({
      t: 'start',
      arn: e.executionArn,
      sm: e.stateMachineArn,
      name: e.name,
      input: e.input,
      at: e.startDate.getTime(),
    });
  }

  entered(executionArn: string, state: string, input: string): void {
    this.#append({ t: 'enter', arn: executionArn, state, input });
  }

  parked(executionArn: string, token: string, deadline: number | undefined): void {
    this.#append({ t: 'park', arn: executionArn, token, ...(deadline !== undefined && { deadline }) });
  }

  closed(e: {
    executionArn: string;
    status: ExecutionStatus;
    stopDate?: Date;
    output?: string;
    error?: string;
    cause?: string;
  }): void {
    this.#append({
      t: 'close',
      arn: e.executionArn,
      status: e.status,
      at: (e.stopDate ?? new Date()).getTime(),
      ...(e.output !== undefined && { output: e.output }),
      ...(e.error !== undefined && { error: e.error }),
      ...(e.cause !== undefined && { cause: e.cause }),
    });
  }

  /** No more writes: a stopping endpoint leaves its running executions as they are for the next start. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(line: Line): void {
    if (this.#fd === undefined) return;
    const text = JSON.stringify(line) + '\n';
    this.#appendedBytes += writeSync(this.#fd, text);
  }
}

function withoutPlace(e: JournaledExecution): JournaledExecution {
  const { at: _at, parked: _parked, ...rest } = e;
  return rest;
}

const status = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);
const journaledExecution = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  input: z.string(),
  startDate: z.number(),
  status,
  stopDate: z.number().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  at: z.object({ state: z.string(), input: z.string() }).optional(),
  parked: z.object({ token: z.string(), deadline: z.number().optional() }).optional(),
});
const lineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('secret'), key: z.string() }),
  z.object({
    t: z.literal('start'),
    arn: z.string(),
    sm: z.string(),
    name: z.string(),
    input: z.string(),
    at: z.number(),
  }),
  z.object({ t: z.literal('enter'), arn: z.string(), state: z.string(), input: z.string() }),
  z.object({ t: z.literal('park'), arn: z.string(), token: z.string(), deadline: z.number().optional() }),
  z.object({
    t: z.literal('close'),
    arn: z.string(),
    status,
    at: z.number(),
    output: z.string().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  z.object({ t: z.literal('exec'), e: journaledExecution }),
]);

/** Reads the file as a start would, changing nothing. @throws ExecutionJournalDamaged */
export function checkExecutionJournal(path: string): void {
  if (existsSync(path)) readJournal(readFileSync(path, 'utf8'), path);
}

/**
 * `npm run repair-data`: rewrites a damaged journal with what its whole lines say (compacted), keeping the
 * damaged file beside it. Lines dropped lose where those executions were: the start-up pass restarts
 * the workflows of open complaints whose execution is missing or stale. Undefined: nothing to repair.
 */
export function repairExecutionJournal(
  path: string,
): { kept: number; dropped: number; copy: string } | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  try {
    readJournal(text, path);
    return undefined;
  } catch (error) {
    if (!(error instanceof ExecutionJournalDamaged)) throw error;
  }
  const dropped: number[] = [];
  const contents = readJournal(text, path, (line) => dropped.push(line));
  const copy = `${path}.damaged-${Date.now()}`;
  copyFileSync(path, copy);
  const lines = [JSON.stringify({ t: 'secret', key: contents.secret.toString('base64') } satisfies Line)];
  for (const e of contents.executions) lines.push(JSON.stringify({ t: 'exec', e } satisfies Line));
  writeFileSync(`${path}.repairing`, lines.join('\n') + '\n');
  renameSync(`${path}.repairing`, path);
  return { kept: contents.executions.length, dropped: dropped.length, copy };
}

/**
 * Replays the lines. @throws ExecutionJournalDamaged, unless `skip` is given: then it is told the number
 * of each damaged line, which is left out.
 */
export function readJournal(text: string, path: string, skip?: (line: number) => void): JournalContents {
  const executions = new Map<string, JournaledExecution>();
  let secret: Buffer | undefined;
  let tornLastLine = false;
  const lines = text.split('\n');
  // The text ends with a newline when every write completed: the last element is then empty.
  const last = lines.pop();
  if (last) {
    // A crash cut the last write short: it never took effect.
    if (parse(last)) lines.push(last);
    else tornLastLine = true;
  }
  lines.forEach((raw, index) => {
    const line = parse(raw);
    const damaged = (why: string) => {
      if (skip) {
        skip(index + 1);
        return undefined;
      }
      return new ExecutionJournalDamaged(path, `line ${index + 1} ${why}`);
    };
    const fail = (why: string) => {
      const error = damaged(why);
      if (error) throw error;
    };
    if (!line) return fail('is not a journal entry');
    if (line.t === 'secret') {
      secret = Buffer.from(line.key, 'base64');
      return;
    }
    if (line.t === 'exec') {
      executions.set(line.e.executionArn, line.e);
      return;
    }
    if (line.t === 'start') {
      executions.set(line.arn, {
        executionArn: line.arn,
        stateMachineArn: line.sm,
        name: line.name,
        input: line.input,
        startDate: line.at,
        status: 'RUNNING',
      });
      return;
    }
    const execution = executions.get(line.arn);
    if (!execution) return fail(`names an execution that never started (${line.arn})`);
    if (line.t === 'enter') {
      execution.at = { state: line.state, input: line.input };
      delete execution.parked;
    } else if (line.t === 'park') {
      if (!execution.at) return fail(`parks ${line.arn} outside any state`);
      execution.parked = {
        token: line.token,
        ...(line.deadline !== undefined && { deadline: line.deadline }),
      };
    } else {
      execution.status = line.status;
      execution.stopDate = line.at;
      if (line.output !== undefined) execution.output = line.output;
      if (line.error !== undefined) execution.error = line.error;
      if (line.cause !== undefined) execution.cause = line.cause;
      delete execution.at;
      delete execution.parked;
    }
  });
  if (!secret) {
    if (lines.length > 0)
      throw new ExecutionJournalDamaged(path, 'its first line (the token key) is missing');
    secret = randomBytes(32);
  }
  return { secret, executions: [...executions.values()], tornLastLine };
}

/** The line as an entry, or undefined when it is not one. */
function parse(text: string): Line | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  const parsed = lineSchema.safeParse(value);
  return parsed.success ? (parsed.data as Line) : undefined;
}
