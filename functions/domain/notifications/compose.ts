// Turns one pending notification into the messages to send (SPEC section 6). Pure: the complaint as it is
// at send time plus the notification's own data; the sender delivers what this returns.
//
// Data a producer may put into PendingNotification.data (each falls back to the complaint):
//   dueAt   ISO instant: the deadline the message states (answer, reply or staff deadline); also read
//           as promisedBy (received) and expiresAt (pending-reminder), the names their producers use
//   clock   ClockName: staff-warning / staff-escalation, the clock concerned
//   amount  number: answered, the compensation offered (CNY); also read as compensation
//   reason  CloseReason: closed
//   remedy, kind  claim-offered / claim-paid: money, resend or replacement; damages (赔偿) or goodwill (补偿)
//   realert n: staff-escalation at the top level, the n-th reminder (worded as such)
//   level   0..3: escalated, the level reached (n.level wins)
//   score   1..5: staff-review-needed
//   error   string: staff-failure, an error code (never a cause text: it may hold personal data)
//   nextEscalationAt  ISO instant: staff-escalation, when the next level is alerted
//   cause   IncidentCause: incident-notice, the incident's cause (its kind, never the staff's summary)
import {
  CLOCK_NAMES,
  CLOSE_REASONS,
  ESCALATION_LEVELS,
  type ClockName,
  type CloseReason,
  type Complaint,
  type EscalationLevel,
  type Instant,
  type Locale,
  type PendingNotification,
} from '../complaint.ts';
import type { OutboundMessage, OutboundTopic } from '../ports.ts';
import { alertAddress } from '../organisation.ts';
import { compensationKind, type CompensationKind } from '../compensation.ts';
import type { Remedy } from '../claims.ts';
import { INCIDENT_CAUSES } from '../incidents.ts';
import { NotificationDataMissing } from './errors.ts';
import { compactShortNumber } from './short-id.ts';
import {
  CATEGORY_TEXT,
  CLOCK_TEXT,
  CLOSE_REASON_TEXT,
  CUSTOMER_EVENTS,
  CUSTOMER_LEVEL_TEXT,
  CUSTOMER_TEMPLATES,
  INCIDENT_CAUSE_TEXT,
  PRIORITY_TEXT,
  STAFF_EVENTS,
  STAFF_LEVEL_TEXT,
  STAFF_REALERT_SUBJECT,
  STAFF_REALERT_TEMPLATES,
  STAFF_SUBJECTS,
  STAFF_TEMPLATES,
  STATUS_TEXT,
  fitsOneSegment,
  formatAmount,
  formatShanghaiTime,
  render,
  smsText,
  templateVariables,
  type CustomerEvent,
  type CustomerTemplateName,
  type StaffEvent,
} from './templates.ts';

export interface ComposeOptions {
  /** PUBLIC_BASE_URL, without a trailing slash. */
  publicBaseUrl: string;
  /** The customer link (e.g. a tokenised short link); defaults to `${publicBaseUrl}/${compact short number}`. */
  link?: string;
  /** Language of staff alert bodies (subjects are always ASCII English). Default zh-CN. */
  staffLocale?: Locale;
  /** When the message goes out (default: when it was produced): a promised time already past is not stated. */
  sentAt?: Date;
  /** The operator's registered SMS signature (SMS_SIGNATURE); default DEFAULT_SMS_SIGNATURE. */
  smsSignature?: string;
  /**
   * false: the deployment has no mobile push (Amazon SNS has none in the China regions), so a customer who
   * chose push gets the text by SMS instead. Default true.
   */
  pushAvailable?: boolean;
}

type Vars = Record<string, string>;
type Wording = { title: string; body: string };

export function composeMessages(
  complaint: Complaint,
  n: PendingNotification,
  options: ComposeOptions,
): OutboundMessage[] {
  if (n.audience === 'staff') return [composeStaffAlert(complaint, n, options)];
  return composeCustomerMessages(complaint, n, options);
}

