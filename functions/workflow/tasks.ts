// The state machines' task functions in one list: the local stack wires them into the local engine and
// the CDK stack deploys one function per entry and substitutes its ARN into the definition.
import type { ComplaintSubstitution, NotificationSubstitution } from '#workflows/definitions';

export interface WorkflowTask {
  functionName: string;
  /** Handler module (exports `handler`), relative to the repository root. */
  entry: string;
  machine: 'complaint' | 'notification';
  substitution: ComplaintSubstitution | NotificationSubstitution;
}

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
  },
] as const satisfies readonly WorkflowTask[];
