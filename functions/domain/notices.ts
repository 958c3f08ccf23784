// Appending to a complaint's timeline and to the notifications it owes. Pure.
import type {
  Complaint,
  EscalationLevel,
  NotificationEvent,
  PendingNotification,
  TimelineEvent,
} from './complaint.ts';

/**
 * Appends an event to the complaint's timeline and counts it by type (what the per-complaint caps of
 * limits.ts read, since a stored complaint does not carry its history: the store keeps each event as its
 * own item in the audit trail, and `timeline` holds only the events not yet stored).
 */
export function withEvent(c: Complaint, event: TimelineEvent): Complaint {
  const eventCounts = { ...c.eventCounts, [event.type]: (c.eventCounts?.[event.type] ?? 0) + 1 };
  return { ...c, timeline: [...c.timeline, event], eventCounts };
}

export function withNotification(
  c: Complaint,
  n: {
    audience: PendingNotification['audience'];
    event: NotificationEvent;
    level?: EscalationLevel;
    data?: PendingNotification['data'];
    notBefore?: PendingNotification['notBefore'];
  },
  now: Date,
): Complaint {
  // Keys are unique per complaint: the version this write will store, plus a counter for repeats.
  const base = `${n.event}.${c.version + 1}`;
  const taken = new Set(c.outbox.map((p) => p.key));
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}-${i}`;
  const pending: PendingNotification = {
    key,
    audience: n.audience,
    event: n.event,
    createdAt: now.toISOString(),
  };
  if (n.level !== undefined) pending.level = n.level;
  if (n.data) pending.data = n.data;
  if (n.notBefore !== undefined) pending.notBefore = n.notBefore;
  return { ...c, outbox: [...c.outbox, pending] };
}
