// The complaint as its customer sees it through the link in a text: status, what happens next, the
// deadline, the answer and a timeline, all in plain words. Pure. Only customer-facing facts go in:
// never notes, actors, staff names, levels by number, the description or any contact data.
import { CLOSE_REASONS, ESCALATION_LEVELS } from './complaint.ts';
import type {
  CloseReason,
  Complaint,
  EscalationLevel,
  Instant,
  Locale,
  Money,
  Status,
  TimelineEvent,
} from './complaint.ts';
import {
  CUSTOMER_EVENT_TEXT,
  CUSTOMER_STATUS_TEXT,
  NEXT_STEP_TEXT,
  type CustomerEventWording,
} from './customer-view-texts.ts';
import {
  CATEGORY_TEXT,
  CLOSE_REASON_TEXT,
  CUSTOMER_LEVEL_TEXT,
  formatAmount,
  formatShanghaiTime,
  render,
} from './notifications/templates.ts';

export interface CustomerTimelineEntry {
  at: Instant;
  text: string;
}

export interface CustomerView {
  complaintNumber: string;
  locale: Locale;
  about: string;
  status: Status;
  statusText: string;
  nextStep: string;
  /** The next date that matters to the customer; absent once closed or past. */
  deadline?: Instant;
  answer?: { text: string; at: Instant; compensation?: Money };
  canRate: boolean;
  rating?: { score: number; at: Instant };
  /** While the complaint waits for the customer: what staff asked for (the latest request). */
  infoRequest?: { text: string; at: Instant };
  timeline: CustomerTimelineEntry[];
}

/** The clock whose deadline the customer is told, per status (closed: none). */
const CUSTOMER_DEADLINE_CLOCK = {
  received: 'resolution',
  investigating: 'resolution',
  'pending-customer': 'pending',
  'awaiting-feedback': 'feedback',
  review: 'review',
  closed: undefined,
} as const satisfies Record<Status, string | undefined>;

export function customerView(c: Complaint, locale: Locale, now: Date): CustomerView {
  const deadline = upcomingDeadline(c, now);
  const view: CustomerView = {
    complaintNumber: c.shortId,
    locale,
    about: CATEGORY_TEXT[locale][c.category],
    status: c.status,
    statusText: CUSTOMER_STATUS_TEXT[locale][c.status],
    nextStep: nextStep(c, locale, deadline),
    canRate: c.status === 'awaiting-feedback',
    timeline: c.timeline.flatMap((event) => {
      const text = eventText(event, locale);
      return text === undefined ? [] : [{ at: event.at, text }];
    }),
  };
  if (deadline) view.deadline = deadline;
  if (c.resolution) {
    const { text, at, compensation } = c.resolution;
    view.answer = { text, at, ...(compensation && compensation.amount > 0 ? { compensation } : {}) };
  }
  if (c.feedback) view.rating = { score: c.feedback.score, at: c.feedback.at };
  const request =
    c.status === 'pending-customer' ? c.timeline.findLast((e) => e.type === 'info-requested') : undefined;
  if (typeof request?.data?.message === 'string')
    view.infoRequest = { text: request.data.message, at: request.at };
  return view;
}

function upcomingDeadline(c: Complaint, now: Date): Instant | undefined {
  const clockName = CUSTOMER_DEADLINE_CLOCK[c.status];
  const dueAt = clockName === undefined ? undefined : c.clocks[clockName]?.dueAt;
  return dueAt !== undefined && Date.parse(dueAt) > now.getTime() ? dueAt : undefined;
}

function nextStep(c: Complaint, locale: Locale, deadline: Instant | undefined): string {
  const wording = NEXT_STEP_TEXT[locale][c.status];
  return render(deadline ? wording.due : wording.open, {
    ...(deadline ? { deadline: formatShanghaiTime(deadline, locale) } : {}),
    ...(c.status === 'closed' ? { reason: closeReasonText(c.closeReason, locale) } : {}),
  });
}

function closeReasonText(reason: CloseReason | undefined, locale: Locale): string {
  return reason ? CLOSE_REASON_TEXT[locale][reason] : CUSTOMER_STATUS_TEXT[locale].closed;
}

/** The event in the customer's words, or undefined for an event that is none of the customer's business. */
export function eventText(event: TimelineEvent, locale: Locale): string | undefined {
  const words = (wording: CustomerEventWording, vars: Record<string, string> = {}) =>
    render(CUSTOMER_EVENT_TEXT[locale][wording], vars);
  const data = event.data ?? {};
  switch (event.type) {
    case 'registered':
    case 'accepted':
    case 'customer-replied':
    case 'reopened':
      return words(event.type);
    case 'info-requested':
      return typeof data.message === 'string'
        ? words('info-requested', { message: data.message })
        : undefined;
    case 'escalated': {
      const level = escalationLevelOf(data.toLevel);
      return level ? words('escalated', { level: CUSTOMER_LEVEL_TEXT[locale][level] }) : undefined;
    }
    case 'resolved': {
      const amount = compensationAmount(data.compensation);
      return amount === undefined
        ? words('resolved')
        : words('resolved-compensated', { amount: formatAmount(amount) });
    }
    case 'feedback': {
      const score = SCORES.find((s) => s === data.score);
      if (score === undefined) return undefined;
      return words(event.to === 'review' ? 'rated-review' : 'rated', { score: String(score) });
    }
    case 'closed': {
      const reason = CLOSE_REASONS.find((r) => r === data.reason);
      return words('closed', { reason: closeReasonText(reason, locale) });
    }
    case 'claim-offered': {
      // The amount a resolve offered is already in the answer's own entry.
      if (data.via === 'resolve') return undefined;
      if (data.remedy === 'resend' || data.remedy === 'replacement')
        return words(`claim-offered-${data.remedy}`);
      const amount = compensationAmount(data.amount);
      if (amount === undefined) return undefined;
      const wording = data.kind === 'goodwill' ? 'claim-offered-goodwill' : 'claim-offered-damages';
      return words(wording, { amount: formatAmount(amount) });
    }
    case 'claim-accepted':
    case 'claim-declined':
      return words(event.type);
    case 'claim-paid': {
      const amount = compensationAmount(data.amount);
      return amount === undefined
        ? words('claim-paid-goods')
        : words('claim-paid-money', { amount: formatAmount(amount) });
    }
    default:
      return undefined;
  }
}

const SCORES = [1, 2, 3, 4, 5] as const;

function escalationLevelOf(value: unknown): Exclude<EscalationLevel, 0> | undefined {
  const level = ESCALATION_LEVELS.find((l) => l === value);
  return level === undefined || level === 0 ? undefined : level;
}

function compensationAmount(value: unknown): number | undefined {
  const amount = (value as Partial<Money> | null | undefined)?.amount;
  return typeof amount === 'number' && amount > 0 ? amount : undefined;
}
