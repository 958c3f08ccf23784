// Tasks Send and RecordUndelivered of the notification machine: composes and sends one notification, at
// most once, through the deployment's SMS provider (the composition root picks it:
// functions/composition/message-sender.ts); or, once the workflow gave up on it, records it as undelivered.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getDeliveryDeps } from '#composition/message-sender';
import { metrics } from '#commons/powertools';
import { taskHandler } from '#commons/task';
import { deliverNotification, isThrottled, recordUndelivered } from '#use-cases/deliver-notification';
import { sendNotificationPayload } from './payloads.ts';

export const handler = taskHandler(sendNotificationPayload, async (payload) => {
  const { complaintId, notification } = payload;
  if ('undelivered' in payload && payload.undelivered) {
    await recordUndelivered(getDeliveryDeps(), { complaintId, notification, error: payload.undelivered });
    metrics.addMetric('DeliveriesDeadLettered', MetricUnit.Count, 1);
    return { outcome: 'undelivered' as const };
  }
  try {
    const outcome = await deliverNotification(getDeliveryDeps(), { complaintId, notification });
    if (outcome === 'uncertain') metrics.addMetric('DeliveriesUncertain', MetricUnit.Count, 1);
    if (outcome === 'sent') metrics.addMetric('DeliveriesSent', MetricUnit.Count, 1);
    if (outcome === 'nothing-to-send') metrics.addMetric('DeliveriesSkipped', MetricUnit.Count, 1);
    return { outcome };
  } catch (error) {
    // The workflow retries it after a long backoff; the rate of these shows the provider's limit is near.
    if (isThrottled(error)) metrics.addMetric('SendsThrottled', MetricUnit.Count, 1);
    throw error;
  }
});