function composeCustomerMessages(
  complaint: Complaint,
  n: PendingNotification,
  options: ComposeOptions,
): OutboundMessage[] {
  const event = asCustomerEvent(n.event);
  const { customer } = complaint;
  const locale = customer.locale;
  const sentAt = options.sentAt ?? new Date(n.createdAt);
  const { names, vars } = customerContent(event, complaint, n, {
    locale,
    link: customerLink(complaint, options),
    sentAt,
  });
  const wordings = names.map((name): Wording => {
    const template = CUSTOMER_TEMPLATES[locale][name];
    return { title: template.title, body: render(template.body, vars) };
  });
  const messages: OutboundMessage[] = [];
  const pushAvailable = options.pushAvailable ?? true;
  // Without push in the deployment, a customer who chose push is texted instead.
  const wantsSms =
    customer.channels.includes('sms') || (!pushAvailable && customer.channels.includes('push'));
  if (wantsSms && !customer.smsOptedOutAt) {
    const chosen = smsWording(locale, wordings, options.smsSignature);
    const name = names[chosen]!;
    const params = Object.fromEntries(
      templateVariables(CUSTOMER_TEMPLATES[locale][name].body).map((variable) => [variable, vars[variable]!]),
    );
    messages.push({
      kind: 'sms',
      phone: customer.phone,
      message: smsText(locale, wordings[chosen]!.body, options.smsSignature),
      template: { name, locale, params },
    });
  }
  if (pushAvailable && customer.channels.includes('push') && customer.pushEndpointArn) {
    // Push has no segments: always the richest wording.
    const { title, body } = wordings[0]!;
    messages.push({ kind: 'push', targetArn: customer.pushEndpointArn, title, message: body });
  }
  return messages;
}

/** The richest wording whose SMS fits one segment; the last (link-free, proven to fit) otherwise. */
function smsWording(locale: Locale, wordings: readonly Wording[], signature?: string): number {
  const fits = wordings.findIndex((w) => fitsOneSegment(smsText(locale, w.body, signature)));
  return fits === -1 ? wordings.length - 1 : fits;
}

function composeStaffAlert(
  complaint: Complaint,
  n: PendingNotification,
  options: ComposeOptions,
): OutboundTopic {
  const event = asStaffEvent(n.event);
  const locale = options.staffLocale ?? 'zh-CN';
  const level = n.level ?? complaint.escalationLevel;
  const vars = staffVariables(event, complaint, n, locale, level, options.publicBaseUrl);
  // A top-level re-alert reminds of an escalation already made: 第n次提醒, not a new escalation.
  const reminderNo = event === 'staff-escalation' ? Number(n.data?.realert ?? 0) : 0;
  if (reminderNo > 0) {
    const reminderVars = { ...vars, reminderNo: String(reminderNo) };
    return {
      kind: 'topic',
      level,
      unit: alertAddress(complaint, level),
      subject: render(STAFF_REALERT_SUBJECT, reminderVars),
      message: render(STAFF_REALERT_TEMPLATES[locale].body, reminderVars),
    };
  }
  return {
    kind: 'topic',
    level,
    unit: alertAddress(complaint, level),
    subject: render(STAFF_SUBJECTS[event], vars),
    message: render(STAFF_TEMPLATES[locale][event].body, vars),
  };
}

function customerLink(complaint: Complaint, options: ComposeOptions): string {
  if (options.link) return options.link;
  return `${options.publicBaseUrl.replace(/\/+$/, '')}/${compactShortNumber(complaint.shortId)}`;
}

