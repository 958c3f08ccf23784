// The executions the local Step Functions endpoint runs, kept in memory with the status, result and event
// log the API reports, and (with a journal) on disk, so that a restarted process carries on with them.
//
// An execution runs as aws-local-stepfunctions runs, one engine run at a time. When it reaches a callback
// task (.waitForTaskToken) at the top level and has handed the token over, it stops its engine run and
// waits outside the engine: a parked execution holds its token, its deadline's timer and the input of the
// state it waits in, not a suspended run with its closures and timers. The answer (SendTaskSuccess,
// SendTaskFailure) or the deadline starts a new engine run at that state, which returns the answer at once
// (or fails with States.Timeout), so Retry, Catch, ResultSelector and ResultPath apply as they would have.
// Parked executions are what a restart re-arms from the journal without running anything.
import { randomUUID } from 'node:crypto';
import {
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { prepareDefinition, RESUME_STATE, resumeDefinition, type PreparedDefinition } from './definition.ts';
import { SfnFault, statesRuntimeError } from './errors.ts';
import type { ExecutionJournal, JournalContents, JournaledExecution } from './journal.ts';
import { taskOverrides, type TaskOverrides, type TaskRuntime } from './tasks.ts';
import type { PendingTask } from './tokens.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
type EngineRun = ReturnType<StateMachine['run']>;
export type EngineEvent = EngineRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input exactly as given (JSON text): idempotent starts compare it. */
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** The engine's event log, in order; emptied for old closed executions (see historyRetention). */
  events: EngineEvent[];
  historyTrimmed?: boolean;
  /** StateEntered events: what AWS bills as state transitions, retries aside. */
  stateEntered: number;
}

export interface HostedStateMachine {
  arn: string;
  definition: object;
}

export interface ExecutionOptions {
  /** Wait states by name: milliseconds to wait instead (tests only). */
  waitTimeOverrides?: Record<string, number>;
  /** Retry intervals by state name in milliseconds (tests only). */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Every Retry's IntervalSeconds and MaxDelaySeconds divided by this (tests and benchmarks). */
  retryTimeScale?: number;
  /**
   * Closed executions that keep their full event log (default 10,000, about 3 KB each); older ones keep
   * status, input and output only. None is forgotten: a closed name must stay taken for idempotent starts.
   */
  historyRetention?: number;
  /** Called on every status change (RUNNING at start, then how it ended): the events EventBridge gets on AWS. */
  onStatusChange?: (record: ExecutionRecord) => void;
  /** Where executions are kept across restarts (`restore` reads it back); none: in memory only. */
  journal?: ExecutionJournal;
}

/** What a start found in the journal and did with it. */
export interface RestoreReport {
  /** Waiting on a callback again, with their tokens and deadlines: nothing ran. */
  parked: number;
  /** Running another state when the process stopped: that state runs again. */
  reentered: number;
  closed: number;
  /** Executions of state machines this endpoint no longer hosts, left out. */
  unknownMachine: number;
}

/** What ListStateMachines and DescribeStateMachine report of a hosted state machine. */
export interface StateMachineRecord {
  arn: string;
  name: string;
  /** The definition as hosted (placeholders substituted). */
  definition: object;
  /** When this endpoint started hosting it. */
  creationDate: Date;
}

interface Machine extends StateMachineRecord {
  prepared: PreparedDefinition;
  engine: StateMachine;
  /** Engines that start at a given top-level state (resumed runs), made when first needed. */
  resumeEngines: Map<string, StateMachine>;
  /** Oldest first. */
  executions: ExecutionRecord[];
}

/** One engine run of an execution: from its start or a resume to its end or its next park. */
interface Segment {
  abort: () => void;
  /** The run stopped itself to wait outside the engine; its end is no end of the execution. */
  parked: boolean;
}

interface Running {
  record: ExecutionRecord;
  machine: Machine;
  segment?: Segment;
  /** The top-level state last entered and its input (JSON text): where a restart or a resume starts. */
  at?: { state: string; input: string };
  parked?: Parked;
}

interface Parked {
  state: string;
  token: string;
  deadline: number | undefined;
  timer?: NodeJS.Timeout;
}

type Outcome = { ok: unknown } | { error: Error };

