// The send step of a notification's delivery execution: compose the messages from the complaint as it is
// now and send them once. A retried step finds the delivery already recorded and sends nothing.
import type { Complaint } from '#domain/complaint';
import { composeMessages } from '#domain/notifications/compose';
import { SmsOptedOut } from '#domain/notifications/errors';
import { withEvent } from '#domain/notices';
import { isTooLateToWarn } from '#domain/timers';
import type { DeliveryRequest } from '#domain/ports';
import { getComplaint } from './queries.ts';
import { saveNext, type ServiceDeps } from './service-deps.ts';

export type DeliveryOutcome = 'sent' | 'already-sent' | 'nothing-to-send' | 'uncertain';

/** The short link texts carry: the API's `GET /{token}` redirects it to the public complaint view. */
export function customerLink(publicBaseUrl: string, linkToken: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/${linkToken}`;
}

export async function deliverNotification(
  deps: ServiceDeps,
  request: DeliveryRequest,
): Promise<DeliveryOutcome> {
  const { complaintId, notification } = request;
  const { key } = notification;
  const complaint = await getComplaint(deps, complaintId);
  const now = deps.clock.now();
  const decision = await deps.deliveries.begin(complaintId, key, now);
  if (decision === 'already-sent') return 'already-sent';
  if (decision === 'uncertain') {
    // An earlier attempt was cut off between sending and recording: the text may be out. Never twice.
    deps.log.warn('delivery interrupted mid-send earlier; not sending again', { complaintId, key });
    await deps.deliveries.markSkipped(complaintId, key, now, 'interrupted-mid-send');
    return 'uncertain';
  }
  // A pre-breach warning held back (staff calendar, retries) until its deadline had passed is not sent.
  const warnedOf = notification.data?.dueAt;
  if (
    notification.event === 'staff-warning' &&
    typeof warnedOf === 'string' &&
    isTooLateToWarn(warnedOf, now)
  ) {
    await deps.deliveries.markSkipped(complaintId, key, now, 'deadline-passed');
    return 'nothing-to-send';
  }
  const messages = composeMessages(complaint, notification, {
    publicBaseUrl: deps.publicBaseUrl,
    sentAt: now,
    ...(deps.smsSignature ? { smsSignature: deps.smsSignature } : {}),
    pushAvailable: deps.pushAvailable ?? true,
    ...(complaint.linkToken ? { link: customerLink(deps.publicBaseUrl, complaint.linkToken) } : {}),
  });
  const messageIds: string[] = [];
  for (const message of messages) {
    try {
      const { messageId } = await deps.sender.send(message, { complaintId, key, event: notification.event });
      messageIds.push(messageId);
    } catch (error) {
      if (error instanceof SmsOptedOut) {
        await recordOptOut(deps, complaintId, now);
        continue;
      }
      if (messageIds.length === 0) {
        // Nothing went out: record that a retry is safe, and let the workflow's Retry try again.
        await deps.deliveries.markAttemptFailed(
          complaintId,
          key,
          now,
          error instanceof Error ? error.name : 'Error',
        );
        throw error;
      }
      // The text went out and a second channel (push) failed: retrying would text twice, so stop here.
      deps.log.warn('secondary channel failed after the text was sent', {
        complaintId,
        key,
        channel: message.kind,
      });
    }
  }
  if (messageIds.length === 0) {
    await deps.deliveries.markSkipped(complaintId, key, now, messages.length ? 'opted-out' : 'no-channel');
    return 'nothing-to-send';
  }
  await deps.deliveries.markSent(complaintId, key, now, messageIds);
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
