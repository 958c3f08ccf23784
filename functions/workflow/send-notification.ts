// Task Send of the notification machine: composes and sends one notification, at most once.
import * as z from 'zod';
import { getServiceDeps } from '#commons/deps';
import { taskHandler } from '#commons/task';
import { NOTIFICATION_EVENTS, ESCALATION_LEVELS } from '#domain/complaint';
import { deliverNotification } from '#use-cases/deliver-notification';

const payload = z.object({
  complaintId: z.string().min(1),
  notification: z.object({
    key: z.string().min(1),
    audience: z.enum(['customer', 'staff']),
    event: z.enum(NOTIFICATION_EVENTS),
    level: z.union(ESCALATION_LEVELS.map((l) => z.literal(l))).optional(),
    createdAt: z.string(),
    data: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
});

export const handler = taskHandler(payload, async (request) => ({
  outcome: await deliverNotification(getServiceDeps(), request),
}));
