// GetExecutionHistory from the engine's event log, in AWS's event vocabulary where there is one. Retry
// and catch bookkeeping (StateRetried, StateCaught) and Parallel branch events have no AWS counterpart
// and are left out, so the count is close to, not equal to, what AWS would list.
import type { EngineEvent, ExecutionRecord } from './sfn-executions.ts';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

type ResourceOf = (stateName: string) => string | undefined;
type Json = Extract<EngineEvent, { type: 'ExecutionStarted' }>['input'];

export function executionHistory(
  record: ExecutionRecord,
  resourceOf: ResourceOf,
  includeExecutionData: boolean,
): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  for (const event of record.historyTrimmed ? summaryEvents(record) : record.events) {
    const mapped = toAwsEvent(
      event,
      resourceOf,
      includeExecutionData ? (value) => JSON.stringify(value) : () => undefined,
    );
    if (!mapped) continue;
    history.push({
      id: history.length + 1,
      previousEventId: history.length,
      timestamp: new Date(event.timestamp),
      ...mapped,
    });
  }
  return history;
}

/** An execution whose log was trimmed still shows how it started and ended. */
function summaryEvents(record: ExecutionRecord): EngineEvent[] {
  const started: EngineEvent = {
    type: 'ExecutionStarted',
    timestamp: record.startDate.getTime(),
    input: JSON.parse(record.input) as Json,
  };
  const timestamp = record.stopDate?.getTime() ?? Date.now();
  const ended: Record<string, EngineEvent | undefined> = {
    SUCCEEDED: { type: 'ExecutionSucceeded', timestamp, output: JSON.parse(record.output ?? 'null') as Json },
    FAILED: { type: 'ExecutionFailed', timestamp, Error: record.error ?? '', Cause: record.cause ?? '' },
    ABORTED: { type: 'ExecutionAborted', timestamp },
    TIMED_OUT: { type: 'ExecutionTimeout', timestamp },
  };
  const end = ended[record.status];
  return end ? [started, end] : [started];
}

function toAwsEvent(
  event: EngineEvent,
  resourceOf: ResourceOf,
  data: (value: unknown) => string | undefined,
): { type: string; [details: string]: unknown } | undefined {
  switch (event.type) {
    case 'ExecutionStarted':
      return { type: 'ExecutionStarted', executionStartedEventDetails: { input: data(event.input) } };
    case 'ExecutionSucceeded':
      return { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: data(event.output) } };
    case 'ExecutionFailed':
      return {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: String(event.Cause) },
      };
    case 'ExecutionAborted':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: {} };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } };
    case 'StateEntered':
      return {
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: { name: event.state.name, input: data(event.state.input) },
      };
    case 'StateExited':
      return {
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: { name: event.state.name, output: data(event.state.output) },
      };
    case 'StateFailed':
      return event.state.type === 'Task' ? taskFailure(event, resourceOf(event.state.name) ?? '') : undefined;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return {
        type: event.type,
        mapIterationEventDetails: { name: event.parentState.name, index: event.index },
      };
    // No AWS counterpart (see the top of this file); named so a new engine event type is a decision here.
    case 'StateRetried':
    case 'StateCaught':
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
      return undefined;
  }
}

function taskFailure(event: Extract<EngineEvent, { type: 'StateFailed' }>, resource: string) {
  const [, , , , , service = '', ...rest] = resource.split(':');
  const details = {
    resourceType: service,
    resource: rest.join(':'),
    error: event.Error,
    cause: String(event.Cause),
  };
  return event.Error === 'States.Timeout'
    ? { type: 'TaskTimedOut', taskTimedOutEventDetails: details }
    : { type: 'TaskFailed', taskFailedEventDetails: details };
}
