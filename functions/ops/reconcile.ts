// The reconciler as a Lambda, and the operator's commands about parked complaints. A scheduled run (or
// `{}`) is one pass of the safety net within the invocation's time (it resumes where the last one
// stopped); an operator may also send:
//   { "command": "reconcile", "deep": true }           ask Step Functions about every open complaint
//   { "command": "needs-operator" }                    list the complaints waiting for an operator
//   { "command": "retry", "complaintId": "…", "operator": "ops-wang" }   restart one after a fix
// e.g. `aws lambda invoke --function-name complaints-prod-reconcile --payload '{"command":"needs-operator"}' out.json`.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { getServiceDeps } from '#composition/deps';
import { logger, metrics } from '#commons/powertools';
import { taskHandler } from '#commons/task';
import { listNeedsOperator, retryNeedsOperator } from '#use-cases/recover-execution';
import { reconcile, type ReconcileReport } from '#use-cases/reconcile';
import { detectIncidents } from '#use-cases/incidents';

/** Left of the invocation's time when a pass stops taking pages: enough to finish the page in hand. */
const SAFETY_MARGIN_MS = 60_000;

const complaintId = z.string().min(1).max(64);

export const opsCommand = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('reconcile'),
    deep: z.boolean().optional(),
    fromStart: z.boolean().optional(),
  }),
  z.object({ command: z.literal('needs-operator') }),
  z.object({ command: z.literal('retry'), complaintId, operator: z.string().min(1).max(64) }),
]);
export type OpsCommand = z.infer<typeof opsCommand>;

// An EventBridge schedule's event or `{}`: a scheduled pass. Anything with a `command` must be a command.
const opsEvent = z.union([opsCommand, z.looseObject({ command: z.undefined() })]);

export const handler = taskHandler(opsEvent, async (event, context) => {
  const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
  if (event.command === 'needs-operator') return { items: await listNeedsOperator(getServiceDeps()) };
  if (event.command === 'retry') {
    const outcome = await retryNeedsOperator(
      getServiceDeps(),
      event.complaintId,
      `operator:${event.operator}`,
    );
    logger.info('needs-operator retry', { complaintId: event.complaintId, outcome });
    return { complaintId: event.complaintId, outcome };
  }
  const report = await reconcile(getServiceDeps(), {
    deadline,
    ...(event.command === 'reconcile' && event.deep ? { deep: true } : {}),
    ...(event.command === 'reconcile' && event.fromStart ? { resume: false } : {}),
  });
  recordReport(report);
  if (event.command === undefined) await proposeIncidents();
  return report;
});

/**
 * The scheduled pass also runs the mass-incident spike detector (SPEC 13): proposals for categories
 * spiking at an outlet or region. Its failure is logged and left to the next pass.
 */
async function proposeIncidents(): Promise<void> {
  try {
    const proposed = await detectIncidents(getServiceDeps());
    metrics.addMetric('IncidentsProposed', MetricUnit.Count, proposed.length);
    if (proposed.length > 0) logger.info('incidents proposed', { ids: proposed.map((i) => i.id) });
  } catch (error) {
    logger.warn('spike detector failed; the next pass runs it again', {
      error: error instanceof Error ? error.name : String(error),
    });
  }
}

function recordReport(report: ReconcileReport): void {
  logger.info('reconciled', { ...report });
  metrics.addMetric('ExecutionsRestarted', MetricUnit.Count, report.restarted);
  metrics.addMetric('ComplaintsParked', MetricUnit.Count, report.parked);
  metrics.addMetric('SignalsRedelivered', MetricUnit.Count, report.signalsRedelivered);
  metrics.addMetric('DeliveriesResumed', MetricUnit.Count, report.deliveriesResumed);
  metrics.addMetric('ReconcileErrors', MetricUnit.Count, report.errors);
  // The alarm's gauge: it stays up while any complaint waits for an operator.
  metrics.addMetric('ComplaintsNeedingOperator', MetricUnit.Count, report.needsOperator);
  metrics.addMetric('DeliveriesStuck', MetricUnit.Count, report.deliveriesStuck);
  // The gauge of undelivered texts: its alarm stays up while any waits for an operator's re-send.
  metrics.addMetric('DeliveriesAwaitingOperator', MetricUnit.Count, report.deliveriesAwaitingOperator);
}
