// The state machines' task functions in one list: the local stack wires them into the local engine and
// the CDK stack deploys one function per entry and substitutes its ARN into the definition.
import type { ComplaintSubstitution, NotificationSubstitution } from '#workflows/definitions';

export interface WorkflowTask {
  functionName: string;
  /** Handler module (exports `handler`), relative to the repository root. */
  entry: string;
  machine: 'complaint' | 'notification';
  substitution: ComplaintSubstitution | NotificationSubstitution;
  /**
   * Reserved concurrency (CDK) and the local stack's matching limit: above it an invocation is throttled
   * (Lambda.TooManyRequestsException), and the state machine retries it with its long backoff.
   */
  reservedConcurrency?: number;
}

/**
 * At most this many sends run at once, whatever the burst (docs/spec.md, "Quiet hours and the morning
 * release"): 10 sends of about 100 ms each are some 100 a second, above SNS's default SMS rate (20 a
 * second), so the provider's rate, not Lambda, sets the pace, and the account's other functions keep
 * their concurrency.
 */
export const SEND_CONCURRENCY = 10;

export const WORKFLOW_TASKS = [
  {
    functionName: 'open-stage',
    entry: 'functions/workflow/open-stage.ts',
    machine: 'complaint',
    substitution: 'OpenStageFunctionArn',
  },
  {
    functionName: 'await-stage',
    entry: 'functions/workflow/await-stage.ts',
    machine: 'complaint',
    substitution: 'AwaitStageFunctionArn',
  },
  {
    functionName: 'stage-timer',
    entry: 'functions/workflow/stage-timer.ts',
    machine: 'complaint',
    substitution: 'StageTimerFunctionArn',
  },
  {
    functionName: 'finish-complaint',
    entry: 'functions/workflow/finish-complaint.ts',
    machine: 'complaint',
    substitution: 'FinishComplaintFunctionArn',
  },
  {
    functionName: 'record-failure',
    entry: 'functions/workflow/record-failure.ts',
    machine: 'complaint',
    substitution: 'RecordFailureFunctionArn',
  },
  {
    functionName: 'send-notification',
    entry: 'functions/workflow/send-notification.ts',
    machine: 'notification',
    substitution: 'SendNotificationFunctionArn',
    reservedConcurrency: SEND_CONCURRENCY,
  },
] as const satisfies readonly WorkflowTask[];