interface Resume {
  state: string;
  /** The state's input. */
  input: unknown;
  /** The parked task's answer, returned by its first invocation; none: the state runs again. */
  outcome?: Outcome;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:stateMachine:([^:]+)$/;
// A version number or an alias name after the state machine's ARN (AWS: `...:stateMachine:NAME:live`).
const QUALIFIED_STATE_MACHINE_ARN =
  /^(arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:stateMachine:[^:]+)(?::[A-Za-z0-9_-]{1,80})?$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:execution:[^:]+:[^:]+$/;
// AWS: 1-80 characters, no whitespace, brackets, wildcards, these punctuation marks or control characters.
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

export class LocalExecutions {
  readonly #machines = new Map<string, Machine>();
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #running = new Map<string, Running>();
  readonly #runtime: TaskRuntime;
  readonly #options: ExecutionOptions;
  /** Closed executions with a full event log, oldest first. */
  readonly #withHistory = new Set<ExecutionRecord>();
  readonly #journal: ExecutionJournal | undefined;
  /** Restored executions wait for this before running anything (the stack is still starting). */
  #gate: Promise<void> | undefined;
  #openGate: () => void = () => undefined;

  constructor(machines: readonly HostedStateMachine[], runtime: TaskRuntime, options: ExecutionOptions = {}) {
    this.#runtime = runtime;
    this.#options = options;
    this.#journal = options.journal;
    for (const { arn, definition } of machines) {
      const name = STATE_MACHINE_ARN.exec(arn)?.[1];
      if (!name) throw new Error(`Not a state machine ARN: ${arn}`);
      const prepared = prepareDefinition(definition, {
        ...(options.retryTimeScale ? { retryTimeScale: options.retryTimeScale } : {}),
      });
      const engine = engineFor(prepared);
      this.#machines.set(arn, {
        arn,
        name,
        definition,
        creationDate: new Date(),
        prepared,
        engine,
        resumeEngines: new Map(),
        executions: [],
      });
    }
  }

  start(request: { stateMachineArn: string; name?: string; input?: string }): ExecutionRecord {
    const machine = this.#machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new SfnFault('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    const parsedInput = parseJson(
      input,
      () => new SfnFault('InvalidExecutionInput', `Invalid State Machine Execution Input: '${input}'`),
    );
    const executionArn = machine.arn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      // AWS: the same name and input while the execution runs is the same start; anything else is a clash.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new SfnFault('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      events: [],
      stateEntered: 0,
    };
    this.#executions.set(executionArn, record);
    machine.executions.push(record);
    this.#journal?.started(record);
    const running: Running = { record, machine };
    this.#running.set(executionArn, running);
    this.#run(running, parsedInput);
    this.#options.onStatusChange?.(record);
    return record;
  }

  /**
   * Takes back what the journal held: closed executions as they ended, running ones in the state they
   * were in. Parked ones wait on their tokens again at once (an answer is accepted from now on); nothing
   * runs (answers, deadlines, re-entered states) until `resumeRestored`, when the stack around is ready.
   */
  restore(contents: JournalContents): RestoreReport {
    const report: RestoreReport = { parked: 0, reentered: 0, closed: 0, unknownMachine: 0 };
    this.#gate = new Promise<void>((resolve) => (this.#openGate = resolve));
    const reentries: Running[] = [];
    for (const e of [...contents.executions].sort((a, b) => a.startDate - b.startDate)) {
      const machine = this.#machines.get(e.stateMachineArn);
      if (!machine) {
        report.unknownMachine++;
        continue;
      }
      const record = restoredRecord(e);
      this.#executions.set(record.executionArn, record);
      machine.executions.push(record);
      if (record.status !== 'RUNNING') {
        report.closed++;
        continue;
      }
      const at = e.at && machine.prepared.topLevel.has(e.at.state) ? e.at : undefined;
      const running: Running = { record, machine, ...(at && { at }) };
      this.#running.set(record.executionArn, running);
      const pending =
        at && e.parked
          ? this.#runtime.tokens.adopt(e.parked.token, record.executionArn, at.state, e.parked.deadline)
          : undefined;
      if (at && pending) {
        this.#waitOutside(
          running,
          { state: at.state, token: pending.token, deadline: pending.deadline },
          pending,
        );
        report.parked++;
      } else {
        reentries.push(running);
        report.reentered++;
      }
    }
    void this.#gate.then(() => {
      for (const running of reentries) {
        if (running.record.status !== 'RUNNING') continue;
        const input = JSON.parse(running.record.input) as unknown;
        const at = running.at;
        this.#run(running, input, at && { state: at.state, input: JSON.parse(at.input) as unknown });
      }
    });
    this.#compact();
    return report;
  }

  /** Restored executions go on from here: answers that arrived, deadlines that passed, re-entered states. */
  resumeRestored(): void {
    this.#openGate();
    this.#gate = undefined;
  }

  /** The hosted state machines, in the order they were given. */
  stateMachines(): StateMachineRecord[] {
    return [...this.#machines.values()];
  }

  /** @throws SfnFault InvalidArn or StateMachineDoesNotExist, as AWS answers. */
  stateMachine(stateMachineArn: string): StateMachineRecord {
    return this.#machine(stateMachineArn);
  }

  describe(executionArn: string): ExecutionRecord {
    if (!EXECUTION_ARN.test(executionArn)) throw new SfnFault('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const record = this.#executions.get(executionArn);
    if (!record) throw new SfnFault('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** Newest first, as AWS lists them. */
  list(stateMachineArn: string, status?: ExecutionStatus): ExecutionRecord[] {
    const executions = this.#machine(stateMachineArn).executions;
    const listed: ExecutionRecord[] = [];
    for (let i = executions.length - 1; i >= 0; i--) {
      const record = executions[i]!;
      if (!status || record.status === status) listed.push(record);
    }
    return listed;
  }

  stop(executionArn: string, error?: string, cause?: string): Date {
    const record = this.describe(executionArn);
    const running = this.#running.get(executionArn);
    // Stopping a closed execution changes nothing; its stop date stands.
    if (!running) return record.stopDate ?? new Date();
    this.#close(record, 'ABORTED', { error, cause });
    if (running.segment) running.segment.abort();
    // Parked: no engine run to log the end.
    else if (!record.historyTrimmed) record.events.push({ type: 'ExecutionAborted', timestamp: Date.now() });
    return record.stopDate!;
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    const value = parseJson(output, () => new SfnFault('InvalidOutput', `Invalid Output: '${output}'`));
    assertLive(this.#runtime.tokens.succeed(taskToken, value).kind);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    const failure = Object.assign(new Error(cause ?? ''), { name: error ?? 'States.TaskFailed' });
    assertLive(this.#runtime.tokens.fail(taskToken, failure).kind);
  }

  /** No HeartbeatSeconds locally: a heartbeat only checks that the task still waits. */
  sendTaskHeartbeat(taskToken: string): void {
    assertLive(this.#runtime.tokens.lookup(taskToken).kind);
  }

  /** Resource ARN of a Task state, for the history. */
  taskResource(stateMachineArn: string, stateName: string): string | undefined {
    return this.#machines.get(stateMachineArn)?.prepared.tasks.get(stateName)?.Resource;
  }

  waitingTasks(): number {
    return this.#runtime.tokens.size;
  }

  lambdaStats(): Record<string, { throttled: number; peak: number }> {
    return Object.fromEntries(
      [...this.#runtime.lambdaLoad.entries()].map(([arn, load]) => [
        arn,
        { throttled: load.throttled, peak: load.peak },
      ]),
    );
  }

  /**
   * The endpoint stops and its journal keeps the running executions as they are, for the next start:
   * their engine runs and timers stop here, and nothing is closed, published or logged.
   */
  detachAll(): void {
    for (const running of this.#running.values()) {
      if (running.parked) clearTimeout(running.parked.timer);
      running.parked = undefined;
      if (running.segment) {
        running.segment.parked = true;
        running.segment.abort();
      }
    }
    this.#running.clear();
  }

  abortAll(): void {
    for (const executionArn of [...this.#running.keys()])
      this.stop(executionArn, 'States.Aborted', 'Local endpoint closed');
  }

  #trimOldHistories(closed: ExecutionRecord): void {
    this.#withHistory.add(closed);
    const retention = this.#options.historyRetention ?? 10_000;
    for (const oldest of this.#withHistory) {
      if (this.#withHistory.size <= retention) break;
      this.#withHistory.delete(oldest);
      // Stopped executions may still be appending their last events; they are dropped from now on.
      oldest.events = [];
      oldest.historyTrimmed = true;
    }
  }

  /**
   * The hosted machine by its ARN, or through a version or alias of it: locally each machine has one
   * definition, which every qualifier names (executions belong to the machine, as on AWS).
   */
  #machine(stateMachineArn: string): Machine {
    const unqualified = QUALIFIED_STATE_MACHINE_ARN.exec(stateMachineArn)?.[1];
    if (!unqualified) throw new SfnFault('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const machine = this.#machines.get(unqualified);
    if (!machine)
      throw new SfnFault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  #run(running: Running, input: unknown, resume?: Resume): void {
    const { record, machine } = running;
    const tokenPlaceholder = `local-task-token-placeholder:${randomUUID()}`;
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate.toISOString() },
      StateMachine: { Id: machine.arn, Name: machine.name },
      Task: { Token: tokenPlaceholder },
      ...(resume && { LocalResume: resume.input }),
    };
    const segment: Segment = { abort: () => undefined, parked: false };
    const scope = {
      executionArn: record.executionArn,
      tokenPlaceholder,
      context,
      isRunning: () => record.status === 'RUNNING' && !segment.parked,
      park: (stateName: string, pending: PendingTask) => this.#park(running, segment, stateName, pending),
    };
    const overrides = taskOverrides(machine.prepared.tasks, this.#runtime, scope);
    if (resume?.outcome) answerOnce(overrides, resume.state, resume.outcome);
    const engine = resume ? resumeEngine(machine, resume.state) : machine.engine;
    const run = engine.run(input as Parameters<StateMachine['run']>[0], {
      noThrowOnAbort: true,
      context,
      overrides: {
        taskResourceLocalHandlers: overrides,
        ...(this.#options.waitTimeOverrides && { waitTimeOverrides: this.#options.waitTimeOverrides }),
        ...(this.#options.retryIntervalOverrides && {
          retryIntervalOverrides: this.#options.retryIntervalOverrides,
        }),
      },
    });
    segment.abort = run.abort;
    running.segment = segment;
    // A resumed task's entry is in the history already, unless the history began at a restart.
    const skipEntry = resume?.outcome !== undefined && record.events.length > 0 ? resume.state : undefined;
    const logged = this.#collectEvents(running, segment, run.eventLogs, resume !== undefined, skipEntry);
    // The status changes only once the log is complete, so a finished execution's counts are final.
    void Promise.allSettled([run.result, logged]).then(([result]) => {
      if (!segment.parked) this.#finish(record, result);
    });
  }

  async #collectEvents(
    running: Running,
    segment: Segment,
    events: AsyncGenerator<EngineEvent>,
    resumed: boolean,
    skipEntry: string | undefined,
  ): Promise<void> {
    const { record, machine } = running;
    for await (const event of events) {
      // Parking aborts the run: what the engine logs from there on is no part of the execution.
      if (segment.parked && event.type === 'ExecutionAborted') break;
      if (resumed && event.type === 'ExecutionStarted') continue;
      if ('state' in event && event.state.name === RESUME_STATE) continue;
      if (event.type === 'StateEntered' && machine.prepared.topLevel.has(event.state.name)) {
        const input = JSON.stringify(event.state.input) ?? 'null';
        running.at = { state: event.state.name, input };
        this.#journal?.entered(record.executionArn, event.state.name, input);
        if (this.#journal?.wantsCompaction) this.#compact();
        if (skipEntry === event.state.name) {
          skipEntry = undefined;
          continue;
        }
      }
      if (!record.historyTrimmed) record.events.push(event);
      if (event.type === 'StateEntered') record.stateEntered += 1;
    }
  }

  /**
   * A top-level callback task has its token handed over: stop the engine run and wait outside it. The
   * run is left alone (the task waits inside it, as before) when the deadline has passed already (the
   * engine times the task out itself) or the execution stopped.
   */
  async #park(running: Running, segment: Segment, stateName: string, pending: PendingTask): Promise<unknown> {
    const { prepared } = running.machine;
    // An execution TimeoutSeconds is the engine run's own timer: such executions wait inside their run.
    if (!prepared.topLevel.has(stateName) || prepared.engineDefinition.TimeoutSeconds !== undefined)
      return pending.result;
    // Every event the engine logged so far is collected within the microtasks before this, so `at` is
    // this task's entry with its input.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const expired = pending.deadline !== undefined && Date.now() >= pending.deadline;
    if (running.record.status !== 'RUNNING' || segment.parked || running.at?.state !== stateName || expired)
      return pending.result;
    segment.parked = true;
    running.segment = undefined;
    this.#journal?.parked(running.record.executionArn, pending.token, pending.deadline);
    this.#waitOutside(
      running,
      { state: stateName, token: pending.token, deadline: pending.deadline },
      pending,
    );
    segment.abort();
    // Unwinds the engine's run: neither retried nor caught, and the run is over already.
    throw Object.assign(new Error('Parked outside the engine'), {
      name: 'Local.Parked',
      isRetryable: false,
      isCatchable: false,
    });
  }

  #waitOutside(running: Running, parked: Parked, pending: PendingTask): void {
    if (parked.deadline !== undefined) {
      parked.timer = setTimeout(
        () => void this.#expire(parked.token),
        Math.max(0, parked.deadline - Date.now()),
      );
    }
    running.parked = parked;
    pending.result.then(
      (ok) => void this.#resumeParked(running, parked, { ok }),
      (error: unknown) =>
        void this.#resumeParked(running, parked, {
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  async #expire(token: string): Promise<void> {
    const timeout = await statesTimeoutError();
    await this.#gate;
    this.#runtime.tokens.expire(token, timeout);
  }

  async #resumeParked(running: Running, parked: Parked, outcome: Outcome): Promise<void> {
    await this.#gate;
    if (running.parked !== parked || running.record.status !== 'RUNNING' || !running.at) return;
    clearTimeout(parked.timer);
    running.parked = undefined;
    const input = JSON.parse(running.record.input) as unknown;
    this.#run(running, input, {
      state: parked.state,
      input: JSON.parse(running.at.input) as unknown,
      outcome,
    });
  }

  /** The journal rewritten with what it must hold now. */
  #compact(): void {
    const journal = this.#journal;
    if (!journal) return;
    const running: JournaledExecution[] = [];
    for (const { record, at, parked } of this.#running.values()) {
      running.push({
        ...journaled(record),
        ...(at && { at }),
        ...(parked && {
          parked: {
            token: parked.token,
            ...(parked.deadline !== undefined && { deadline: parked.deadline }),
          },
        }),
      });
    }
    const closed: ExecutionRecord[] = [];
    for (const machine of this.#machines.values())
      for (const record of machine.executions) if (record.status !== 'RUNNING') closed.push(record);
    closed.sort((a, b) => (a.stopDate?.getTime() ?? 0) - (b.stopDate?.getTime() ?? 0));
    journal.compact({
      running,
      closed: closed.slice(Math.max(0, closed.length - journal.closedRetention)).map(journaled),
    });
  }

  #finish(record: ExecutionRecord, result: PromiseSettledResult<unknown>): void {
    if (record.status !== 'RUNNING') return;
    if (result.status === 'fulfilled') {
      this.#close(record, 'SUCCEEDED', { output: JSON.stringify(result.value) });
    } else if (result.reason instanceof ExecutionTimeoutError) {
      this.#close(record, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
    } else {
      this.#close(record, 'FAILED', failureOf(result.reason));
    }
  }

  #close(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    outcome: { output?: string; error?: string | undefined; cause?: string | undefined },
  ): void {
    record.status = status;
    record.stopDate = new Date();
    if (outcome.output !== undefined) record.output = outcome.output;
    if (outcome.error !== undefined) record.error = outcome.error;
    if (outcome.cause !== undefined) record.cause = outcome.cause;
    const running = this.#running.get(record.executionArn);
    if (running?.parked) clearTimeout(running.parked.timer);
    this.#running.delete(record.executionArn);
    this.#journal?.closed(record);
    this.#trimOldHistories(record);
    // Callback tasks still waiting end with the execution: their tokens answer TaskTimedOut from now on.
    this.#runtime.tokens.retire(record.executionArn, statesRuntimeError(`Execution ${status.toLowerCase()}`));
    this.#options.onStatusChange?.(record);
    // Successes are the norm and would drown the rest under load.
    if (status !== 'SUCCEEDED') {
      const machine = record.stateMachineArn.split(':').at(-1);
      this.#runtime.log(
        `[sfn] ${machine}/${record.name} ${status} ${outcome.error ?? ''} ${outcome.cause ?? ''}`.trimEnd(),
      );
    }
  }
}

