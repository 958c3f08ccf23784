// GetExecutionHistory from the engine's event log, in AWS's event vocabulary where there is one. Retry
// and catch bookkeeping (StateRetried, StateCaught) and Parallel branch events have no AWS counterpart
// and are left out, so the count is close to, not equal to, what AWS would list. A Task state's own events
// (TaskScheduled, TaskStarted, TaskSubmitted for a callback, TaskSucceeded / TaskFailed / TaskTimedOut) are
// derived from the state's entry, retries and exit, with their timestamps: the engine logs no more.
import type { EngineEvent, ExecutionRecord } from './executions.ts';

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
  const data = includeExecutionData ? (value: unknown) => JSON.stringify(value) : () => undefined;
  const region = record.stateMachineArn.split(':')[3] ?? '';
  const failedTasks = new Set<string>();
  for (const event of record.historyTrimmed ? summaryEvents(record) : record.events) {
    for (const mapped of toAwsEvents(event, resourceOf, data, region, failedTasks)) {
      history.push({
        id: history.length + 1,
        previousEventId: history.length,
        timestamp: new Date(event.timestamp),
        ...mapped,
      });
    }
  }
  return history;
}

type AwsEvent = { type: string; [details: string]: unknown };

/**
 * The AWS events one engine event stands for: a Task state's entry, retry and exit carry its task events.
 * `failedTasks` holds the Task states whose last attempt failed: a caught failure exits the state too,
 * and that exit is no TaskSucceeded.
 */
function toAwsEvents(
  event: EngineEvent,
  resourceOf: ResourceOf,
  data: (value: unknown) => string | undefined,
  region: string,
  failedTasks: Set<string>,
): AwsEvent[] {
  const mapped = toAwsEvent(event, resourceOf, data);
  const own = mapped ? [mapped] : [];
  if (!('state' in event) || event.state.type !== 'Task') return own;
  const resource = resourceOf(event.state.name) ?? '';
  switch (event.type) {
    case 'StateEntered':
      failedTasks.delete(event.state.name);
      return [...own, ...taskAttempt(resource, region, event.state.input, data)];
    case 'StateRetried':
      failedTasks.delete(event.state.name);
      return taskAttempt(resource, region, event.state.input, data);
    case 'StateExited':
      if (failedTasks.delete(event.state.name)) return own;
      return [
        {
          type: 'TaskSucceeded',
          taskSucceededEventDetails: { ...taskResourceDetails(resource), output: data(event.state.output) },
        },
        ...own,
      ];
    case 'StateFailed':
      failedTasks.add(event.state.name);
      return own;
    case 'StateCaught':
      return own;
  }
}

/** One attempt of a task: scheduled, started and, for a callback (.waitForTaskToken), handed over. */
function taskAttempt(
  resource: string,
  region: string,
  input: unknown,
  data: (value: unknown) => string | undefined,
): AwsEvent[] {
  const details = taskResourceDetails(resource);
  const events: AwsEvent[] = [
    { type: 'TaskScheduled', taskScheduledEventDetails: { ...details, region, parameters: data(input) } },
    { type: 'TaskStarted', taskStartedEventDetails: details },
  ];
  if (resource.endsWith('.waitForTaskToken')) {
    events.push({ type: 'TaskSubmitted', taskSubmittedEventDetails: details });
  }
  return events;
}

/** AWS's split of a task resource: `arn:aws:states:::lambda:invoke` is lambda / invoke; a function ARN is lambda. */
function taskResourceDetails(resource: string): { resourceType: string; resource: string } {
  const parts = resource.split(':');
  if (parts[2] === 'states') return { resourceType: parts[5] ?? '', resource: parts.slice(6).join(':') };
  return { resourceType: parts[2] ?? '', resource };
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
  const details = { ...taskResourceDetails(resource), error: event.Error, cause: String(event.Cause) };
  return event.Error === 'States.Timeout'
    ? { type: 'TaskTimedOut', taskTimedOutEventDetails: details }
    : { type: 'TaskFailed', taskFailedEventDetails: details };
}
