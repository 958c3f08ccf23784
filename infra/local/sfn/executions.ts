// The executions the local Step Functions endpoint runs: one aws-local-stepfunctions run per execution,
// kept in memory with the status, result and event log the API reports. A restarted process has none.
import { randomUUID } from 'node:crypto';
import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { prepareDefinition, type PreparedDefinition } from './definition.ts';
import { SfnFault, statesRuntimeError } from './errors.ts';
import { taskOverrides, type TaskRuntime } from './tasks.ts';

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
  /** Oldest first. */
  executions: ExecutionRecord[];
}

interface Running {
  record: ExecutionRecord;
  abort: () => void;
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

  constructor(machines: readonly HostedStateMachine[], runtime: TaskRuntime, options: ExecutionOptions = {}) {
    this.#runtime = runtime;
    this.#options = options;
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
    this.#run(machine, record, parsedInput);
    this.#options.onStatusChange?.(record);
    return record;
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
    running.abort();
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

  #run(machine: Machine, record: ExecutionRecord, input: unknown): void {
    const tokenPlaceholder = `local-task-token-placeholder:${randomUUID()}`;
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate.toISOString() },
      StateMachine: { Id: machine.arn, Name: machine.name },
      Task: { Token: tokenPlaceholder },
    };
    const scope = {
      executionArn: record.executionArn,
      tokenPlaceholder,
      context,
      isRunning: () => record.status === 'RUNNING',
    };
    const run = machine.engine.run(input as Parameters<StateMachine['run']>[0], {
      noThrowOnAbort: true,
      context,
      overrides: {
        taskResourceLocalHandlers: taskOverrides(machine.prepared.tasks, this.#runtime, scope),
        ...(this.#options.waitTimeOverrides && { waitTimeOverrides: this.#options.waitTimeOverrides }),
        ...(this.#options.retryIntervalOverrides && {
          retryIntervalOverrides: this.#options.retryIntervalOverrides,
        }),
      },
    });
    this.#running.set(record.executionArn, { record, abort: run.abort });
    const logged = collectEvents(record, run.eventLogs);
    // The status changes only once the log is complete, so a finished execution's counts are final.
    void Promise.allSettled([run.result, logged]).then(([result]) => this.#finish(record, result));
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
    this.#running.delete(record.executionArn);
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

async function collectEvents(record: ExecutionRecord, events: AsyncGenerator<EngineEvent>): Promise<void> {
  for await (const event of events) {
    if (!record.historyTrimmed) record.events.push(event);
    if (event.type === 'StateEntered') record.stateEntered += 1;
  }
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
