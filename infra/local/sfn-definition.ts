// Reads a state machine definition the way the local server needs it: every Task state by name (the
// engine's overrides are keyed by state name, nested Parallel branches and Map processors included),
// and a copy for the engine in which Tasks without a timeout get the longest one a Node timer can hold.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** setTimeout fires at once above 2^31-1 ms, so this is the longest task timeout the engine can honour. */
export const ENGINE_MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export interface TaskStateDefinition {
  Type: 'Task';
  Resource: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}

interface StatesScope {
  States: Record<string, { Type: string } & Record<string, unknown>>;
}

export interface PreparedDefinition {
  /** The copy handed to the engine. */
  engineDefinition: StateMachineDefinition;
  /** Task states by name, as written (before the timeout default is added). */
  tasks: ReadonlyMap<string, TaskStateDefinition>;
}

export function prepareDefinition(definition: object): PreparedDefinition {
  const original = structuredClone(definition) as StatesScope;
  const engineDefinition = structuredClone(definition) as StatesScope;
  const tasks = new Map<string, TaskStateDefinition>();
  collectTasks(original, tasks);
  defaultTaskTimeouts(engineDefinition);
  return { engineDefinition: engineDefinition as unknown as StateMachineDefinition, tasks };
}

function nestedScopes(state: Record<string, unknown>): StatesScope[] {
  const scopes: StatesScope[] = [];
  if (Array.isArray(state.Branches)) scopes.push(...(state.Branches as StatesScope[]));
  const processor = state.ItemProcessor ?? state.Iterator;
  if (processor && typeof processor === 'object') scopes.push(processor as StatesScope);
  return scopes;
}

function collectTasks(scope: StatesScope, tasks: Map<string, TaskStateDefinition>): void {
  for (const [name, state] of Object.entries(scope.States ?? {})) {
    if (state.Type === 'Task') {
      // The engine finds overrides by state name alone, so a name used twice would be ambiguous (AWS
      // rejects such definitions too).
      if (tasks.has(name)) throw new Error(`State name "${name}" is used more than once in the definition`);
      tasks.set(name, state as unknown as TaskStateDefinition);
    }
    for (const nested of nestedScopes(state)) collectTasks(nested, tasks);
  }
}

/** AWS Standard tasks have no timeout unless set; the engine would otherwise stop them after 60 s. */
function defaultTaskTimeouts(scope: StatesScope): void {
  for (const state of Object.values(scope.States ?? {})) {
    if (
      state.Type === 'Task' &&
      state.TimeoutSeconds === undefined &&
      state.TimeoutSecondsPath === undefined
    ) {
      state.TimeoutSeconds = ENGINE_MAX_TIMEOUT_SECONDS;
    }
    for (const nested of nestedScopes(state)) defaultTaskTimeouts(nested);
  }
}
