// Task Send of the notification machine: composes and sends one notification, at most once, through the
// deployment's SMS provider (the composition root picks it: functions/commons/message-sender.ts).
import { getDeliveryDeps } from '#commons/message-sender';
import { taskHandler } from '#commons/task';
import { deliverNotification } from '#use-cases/deliver-notification';
import { sendNotificationPayload } from './payloads.ts';

export const handler = taskHandler(sendNotificationPayload, async ({ complaintId, notification }) => ({
  outcome: await deliverNotification(getDeliveryDeps(), { complaintId, notification }),
}));
