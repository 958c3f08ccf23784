// Which Step Functions events restart a complaint's workflow: the EventBridge rule on AWS
// (infra/stacks/service-stack.ts) and the local stand-in's dispatch (infra/local/stack.ts) both match these.
export const EXECUTION_STATUS_CHANGE = {
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
  /** How an execution ended that leaves an open complaint without a workflow. */
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
} as const;
