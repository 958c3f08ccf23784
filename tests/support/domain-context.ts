// The pure domain under a controllable clock: a ClockContext with the real calendars and the default SLA
// policy, plus a few drivers that move a complaint through the real lifecycle (no hand-built states).
import { createCalendars } from '#domain/calendars';
import type { ClockContext } from '#domain/clocks';
import type { ComplaintAction, FeedbackInput, NewComplaintInput } from '#domain/commands';
import type { Complaint, Status } from '#domain/complaint';
import { applyAction, applyFeedback } from '#domain/lifecycle';
import { classificationOf, registerComplaint, type RegistrationFacts } from '#domain/registration';
import { DEFAULT_SLA_POLICY, type CalendarSet, type SlaPolicy } from '#domain/sla';
import { fireStageTimer, type TimerOutcome } from '#domain/timers';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** An Asia/Shanghai wall-clock time, e.g. shanghai('2026-09-30T17:30'). */
export const shanghai = (local: string): Date => new Date(`${local}:00+08:00`);

// Built once: the cn-workdays holiday table is computed when the calendar is created.
const calendars = createCalendars();

export interface DomainContext {
  readonly calendars: CalendarSet;
  readonly policy: SlaPolicy;
  now(): Date;
  /** The context the domain functions take, at the current `now`. */
  ctx(): ClockContext;
  setNow(at: Date | string): void;
  advance(ms: number): void;
}

export function domainContext(start: Date | string, policy: SlaPolicy = DEFAULT_SLA_POLICY): DomainContext {
  let now = new Date(start);
  return {
    calendars,
    policy,
    now: () => new Date(now),
    ctx: () => ({ now: new Date(now), policy, calendars }),
    setNow: (at) => {
      now = new Date(at);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export function newComplaintInput(overrides: Partial<NewComplaintInput> = {}): NewComplaintInput {
  return {
    channel: 'hotline',
    description: '快递已经延误五天还没到',
    category: 'delay',
    customer: { phone: '+8613812345678', name: '张三' },
    trackingNumber: 'EMS1234567890CN',
    declaredValue: 200,
    postage: 12,
    ...overrides,
  };
}

export function register(
  dc: DomainContext,
  overrides: Partial<NewComplaintInput> = {},
  facts: Partial<RegistrationFacts> = {},
): Complaint {
  const input = newComplaintInput(overrides);
  return registerComplaint(
    input,
    {
      id: '01JTESTCOMPLAINT0000000000',
      shortId: '00000000',
      phoneHash: 'hash',
      registeredBy: 'client:hotline',
      registrar: { actor: 'hotline' },
      ...facts,
    },
    classificationOf(input),
    dc.ctx(),
  );
}

/** What the use case does after the domain changed a complaint: store it as the next version. */
export function persisted(read: Complaint, next: Complaint): Complaint {
  return { ...next, version: read.version + 1 };
}

export function act(dc: DomainContext, c: Complaint, action: ComplaintAction): Complaint {
  return persisted(c, applyAction(c, action, dc.ctx()));
}

export function rate(dc: DomainContext, c: Complaint, feedback: FeedbackInput): Complaint {
  return persisted(c, applyFeedback(c, feedback, { via: 'link' }, dc.ctx()));
}

/** Moves `now` to the stage timer's instant and fires it, as the workflow's callback timeout would. */
export function fireDue(dc: DomainContext, c: Complaint): { complaint: Complaint; outcome: TimerOutcome } {
  if (!c.stage.timer) throw new Error(`complaint in '${c.status}' has no stage timer`);
  dc.setNow(c.stage.timer.at);
  const fired = fireStageTimer(c, c.stage.seq, dc.ctx());
  return { complaint: persisted(c, fired.complaint), outcome: fired.outcome };
}

/** The actions that take a fresh complaint to `status` through the real lifecycle, a few minutes apart. */
const PATH_TO: Readonly<Record<Status, readonly ('feedback-5' | ComplaintAction)[]>> = {
  received: [],
  investigating: [{ action: 'accept', actor: 'agent-1' }],
  'pending-customer': [
    { action: 'accept', actor: 'agent-1' },
    { action: 'request-info', actor: 'agent-1', message: '请提供面单照片' },
  ],
  'awaiting-feedback': [
    { action: 'accept', actor: 'agent-1' },
    { action: 'resolve', actor: 'agent-1', resolution: '已联系网点补派' },
  ],
  review: [
    { action: 'accept', actor: 'agent-1' },
    { action: 'resolve', actor: 'agent-1', resolution: '已联系网点补派' },
    { action: 'reopen', actor: 'supervisor-1', reason: '客户来电不满意' },
  ],
  closed: [
    { action: 'accept', actor: 'agent-1' },
    { action: 'resolve', actor: 'agent-1', resolution: '已联系网点补派' },
    'feedback-5',
  ],
};

export function complaintIn(
  status: Status,
  dc: DomainContext,
  overrides: Partial<NewComplaintInput> = {},
): Complaint {
  let c = register(dc, overrides);
  for (const step of PATH_TO[status]) {
    dc.advance(10 * MINUTE_MS);
    c = step === 'feedback-5' ? rate(dc, c, { score: 5 }) : act(dc, c, step);
  }
  return c;
}
