// Reads a state machine definition the way the local server needs it: every Task state by name (the
// engine's overrides are keyed by state name, nested Parallel branches and Map processors included),
// and a copy for the engine whose durations fit in a Node timer.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** setTimeout fires at once above 2^31-1 ms, so this is the longest duration the engine can honour. */
export const ENGINE_MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export interface TaskStateDefinition {
  Type: 'Task';
  Resource: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}

type StateDefinition = { Type: string } & Record<string, unknown>;

interface StatesScope {
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
}

export interface PreparedDefinition {
  /** The copy handed to the engine. */
  engineDefinition: StateMachineDefinition;
  /** Task states by name, as the engine runs them. */
  tasks: ReadonlyMap<string, TaskStateDefinition>;
  /** The states of the top level (not inside a Parallel branch or a Map processor). */
  topLevel: ReadonlySet<string>;
}

/**
 * The state a resumed run starts in: it takes the input the resumed state had (from the run's context,
 * `$$.LocalResume`) and goes on to that state, while `$$.Execution.Input` stays the execution's input.
 */
export const RESUME_STATE = '__LocalResume';

/** The engine's definition, starting at `stateName` (a top-level state) with the input it had. */
export function resumeDefinition(prepared: PreparedDefinition, stateName: string): StateMachineDefinition {
  if (!prepared.topLevel.has(stateName)) throw new Error(`No top-level state "${stateName}" to resume at`);
  const definition = prepared.engineDefinition as unknown as StatesScope;
  return {
    ...definition,
    StartAt: RESUME_STATE,
    States: {
      ...definition.States,
      [RESUME_STATE]: { Type: 'Pass', InputPath: '$$.LocalResume', Next: stateName },
    },
  } as unknown as StateMachineDefinition;
}

export interface PrepareOptions {
  /** Retry intervals and their caps divided by this (tests and benchmarks run hours of backoff in seconds). */
  retryTimeScale?: number;
}

export function prepareDefinition(definition: object, options: PrepareOptions = {}): PreparedDefinition {
  const engineDefinition = structuredClone(definition) as StatesScope;
  engineDefinition.TimeoutSeconds = fitTimer(engineDefinition.TimeoutSeconds);
  if (engineDefinition.TimeoutSeconds === undefined) delete engineDefinition.TimeoutSeconds;
  const tasks = new Map<string, TaskStateDefinition>();
  prepareScope(engineDefinition, tasks, options.retryTimeScale ?? 1);
  if (RESUME_STATE in engineDefinition.States) throw new Error(`The state name ${RESUME_STATE} is reserved`);
  return {
    engineDefinition: engineDefinition as unknown as StateMachineDefinition,
    tasks,
    topLevel: new Set(Object.keys(engineDefinition.States)),
  };
}

function prepareScope(scope: StatesScope, tasks: Map<string, TaskStateDefinition>, retryScale: number): void {
  for (const [name, state] of Object.entries(scope.States ?? {})) {
    if (retryScale !== 1 && Array.isArray(state.Retry)) scaleRetriers(state.Retry as Retrier[], retryScale);
    if (state.Type === 'Task') {
      // The engine finds overrides by state name alone, so a name used twice would be ambiguous (AWS
      // rejects such definitions too).
      if (tasks.has(name)) throw new Error(`State name "${name}" is used more than once in the definition`);
      prepareTask(state);
      tasks.set(name, state as unknown as TaskStateDefinition);
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds = fitTimer(state.Seconds);
    for (const nested of nestedScopes(state)) prepareScope(nested, tasks, retryScale);
  }
}

interface Retrier {
  IntervalSeconds?: number;
  MaxDelaySeconds?: number;
}

/** States-language defaults: IntervalSeconds 1; no MaxDelaySeconds (no cap). */
function scaleRetriers(retriers: Retrier[], scale: number): void {
  for (const retrier of retriers) {
    retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) / scale;
    if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds = retrier.MaxDelaySeconds / scale;
  }
}

/** AWS Standard tasks have no timeout unless set; the engine would otherwise stop them after 60 s. */
function prepareTask(task: StateDefinition): void {
  if (task.TimeoutSecondsPath !== undefined) return;
  task.TimeoutSeconds = fitTimer(
    typeof task.TimeoutSeconds === 'number' ? task.TimeoutSeconds : ENGINE_MAX_TIMEOUT_SECONDS,
  );
}

function fitTimer(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.min(seconds, ENGINE_MAX_TIMEOUT_SECONDS);
}

function nestedScopes(state: StateDefinition): StatesScope[] {
  const scopes: StatesScope[] = [];
  if (Array.isArray(state.Branches)) scopes.push(...(state.Branches as StatesScope[]));
  const processor = state.ItemProcessor ?? state.Iterator;
  if (processor && typeof processor === 'object') scopes.push(processor as StatesScope);
  return scopes;
}
