// The send step of a notification's delivery execution: compose the messages from the complaint as it is
// now and send them once. A retried step finds the delivery already recorded and sends nothing.
import type { Complaint } from '#domain/complaint';
import { composeMessages } from '#domain/notifications/compose';
import { SmsOptedOut } from '#domain/notifications/errors';
import { withEvent } from '#domain/notices';
import type { DeliveryRequest } from '#domain/ports';
import { getComplaint } from './queries.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

export type DeliveryOutcome = 'sent' | 'already-sent' | 'nothing-to-send';

/** The short link texts carry: the API's `GET /{token}` redirects it to the public complaint view. */
export function customerLink(publicBaseUrl: string, linkToken: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/${linkToken}`;
}

export async function deliverNotification(
  deps: ServiceDeps,
  request: DeliveryRequest,
): Promise<DeliveryOutcome> {
  const { complaintId, notification } = request;
  const complaint = await getComplaint(deps, complaintId);
  const now = deps.clock.now();
  if ((await deps.deliveries.begin(complaintId, notification.key, now)) === 'already-sent')
    return 'already-sent';
  const messages = composeMessages(complaint, notification, {
    publicBaseUrl: deps.publicBaseUrl,
    ...(complaint.linkToken ? { link: customerLink(deps.publicBaseUrl, complaint.linkToken) } : {}),
  });
  const messageIds: string[] = [];
  for (const message of messages) {
    try {
      const { messageId } = await deps.sender.send(message, {
        complaintId,
        key: notification.key,
        event: notification.event,
      });
      messageIds.push(messageId);
    } catch (error) {
      if (!(error instanceof SmsOptedOut)) throw error;
      await recordOptOut(deps, complaintId, now);
    }
  }
  if (messageIds.length === 0) {
    await deps.deliveries.markSkipped(
      complaintId,
      notification.key,
      now,
      messages.length ? 'opted-out' : 'no-channel',
    );
    return 'nothing-to-send';
  }
  await deps.deliveries.markSent(complaintId, notification.key, now, messageIds);
  return 'sent';
}

async function recordOptOut(deps: ServiceDeps, complaintId: string, now: Date): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const current = await getComplaint(deps, complaintId);
    if (current.customer.smsOptedOutAt) return;
    const at = now.toISOString();
    const next: Complaint = withEvent(
      { ...current, customer: { ...current.customer, smsOptedOutAt: at } },
      { at, type: 'sms-opted-out', actor: 'sms-provider' },
    );
    try {
      await saveNext(deps.store, current, next, now);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
