// The complaint as the domain sees it (SPEC sections 3-4). Pure data: no AWS, no I/O.
import type { ChainedEvent } from './audit-trail.ts';
import type { Claim } from './claims.ts';

export const CHANNELS = ['hotline', 'web', 'app', 'wechat', 'email', 'counter', 'regulator'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = [
  'delay',
  'loss',
  'damage',
  'wrong-delivery',
  'attitude',
  'fees',
  'business-handling',
  'online-service',
  'facilities',
  'privacy',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** 投诉, 建议, 咨询: suggestions and enquiries take the short flow and stay out of complaint rates. */
export const COMPLAINT_TYPES = ['complaint', 'suggestion', 'enquiry'] as const;
export type ComplaintType = (typeof COMPLAINT_TYPES)[number];

export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = [
  'received',
  'investigating',
  'pending-customer',
  'awaiting-feedback',
  'review',
  'closed',
] as const;
export type Status = (typeof STATUSES)[number];
export type OpenStatus = Exclude<Status, 'closed'>;

export const CLOSE_REASONS = [
  'satisfied',
  'no-feedback',
  'customer-unresponsive',
  'reviewed',
  'withdrawn',
  'duplicate',
  /** Closed without a fix, the reason and next steps explained to the customer. */
  'unresolved',
  /** A suggestion or enquiry answered (the short flow: no rating). */
  'answered',
  /** Rated 3 (一般): closed, neutral, not counted as satisfied (SPEC section 8). */
  'neutral',
  /** Closed by staff without a more specific reason: never worded as the customer's own act. */
  'closed-by-staff',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CONTACT_CHANNELS = ['sms', 'push'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const ESCALATION_LEVELS = [0, 1, 2, 3] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
export const TOP_ESCALATION_LEVEL: EscalationLevel = 3;

/** The SLA clocks of SPEC section 5. */
export const CLOCK_NAMES = [
  'response',
  'handling',
  'resolution',
  'review',
  'pending',
  'feedback',
  'regulator',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];
/** The clocks the SLA policy budgets; the regulator clock runs to the regulator's own deadline. */
export const POLICY_CLOCK_NAMES = CLOCK_NAMES.filter(
  (name): name is Exclude<ClockName, 'regulator'> => name !== 'regulator',
);

export const CALENDAR_NAMES = ['24x7', 'cn-workdays'] as const;
export type CalendarName = (typeof CALENDAR_NAMES)[number];

/** ISO 8601 instant in UTC, e.g. 2026-10-01T08:00:00.000Z. */
export type Instant = string;

export interface Customer {
  name?: string;
  /** E.164, e.g. +8613812345678. Personal data: never logged, masked in responses. */
  phone: string;
  locale: Locale;
  pushEndpointArn?: string;
  channels: ContactChannel[];
  /** Set when the SMS provider reports the number opted out; texts are then not sent. */
  smsOptedOutAt?: Instant;
}

export interface Money {
  amount: number;
  currency: 'CNY';
}

export interface Classification {
  category: Category;
  /** 0..1; 1 when a person chose the category. */
  confidence: number;
  source: 'declared' | 'classifier' | 'agent';
}

/** One running (or finished) SLA clock. Deadlines are absolute; pausing moves them out. */
export interface ClockState {
  name: ClockName;
  calendar: CalendarName;
  /** The clock's budget as the policy states it, e.g. { hours: 24 } or { workingDays: 3 }. */
  budget: ClockBudget;
  startedAt: Instant;
  dueAt: Instant;
  /** When the clock was met (stage left in time) or stopped. */
  stoppedAt?: Instant;
  /** Set once when the deadline passed before the clock stopped. */
  breachedAt?: Instant;
  /** For a breached clock that has stopped: how long past its deadline it stopped (ms). */
  overrunMs?: number;
  /** When the pre-breach warning (staff clocks, 80%) or the customer reminder (pending clock, 50%) is due. */
  warnAt?: Instant;
  /** Set once when that warning or reminder went out. */
  warnedAt?: Instant;
  /** After a breach: when the next escalation level is due (grace of half the clock's budget). */
  graceUntil?: Instant;
  /** Re-alerts sent at the top escalation level for this clock. */
  realerts?: number;
}

export type ClockBudget = { hours: number } | { workingDays: number };

export interface StageState {
  /** The status this stage holds the complaint in. */
  name: Status;
  /** Increases on every stage entry (including re-entry after escalation or a restart): a fencing token. */
  seq: number;
  enteredAt: Instant;
  /** The callback token of the workflow task currently waiting on this stage (absent while none waits). */
  taskToken?: string;
  /** The next timer the workflow waits for in this stage. */
  timer?: StageTimer;
}

export const TIMER_KINDS = ['warning', 'breach', 'reminder', 'expiry', 'realert', 'dormant'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface StageTimer {
  kind: TimerKind;
  clock: ClockName;
  at: Instant;
}

export interface TimelineEvent {
  at: Instant;
  type: string;
  /** Who acted: a staff user, the agent a delegating system named, "customer", or the system itself. */
  actor: string;
  /** The upstream system that carried the request, when it acted for an agent or for the customer. */
  client?: string;
  from?: Status;
  to?: Status;
  data?: Record<string, unknown>;
}

export interface Feedback {
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  at: Instant;
}

export interface Resolution {
  text: string;
  at: Instant;
  by: string;
  compensation?: Money;
  suggestedCompensation?: Money;
}

/** Who caused the complaint (SPEC 8's responsibility split). */
export const RESPONSIBLE_PARTIES = [
  'outlet',
  'sorting-centre',
  'carrier-partner',
  'customer',
  'no-fault',
] as const;
export type ResponsibleParty = (typeof RESPONSIBLE_PARTIES)[number];

/** Responsibility established when the complaint is resolved. */
export interface Responsibility {
  party: ResponsibleParty;
  /** A code of the deployment's root-cause taxonomy (responsibility.ts), valid for the party. */
  rootCause: string;
  /** The staff member accountable, where known (an id, never a name). */
  accountableStaffId?: string;
  correctiveAction: string;
  at: Instant;
  by: string;
}

/**
 * Why a follow-up call (回访) was opened: no rating within the window, a rating of 1-2, or (where the
 * deployment follows neutral scores up, FOLLOW_UP_NEUTRAL_SCORE) a rating of 3.
 */
export type FollowUpReason = 'no-feedback' | 'low-score' | 'neutral-score';

/** The follow-up task (functions/domain/follow-up.ts): its own clock, owned by the responsible unit. */
export interface FollowUp {
  reason: FollowUpReason;
  /** The unit that calls back (organisation.ts alertAddress, level 0: the outlet, else its region, else HQ). */
  owner: string;
  openedAt: Instant;
  /** 3 working days after opening (cn-workdays). */
  dueAt: Instant;
  /** When the owner is warned (80% of the clock); absent on follow-ups opened before warnings existed. */
  warnAt?: Instant;
  outcome?: {
    reached: boolean;
    satisfied?: boolean;
    score?: 1 | 2 | 3 | 4 | 5;
    notes?: string;
    at: Instant;
    by: string;
    /** Recorded by dueAt. */
    onTime: boolean;
  };
}

export interface Breach {
  clock: ClockName;
  dueAt: Instant;
  at: Instant;
  level: EscalationLevel;
}

/** A message the complaint still owes someone; dispatched by the workflow, deduplicated by key. */
export interface PendingNotification {
  /** Unique per complaint and event, e.g. "status:investigating:3". Doubles as the dedupe key. */
  key: string;
  audience: 'customer' | 'staff';
  event: NotificationEvent;
  /** Staff alerts: which level's topic. */
  level?: EscalationLevel;
  createdAt: Instant;
  data?: Record<string, string | number>;
  /** Not to be sent before this instant: a deadline's warning or overdue alert (task-deadlines.ts). */
  notBefore?: Instant;
}

/** What customers are told about (SPEC section 6). */
export const CUSTOMER_EVENTS = [
  'received',
  'accepted',
  'escalated',
  'info-requested',
  'pending-reminder',
  'answered',
  'closed',
  /** A compensation claim was offered (money, resend or replacement), and when it was paid or fulfilled. */
  'claim-offered',
  'claim-paid',
  /** A mass incident (functions/domain/incidents.ts) explains the complaint: sent once per incident. */
  'incident-notice',
] as const;
export type CustomerEvent = (typeof CUSTOMER_EVENTS)[number];

/** What staff are alerted about, on the topic of an escalation level. */
export const STAFF_EVENTS = [
  'staff-new-urgent',
  'staff-warning',
  'staff-escalation',
  'staff-review-needed',
  'staff-failure',
  // The deadlines of tasks beside the lifecycle (task-deadlines.ts): the follow-up call, a claim's payment.
  'staff-follow-up-due',
  'staff-follow-up-overdue',
  'staff-payment-due',
  'staff-payment-overdue',
] as const;
export type StaffEvent = (typeof STAFF_EVENTS)[number];

export const NOTIFICATION_EVENTS = [...CUSTOMER_EVENTS, ...STAFF_EVENTS] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface Complaint {
  id: string;
  /** Short complaint number for texts and people, unique per deployment. */
  shortId: string;
  /** principalKey (functions/domain/permissions.ts) of who registered it: intake systems read only theirs. */
  registeredBy?: string;
  channel: Channel;
  /** 投诉 (the default), 建议 or 咨询. Stored complaints from before types read as 'complaint'. */
  type?: ComplaintType;
  category: Category;
  classification: Classification;
  priority: Priority;
  description: string;
  trackingNumber?: string;
  customer: Customer;
  /** Keyed hash (HMAC) of customer.phone: how a customer's complaints are found without the number. */
  phoneHash: string;
  /**
   * The customer's link token (functions/domain/link-token.ts), issued at registration: the credential of
   * the public view and rating link in texts. A secret: never in staff responses, never logged.
   */
  linkToken?: string;
  /** The responsible outlet and its region (organisation directory), given at intake or by `route`. */
  outletId?: string;
  regionId?: string;
  /** The unit leading the handling (an outlet or region id) and the units assisting it. */
  units?: { lead: string; assisting: string[] };
  /** Set by a `resolve` that establishes who was at fault. */
  responsibility?: Responsibility;
  /**
   * A transfer from the postal regulator (channel `regulator`, 12305): its reference, its own reply
   * deadline (the `regulator` clock) and our reply once sent. Counts as an appeal (申诉) in the numbers.
   */
  regulator?: { reference: string; replyDueAt: Instant; reply?: { text: string; at: Instant; by: string } };
  appeal?: boolean;
  /** The follow-up call (回访) after no rating or a low one, and its outcome. */
  followUp?: FollowUp;
  /** A close as unresolved: why, and the next steps the customer was told. */
  unresolved?: { reason: string; nextSteps: string };
  declaredValue?: number;
  postage?: number;
  insured?: boolean;
  externalRef?: string;
  receivedAt: Instant;
  createdAt: Instant;
  updatedAt: Instant;
  status: Status;
  closeReason?: CloseReason;
  escalationLevel: EscalationLevel;
  regulatoryRisk: boolean;
  owner?: string;
  firstResponder?: string;
  /** Earlier complaint this one repeats (same phone and tracking number or category within 30 days). */
  repeatOf?: string;
  clocks: Partial<Record<ClockName, ClockState>>;
  /** When the complaint entered pending-customer; cleared on customer-reply. */
  pausedAt?: Instant;
  totalPausedMs: number;
  firstResponseAt?: Instant;
  handlingStartedAt?: Instant;
  resolvedAt?: Instant;
  closedAt?: Instant;
  breaches: Breach[];
  stage: StageState;
  resolution?: Resolution;
  /** The compensation claim (functions/domain/claims.ts): the current offer and where it stands. */
  claim?: Claim;
  feedback?: Feedback;
  /**
   * Events appended since the complaint was read, in order. The store writes them to the audit trail
   * (functions/domain/audit-trail.ts) as their own items and hands back the complaint with this list empty:
   * the whole history is read page by page from the store, never carried in the complaint.
   */
  timeline: TimelineEvent[];
  /** How many events of each type the complaint has recorded (what the caps of limits.ts count). */
  eventCounts?: Partial<Record<string, number>>;
  /** Review cycles opened (a low score or a reopen), capped by limits.ts. */
  reviewCycles?: number;
  /**
   * The store's bookkeeping of the audit trail: its head (last sequence number and hash), and the events of
   * the last write, kept in the complaint until they are confirmed written as their own items.
   */
  chain?: { seq: number; hash: string; unflushed: ChainedEvent[] };
  /** Set when the customer's personal data was erased (PIPL); phone, name and free text are gone. */
  erasure?: { at: Instant; reference: string; by: string };
  outbox: PendingNotification[];
  /** Which execution drives the complaint: attempt 0 is named by the id, later ones `${id}--${attempt}`. */
  execution: ExecutionState;
  /** The mass incident (突发事件) the complaint is linked to, and when the incident resolved it. */
  incident?: { id: string; linkedAt: Instant; resolvedAt?: Instant };
  /** Set when its workflow kept failing and restarts stopped: an operator retries it after a fix. */
  needsOperator?: NeedsOperator;
  /** A signal committed for the workflow but not yet confirmed delivered (redelivered by the reconciler). */
  pendingSignal?: { taskToken: string; seq: number; at: Instant };
  /** Optimistic concurrency of the stored item: increases by one on every write, the workflow's included. */
  version: number;
  /**
   * What clients see as the complaint's version (and send back as expectedVersion): increases only when
   * something they can see changes (status, owner, timeline), not on the workflow's own bookkeeping.
   */
  revision: number;
  /** Set when the workflow recorded a failure it could not handle. */
  failure?: { at: Instant; error: string; cause?: string };
}

export interface ExecutionState {
  attempt: number;
  /** When this attempt started (attempt 0: the complaint's createdAt). */
  startedAt?: Instant;
  /** Executions of this complaint that failed, timed out or were stopped, counted while they come close together. */
  failures?: number;
  lastFailureAt?: Instant;
  /** A restart after a failure waits until this instant (exponential backoff). */
  resumeAt?: Instant;
}

export interface NeedsOperator {
  since: Instant;
  /** How the last execution ended, e.g. "FAILED: ComplaintWorkflowFailed" (codes only, never a cause text). */
  reason: string;
  failures: number;
}

/** The derived deadlines a client sees. */
export interface Deadlines {
  response?: Instant;
  resolution?: Instant;
  stage?: Instant;
}
