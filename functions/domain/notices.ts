// Appending to a complaint's timeline and to the notifications it owes. Pure.
import type {
  Complaint,
  EscalationLevel,
  NotificationEvent,
  PendingNotification,
  TimelineEvent,
} from './complaint.ts';

export function withEvent(c: Complaint, event: TimelineEvent): Complaint {
  return { ...c, timeline: [...c.timeline, event] };
}

export function withNotification(
  c: Complaint,
  n: {
    audience: PendingNotification['audience'];
    event: NotificationEvent;
    level?: EscalationLevel;
    data?: PendingNotification['data'];
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
  return { ...c, outbox: [...c.outbox, pending] };
}