// Construction validates the definition (about 150 ms each); engines keep no state between runs, so
// one per distinct definition serves every endpoint in the process.
const engines = new Map<string, StateMachine>();

function engineFor(prepared: PreparedDefinition): StateMachine {
  const key = JSON.stringify(prepared.engineDefinition);
  const engine = engines.get(key) ?? new StateMachine(prepared.engineDefinition);
  engines.set(key, engine);
  return engine;
}

/** The engine that starts a resumed run at `stateName` (no validation: the definition was validated). */
function resumeEngine(machine: Machine, stateName: string): StateMachine {
  let engine = machine.resumeEngines.get(stateName);
  if (!engine) {
    engine = new StateMachine(resumeDefinition(machine.prepared, stateName), {
      validationOptions: { noValidate: true },
    });
    machine.resumeEngines.set(stateName, engine);
  }
  return engine;
}

/** The resumed task's first invocation returns its answer; a retry of it runs the task again. */
function answerOnce(overrides: TaskOverrides, stateName: string, outcome: Outcome): void {
  const task = overrides[stateName];
  if (!task) return;
  let answered = false;
  overrides[stateName] = (input) => {
    if (answered) return task(input);
    answered = true;
    return 'ok' in outcome
      ? Promise.resolve(outcome.ok as Awaited<ReturnType<typeof task>>)
      : Promise.reject(outcome.error);
  };
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The engine's own States.Timeout error: Retry and Catch treat it apart from other errors (States.TaskFailed
 * does not match it), and the engine exports no class for it, so one is taken from a run that times out.
 */