/** The wordings to choose from, richest first, and the variables they use. */
function customerContent(
  event: CustomerEvent,
  complaint: Complaint,
  n: PendingNotification,
  { locale, link, sentAt }: { locale: Locale; link: string; sentAt: Date },
): { names: CustomerTemplateName[]; vars: Vars } {
  const shortId = complaint.shortId;
  const time = (at: Instant): string => formatShanghaiTime(at, locale);
  switch (event) {
    case 'received':
    case 'accepted': {
      const answerBy = deadline(event, complaint, n, 'resolution');
      // Never promise a time that has already passed.
      if (Date.parse(answerBy) <= sentAt.getTime()) return { names: [`${event}-overdue`], vars: { shortId } };
      return { names: [event], vars: { shortId, answerBy: time(answerBy) } };
    }
    case 'escalated': {
      const level = n.level ?? levelOf(n.data?.level) ?? complaint.escalationLevel;
      return { names: [event], vars: { shortId, level: CUSTOMER_LEVEL_TEXT[locale][level] } };
    }
    case 'info-requested':
      return {
        names: [event, 'info-requested-no-link'],
        vars: { shortId, link, replyBy: time(deadline(event, complaint, n, 'pending')) },
      };
    case 'pending-reminder':
      return { names: [event], vars: { shortId, replyBy: time(deadline(event, complaint, n, 'pending')) } };
    case 'answered': {
      const amount = compensationOf(complaint, n);
      const plain: CustomerTemplateName[] = ['answered', 'answered-no-link'];
      if (amount === undefined) return { names: plain, vars: { shortId, link } };
      // 赔偿 for loss and damage, 补偿 (a goodwill payment) for anything else.
      const offered: CustomerTemplateName[] =
        compensationKind(complaint.category) === 'damages'
          ? ['answered-compensated', 'answered-compensated-no-link']
          : ['answered-goodwill', 'answered-goodwill-no-link'];
      return { names: [...offered, ...plain], vars: { shortId, link, amount: formatAmount(amount) } };
    }
    case 'incident-notice': {
      const cause = INCIDENT_CAUSES.find((kind) => kind === n.data?.cause) ?? 'other';
      return { names: [event], vars: { shortId, cause: INCIDENT_CAUSE_TEXT[locale][cause] } };
    }
    case 'closed': {
      const reason = closeReasonOf(n.data?.reason) ?? complaint.closeReason;
      if (!reason) throw new NotificationDataMissing(event, 'a close reason');
      // Thanks only for a rating the customer actually gave.
      if (reason === 'satisfied' || reason === 'neutral')
        return { names: ['closed-rated'], vars: { shortId } };
      return { names: [event], vars: { shortId, reason: CLOSE_REASON_TEXT[locale][reason] } };
    }
    case 'claim-offered':
    case 'claim-paid':
      return claimContent(event, complaint, n, shortId);
  }
}

/** The claim's texts: which remedy, and for money which word (赔偿 or 补偿) and how much. */
function claimContent(
  event: 'claim-offered' | 'claim-paid',
  complaint: Complaint,
  n: PendingNotification,
  shortId: string,
): { names: CustomerTemplateName[]; vars: Vars } {
  const claim = complaint.claim;
  const remedy = stringOf(n.data?.remedy) ?? claim?.remedy;
  if (remedy === 'resend' || remedy === 'replacement') {
    return {
      names: [event === 'claim-offered' ? `claim-offered-${remedy}` : 'claim-paid-goods'],
      vars: { shortId },
    };
  }
  const stated = n.data?.amount ?? n.data?.compensation;
  const amount = typeof stated === 'number' ? stated : claim?.amount?.amount;
  if (remedy !== 'money' || amount === undefined)
    throw new NotificationDataMissing(event, 'the claim offered');
  const kind: CompensationKind =
    n.data?.kind === 'goodwill' || n.data?.kind === 'damages'
      ? n.data.kind
      : (claim?.kind ?? compensationKind(complaint.category));
  const name: CustomerTemplateName = kind === 'damages' ? event : `${event}-goodwill`;
  return { names: [name], vars: { shortId, amount: formatAmount(amount) } };
}

/** The offered compensation, when there is one. */
function compensationOf(complaint: Complaint, n: PendingNotification): number | undefined {
  const stated = n.data?.amount ?? n.data?.compensation;
  const amount = typeof stated === 'number' ? stated : complaint.resolution?.compensation?.amount;
  return amount !== undefined && amount > 0 ? amount : undefined;
}

