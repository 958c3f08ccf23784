// The send step of a notification's delivery execution: compose the messages from the complaint as it is
// now and send them once. A retried step finds the delivery already recorded and sends nothing.
import type { Complaint } from '#domain/complaint';
import { composeMessages } from '#domain/notifications/compose';
import { SendRejected, SendThrottled, SmsOptedOut } from '#domain/notifications/errors';
import { withEvent } from '#domain/notices';
import { isTooLateToWarn } from '#domain/timers';
import { taskAlertStatus } from '#domain/task-deadlines';
import { customerSendAt, releaseKeyOf } from '#domain/notifications/quiet-hours';
import type { DeliveryAttention, DeliveryAttentionState, DeliveryRequest } from '#domain/ports';
import { requirePermission } from './access.ts';
import type { Principal } from '#domain/permissions';
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
    // Listed for an operator, who may re-send it after checking with the customer.
    deps.log.warn('delivery interrupted mid-send earlier; not sending again', { complaintId, key });
    await deps.deliveries.markUncertain(complaintId, key, now);
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
  // A task's deadline alert (follow-up call, claim payment) goes out only while its task is still open,
  // and its warning only before the deadline (task-deadlines.ts).
  const task = taskAlertStatus(complaint, notification, now);
  if (task !== 'send') {
    await deps.deliveries.markSkipped(
      complaintId,
      key,
      now,
      task === 'too-late' ? 'deadline-passed' : 'task-done',
    );
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
        // Nothing went out: record that a retry is safe, and let the workflow's Retry try again (after a
        // long backoff for SendThrottled; never for SendRejected, which the workflow dead-letters).
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

/** Errors the delivery workflow treats apart: a throttled send waits long, a rejected one never retries. */
export const isThrottled = (error: unknown): error is SendThrottled => error instanceof SendThrottled;
export const isRejected = (error: unknown): error is SendRejected => error instanceof SendRejected;

/**
 * The delivery workflow gave up on a message (its DeadLetter path): the delivery is recorded as
 * dead-lettered, or uncertain when the last attempt was cut off mid-send, and listed for an operator.
 */
export async function recordUndelivered(
  deps: ServiceDeps,
  request: DeliveryRequest & { error: { Error?: string | undefined } },
): Promise<void> {
  const { complaintId, notification } = request;
  const error = request.error.Error ?? 'Unknown';
  deps.log.warn('message undelivered: listed for an operator', {
    complaintId,
    key: notification.key,
    error,
  });
  await deps.deliveries.markDeadLettered(complaintId, notification.key, deps.clock.now(), error);
}

/** Deliveries waiting for an operator (supervisor, admin): `GET /v1/deliveries`. */
export async function listUndelivered(
  deps: ServiceDeps,
  caller: Principal,
  query: { state?: DeliveryAttentionState; limit: number; cursor?: string },
): Promise<{ items: DeliveryAttention[]; nextCursor: string | null }> {
  requirePermission(caller, 'deliveries');
  const page = await deps.deliveries.attention(query);
  return { items: page.items, nextCursor: page.cursor ?? null };
}

/**
 * An operator re-sends a listed delivery, once: the conditional write in the delivery log lets one re-send
 * through, a second (or a concurrent one) gets DeliveryNotResendable (409). The re-send is a fresh
 * delivery execution, sent at once (quiet hours apply as to any text: it waits until morning).
 */
export async function resendDelivery(
  deps: ServiceDeps,
  caller: Principal,
  complaintId: string,
  key: string,
): Promise<{ complaintId: string; key: string; redrive: number; sendAt: string }> {
  requirePermission(caller, 'deliveries');
  await getComplaint(deps, complaintId);
  const now = deps.clock.now();
  const sendAt = {
    customer: customerSendAt(now, {
      quietHours: deps.quietHours,
      releaseKey: releaseKeyOf(complaintId, key),
    }),
    staff: now,
  };
  const delivery = await deps.deliveries.redrive(
    complaintId,
    key,
    now,
    `${caller.kind}:${caller.id}`,
    sendAt,
  );
  const redrive = delivery.redrive ?? 1;
  await deps.dispatcher.dispatch(complaintId, delivery.notification, delivery.sendAt, redrive);
  return { complaintId, key, redrive, sendAt: delivery.sendAt.toISOString() };
}
