// Self-healing: Step Functions' "Execution Status Change" events of the complaint state machine, delivered
// by an EventBridge rule (FAILED, TIMED_OUT, ABORTED), restart the complaint's workflow with backoff, or
// park the complaint for an operator once it keeps failing. Locally the Step Functions stand-in delivers
// the same events to this same handler.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { parseExecutionName } from '#adapters/sfn-complaint-workflow';
import { getServiceDeps } from '#composition/deps';
import { logger, metrics } from '#commons/powertools';
import { taskHandler } from '#commons/task';
import { recoverExecution } from '#use-cases/recover-execution';
import { EXECUTION_STATUS_CHANGE } from './execution-events.ts';

const statusChange = z.object({
  source: z.literal(EXECUTION_STATUS_CHANGE.source),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE.detailType),
  detail: z.object({
    name: z.string().min(1),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    error: z.string().nullish(),
  }),
});

export const handler = taskHandler(statusChange, async ({ detail }) => {
  const execution = parseExecutionName(detail.name);
  if (!execution || !(EXECUTION_STATUS_CHANGE.statuses as readonly string[]).includes(detail.status)) {
    return { outcome: 'ignored' };
  }
  const status = detail.status as (typeof EXECUTION_STATUS_CHANGE.statuses)[number];
  // Error names only: a Cause may carry personal data.
  const error = detail.error ? detail.error.slice(0, 100) : undefined;
  const outcome = await recoverExecution(getServiceDeps(), execution.complaintId, {
    attempt: execution.attempt,
    status,
    ...(error ? { error } : {}),
  });
  logger.info('execution status change handled', { complaintId: execution.complaintId, status, outcome });
  if (outcome === 'restarted') metrics.addMetric('ExecutionsRestarted', MetricUnit.Count, 1);
  if (outcome === 'parked') metrics.addMetric('ComplaintsParked', MetricUnit.Count, 1);
  return { complaintId: execution.complaintId, outcome };
});