function staffVariables(
  event: StaffEvent,
  complaint: Complaint,
  n: PendingNotification,
  locale: Locale,
  level: EscalationLevel,
  publicBaseUrl: string,
): Vars {
  const none = locale === 'en' ? 'none' : '无';
  const time = (at: Instant | undefined): string => (at ? formatShanghaiTime(at, locale) : none);
  const common: Vars = {
    shortId: complaint.shortId,
    levelNo: String(level),
    categoryCode: complaint.category,
    category: CATEGORY_TEXT[locale][complaint.category],
    priority: PRIORITY_TEXT[locale][complaint.priority],
    level: STAFF_LEVEL_TEXT[locale][level],
    status: STATUS_TEXT[locale][complaint.status],
    link: `${publicBaseUrl.replace(/\/+$/, '')}/v1/complaints/${encodeURIComponent(complaint.id)}`,
  };
  switch (event) {
    case 'staff-new-urgent':
      return { ...common, deadline: time(stringOf(n.data?.dueAt) ?? complaint.clocks.response?.dueAt) };
    case 'staff-warning':
    case 'staff-escalation': {
      const fallback =
        event === 'staff-warning' ? complaint.stage.timer?.clock : complaint.breaches.at(-1)?.clock;
      const clock = clockOf(n.data?.clock) ?? fallback;
      if (!clock) throw new NotificationDataMissing(event, 'the clock concerned');
      return {
        ...common,
        clockCode: clock,
        clock: CLOCK_TEXT[locale][clock],
        deadline: time(stringOf(n.data?.dueAt) ?? complaint.clocks[clock]?.dueAt),
        nextEscalation: time(stringOf(n.data?.nextEscalationAt) ?? complaint.clocks[clock]?.graceUntil),
      };
    }
    case 'staff-review-needed':
      return {
        ...common,
        score: String(n.data?.score ?? complaint.feedback?.score ?? none),
        deadline: time(stringOf(n.data?.dueAt) ?? complaint.clocks.review?.dueAt),
      };
    case 'staff-failure':
      return {
        ...common,
        error: stringOf(n.data?.error) ?? complaint.failure?.error ?? none,
        at: time(complaint.failure?.at ?? n.createdAt),
      };
    case 'staff-follow-up-due':
    case 'staff-follow-up-overdue':
      return { ...common, deadline: time(stringOf(n.data?.dueAt) ?? complaint.followUp?.dueAt) };
    case 'staff-payment-due':
    case 'staff-payment-overdue':
      return {
        ...common,
        remedy: PAYMENT_REMEDY_TEXT[locale][complaint.claim?.remedy ?? 'money'],
        deadline: time(stringOf(n.data?.dueAt) ?? complaint.claim?.payBy),
      };
  }
}

/** What the payment alerts call the remedy the customer accepted. */
const PAYMENT_REMEDY_TEXT: Readonly<Record<Locale, Readonly<Record<Remedy, string>>>> = {
  'zh-CN': { money: '赔付款项', resend: '补寄', replacement: '更换' },
  en: { money: 'payment', resend: 'resending', replacement: 'replacement' },
};

function deadline(event: string, complaint: Complaint, n: PendingNotification, clock: ClockName): Instant {
  const stated = n.data?.dueAt ?? n.data?.promisedBy ?? n.data?.expiresAt;
  const due = stringOf(stated) ?? complaint.clocks[clock]?.dueAt;
  if (!due) throw new NotificationDataMissing(event, `the ${clock} deadline`);
  return due;
}

function asCustomerEvent(event: string): CustomerEvent {
  const found = CUSTOMER_EVENTS.find((e) => e === event);
  if (!found) throw new RangeError(`'${event}' is not a customer notification`);
  return found;
}

function asStaffEvent(event: string): StaffEvent {
  const found = STAFF_EVENTS.find((e) => e === event);
  if (!found) throw new RangeError(`'${event}' is not a staff notification`);
  return found;
}

function stringOf(value: string | number | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function clockOf(value: string | number | undefined): ClockName | undefined {
  return CLOCK_NAMES.find((c) => c === value);
}

function closeReasonOf(value: string | number | undefined): CloseReason | undefined {
  return CLOSE_REASONS.find((r) => r === value);
}

function levelOf(value: string | number | undefined): EscalationLevel | undefined {
  return ESCALATION_LEVELS.find((l) => l === Number(value));
}
