// Task Send of the notification machine: composes and sends one notification, at most once.
import { getServiceDeps } from '#commons/deps';
import { taskHandler } from '#commons/task';
import { deliverNotification } from '#use-cases/deliver-notification';
import { sendNotificationPayload } from './payloads.ts';

export const handler = taskHandler(sendNotificationPayload, async ({ complaintId, notification }) => ({
  outcome: await deliverNotification(getServiceDeps(), { complaintId, notification }),
}));