function statesTimeoutError(): Promise<Error> {
  timeoutErrorClass ??= probeTimeoutError();
  return timeoutErrorClass.then((TimeoutError) => new TimeoutError());
}

async function probeTimeoutError(): Promise<new () => Error> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    } as unknown as StateMachineDefinition,
    { validationOptions: { noValidate: true } },
  );
  const run = probe.run(
    {},
    { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } },
  );
  try {
    await run.result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout')
      return cause.constructor as new () => Error;
  }
  throw new Error('aws-local-stepfunctions no longer times a task out as expected');
}

function journaled(record: ExecutionRecord): JournaledExecution {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    input: record.input,
    startDate: record.startDate.getTime(),
    status: record.status,
    ...(record.stopDate && { stopDate: record.stopDate.getTime() }),
    ...(record.output !== undefined && { output: record.output }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.cause !== undefined && { cause: record.cause }),
  };
}

function restoredRecord(e: JournaledExecution): ExecutionRecord {
  const closed = e.status !== 'RUNNING';
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    input: e.input,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate !== undefined && { stopDate: new Date(e.stopDate) }),
    ...(e.output !== undefined && { output: e.output }),
    ...(e.error !== undefined && { error: e.error }),
    ...(e.cause !== undefined && { cause: e.cause }),
    // What happened before the restart is not kept: the history starts where the execution went on.
    events: [],
    ...(closed && { historyTrimmed: true }),
    stateEntered: 0,
  };
}

function failureOf(reason: unknown): { error: string; cause: string } {
  // ExecutionError wraps the state's error; its name is the States-language Error, its message the Cause.
  const inner = reason instanceof ExecutionError && reason.cause instanceof Error ? reason.cause : reason;
  if (inner instanceof Error)
    return { error: inner.name, cause: typeof inner.cause === 'string' ? inner.cause : inner.message };
  return { error: 'States.Runtime', cause: String(inner) };
}

function assertLive(kind: 'live' | 'gone' | 'invalid'): void {
  if (kind === 'gone')
    throw new SfnFault('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  if (kind === 'invalid') throw new SfnFault('InvalidToken', "Invalid Token: 'Invalid token'");
}

function parseJson(text: string, fault: () => SfnFault): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fault();
  }
}
