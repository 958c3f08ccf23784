// The reconciler as a Lambda: brings every open complaint back under a running execution (e.g. after an
// execution failed), redelivers interrupted signals and hands unfinished deliveries over again. Runs on a
// schedule, and an operator can invoke it any time (`aws lambda invoke --function-name ...-reconcile`).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { getServiceDeps } from '#commons/deps';
import { logger, metrics } from '#commons/powertools';
import { taskHandler } from '#commons/task';
import { reconcile } from '#use-cases/reconcile';

// A scheduled event, an operator's `{}`, or nothing: the reconciler takes no parameters.
const anyEvent = z.unknown();

export const handler = taskHandler(anyEvent, async () => {
  const report = await reconcile(getServiceDeps());
  logger.info('reconciled', { ...report });
  metrics.addMetric('ExecutionsRestarted', MetricUnit.Count, report.restarted);
  metrics.addMetric('SignalsRedelivered', MetricUnit.Count, report.signalsRedelivered);
  metrics.addMetric('DeliveriesResumed', MetricUnit.Count, report.deliveriesResumed);
  return report;
});
