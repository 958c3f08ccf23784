// Message templates (SPEC section 6) with named {variables}, and the helpers that fill them.
// Customer texts must fit one SMS segment with worst-case values (tests/domain/notifications prove it):
// Chinese 70 UCS-2 units including the signature, English 160 GSM-7 septets. No variable carries a
// phone number, a name or an address: the complaint's personal data never reaches a template.
import type {
  Category,
  ClockName,
  CloseReason,
  EscalationLevel,
  Locale,
  Priority,
  Status,
} from '../complaint.ts';
import { InvalidConfiguration } from '../policy.ts';
import type { IncidentCause } from '../incidents.ts';
import { TemplateVariableMissing } from './errors.ts';

export { fitsOneSegment, smsSegments } from './sms-segments.ts';

import { CUSTOMER_EVENTS, STAFF_EVENTS, type CustomerEvent, type StaffEvent } from '../complaint.ts';

export { CUSTOMER_EVENTS, STAFF_EVENTS, type CustomerEvent, type StaffEvent };

/**
 * 'answered' has a wording for when compensation is offered; the wordings with a link have a link-free
 * twin that an SMS falls back to when the deployment's link is too long for one segment; 'received' and
 * 'accepted' have a wording without a time for when the answer time has already passed (a complaint
 * registered long after it was made, e.g. transferred late from 12305, or a text held back overnight).
 */
export const CUSTOMER_TEMPLATE_NAMES = [
  ...CUSTOMER_EVENTS,
  'answered-compensated',
  'info-requested-no-link',
  'answered-no-link',
  'answered-compensated-no-link',
  'received-overdue',
  'accepted-overdue',
  'answered-goodwill',
  'answered-goodwill-no-link',
  'closed-rated',
  'claim-offered-goodwill',
  'claim-offered-resend',
  'claim-offered-replacement',
  'claim-paid-goodwill',
  'claim-paid-goods',
] as const;
export type CustomerTemplateName = (typeof CUSTOMER_TEMPLATE_NAMES)[number];

export interface CustomerTemplate {
  /** Push notification title. */
  readonly title: string;
  /** SMS (after the signature) and push body. */
  readonly body: string;
}

export interface StaffTemplate {
  readonly body: string;
}

/**
 * The longest link every linked wording fits one segment with. The default link is
 * `${PUBLIC_BASE_URL}/${compact short number}`, so PUBLIC_BASE_URL should be at most
 * MAX_PUBLIC_BASE_URL_LENGTH characters (e.g. "http://localhost:65535" or "https://ts.example.com.cn");
 * with a longer one, SMS fall back to the link-free wordings (push keeps the link).
 */
export const MAX_LINK_LENGTH = 33;
export const MAX_PUBLIC_BASE_URL_LENGTH = MAX_LINK_LENGTH - 11;

/** Largest compensation the linked answered text is proven to fit with; larger ones fall back. */
export const MAX_AMOUNT_IN_TEXT = 99_999.99;

/**
 * Chinese SMS must open with the operator's registered 【signature】 (签名), which counts towards the 70
 * characters. It is configuration (SMS_SIGNATURE, CDK context `smsSignature`, checked by
 * parseSmsSignature); this is the default. English texts carry none: 【】 would force them out of GSM-7.
 */
export const DEFAULT_SMS_SIGNATURE = '【邮政投诉】';
/** The longest signature accepted, brackets included: every Chinese wording is proven to fit with it. */
export const MAX_SMS_SIGNATURE_LENGTH = 8;
/** The default signature per locale (the configured one replaces the Chinese entry). */
export const SMS_SIGNATURE: Readonly<Record<Locale, string>> = { 'zh-CN': DEFAULT_SMS_SIGNATURE, en: '' };

const SIGNATURE_PATTERN = new RegExp(
  `^【[\\p{Script=Han}A-Za-z0-9]{2,${MAX_SMS_SIGNATURE_LENGTH - 2}}】$`,
  'u',
);

/** Whether a text is an acceptable signature (see parseSmsSignature). */
export function isSmsSignature(value: string): boolean {
  return SIGNATURE_PATTERN.test(value);
}

export const SMS_SIGNATURE_RULE = `must be 【】 around 2-${MAX_SMS_SIGNATURE_LENGTH - 2} Chinese characters, letters or digits, e.g. ${DEFAULT_SMS_SIGNATURE}`;

/**
 * The signature as a mainland provider registers it (its SignName): the same signature without 【】, which
 * the carrier adds. One setting serves both: SMS_SIGNATURE / CDK `smsSignature`.
 */
export function smsSignName(signature: string): string {
  return signature.replace(/^【/u, '').replace(/】$/u, '');
}

/** What a deployment still setting the former name of the signature is told (SMS_SIGN_NAME, `smsSignName`). */
export const SMS_SIGN_NAME_REPLACED = (replacement: string): string =>
  `is no longer read: set ${replacement} to the same registered signature, written 【】 around it, e.g. ${DEFAULT_SMS_SIGNATURE}`;

/**
 * A deployment's SMS signature, checked: 【】 around 2 to 6 Chinese characters, letters or digits (what the
 * mainland providers register), so every Chinese wording still fits one segment.
 * @throws InvalidConfiguration naming the problem (never echoing a value that is not a signature).
 */
export function parseSmsSignature(value: string | undefined): string {
  if (value === undefined || value === '') return DEFAULT_SMS_SIGNATURE;
  if (!isSmsSignature(value)) {
    throw new InvalidConfiguration('SMS signature', [
      {
        path: 'SMS_SIGNATURE',
        message: SMS_SIGNATURE_RULE,
      },
    ]);
  }
  return value;
}

export const CUSTOMER_TEMPLATES: Readonly<
  Record<Locale, Readonly<Record<CustomerTemplateName, CustomerTemplate>>>
> = {
  // Wording rules (issue 12): 赔偿 is compensation owed for loss or damage (Postal Law art. 47), 补偿 a
  // goodwill payment for anything else; an amount offered is 拟 (proposed) until it is paid; thanks only
  // for a rating actually given; no promise the system cannot keep (the link shows the details, replies
  // go through the channel the customer used unless the page itself takes them).
  'zh-CN': {
    received: { title: '投诉已收到', body: '已收到您的投诉，编号{shortId}，预计{answerBy}前答复。' },
    accepted: { title: '投诉处理中', body: '您的投诉{shortId}已有专人处理，预计{answerBy}前答复。' },
    escalated: { title: '投诉已升级', body: '您的投诉{shortId}已升级至{level}督办，我们将尽快答复。' },
    'info-requested': { title: '请补充信息', body: '请于{replyBy}前补充{shortId}的信息：{link}' },
    'pending-reminder': {
      title: '补充信息提醒',
      body: '提醒：您的投诉{shortId}尚待补充信息，如{replyBy}前未回复将结案。',
    },
    answered: { title: '投诉已答复', body: '您的投诉{shortId}已答复，请查看并评价：{link}' },
    'answered-compensated': {
      title: '投诉已答复',
      body: '{shortId}已答复，拟赔偿{amount}元，评价：{link}',
    },
    closed: { title: '投诉已结案', body: '您的投诉{shortId}已结案：{reason}。' },
    'claim-offered': {
      title: '赔偿方案',
      body: '您的投诉{shortId}拟赔偿{amount}元，请通过原投诉渠道告知是否接受。',
    },
    'claim-paid': { title: '赔偿已支付', body: '您的投诉{shortId}的赔偿款{amount}元已支付，请注意查收。' },
    'info-requested-no-link': {
      title: '请补充信息',
      body: '您的投诉{shortId}需补充信息，请于{replyBy}前通过原投诉渠道回复。',
    },
    'answered-no-link': {
      title: '投诉已答复',
      body: '您的投诉{shortId}已答复，请通过原投诉渠道查看并评价。',
    },
    'answered-compensated-no-link': {
      title: '投诉已答复',
      body: '您的投诉{shortId}已答复，拟赔偿{amount}元，请通过原投诉渠道查看并评价。',
    },
    'received-overdue': { title: '投诉已收到', body: '已收到您的投诉，编号{shortId}，我们将尽快答复。' },
    'accepted-overdue': { title: '投诉处理中', body: '您的投诉{shortId}已有专人处理，我们将尽快答复。' },
    'answered-goodwill': {
      title: '投诉已答复',
      body: '{shortId}已答复，拟补偿{amount}元，评价：{link}',
    },
    'answered-goodwill-no-link': {
      title: '投诉已答复',
      body: '您的投诉{shortId}已答复，拟补偿{amount}元，请通过原投诉渠道查看并评价。',
    },
    'closed-rated': { title: '投诉已结案', body: '您的投诉{shortId}已结案，感谢您的评价。' },
    'claim-offered-goodwill': {
      title: '补偿方案',
      body: '您的投诉{shortId}拟补偿{amount}元，请通过原投诉渠道告知是否接受。',
    },
    'claim-offered-resend': {
      title: '补寄方案',
      body: '您的投诉{shortId}拟为您补寄物品，请通过原投诉渠道告知是否接受。',
    },
    'claim-offered-replacement': {
      title: '换货方案',
      body: '您的投诉{shortId}拟为您更换物品，请通过原投诉渠道告知是否接受。',
    },
    'claim-paid-goodwill': {
      title: '补偿已支付',
      body: '您的投诉{shortId}的补偿款{amount}元已支付，请注意查收。',
    },
    'claim-paid-goods': {
      title: '物品已寄出',
      body: '您的投诉{shortId}约定的补寄或换货物品已寄出，请注意查收。',
    },
    'incident-notice': {
      title: '突发事件通知',
      body: '受{cause}影响，您的投诉{shortId}已纳入统一处理，我们将尽快答复。',
    },
  },
  en: {
    received: {
      title: 'Complaint received',
      body: 'We received your complaint {shortId}. We expect to answer by {answerBy} (Beijing time).',
    },
    accepted: {
      title: 'Complaint in progress',
      body: 'Complaint {shortId}: an agent is handling it. We expect to answer by {answerBy} (Beijing time).',
    },
    escalated: {
      title: 'Complaint escalated',
      body: 'Complaint {shortId} has been escalated to the {level} for follow-up. We will answer as soon as possible.',
    },
    'info-requested': {
      title: 'Information needed',
      body: 'Complaint {shortId}: we need more information. Please reply by {replyBy} (Beijing time). Details: {link}',
    },
    'pending-reminder': {
      title: 'Reminder',
      body: 'Reminder: complaint {shortId} still needs your information. Without a reply by {replyBy} (Beijing time) it will be closed.',
    },
    answered: {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered. Please read the answer and rate it: {link}',
    },
    'answered-compensated': {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered: we offer CNY {amount} in compensation. Please read and rate the answer: {link}',
    },
    closed: {
      title: 'Complaint closed',
      body: 'Complaint {shortId} is closed: {reason}.',
    },
    'claim-offered': {
      title: 'Compensation offer',
      body: 'Complaint {shortId}: we offer CNY {amount} in compensation. Please tell us through the channel you used to complain whether you accept.',
    },
    'claim-paid': {
      title: 'Compensation paid',
      body: 'Complaint {shortId}: the compensation of CNY {amount} has been paid.',
    },
    'info-requested-no-link': {
      title: 'Information needed',
      body: 'Complaint {shortId}: we need more information. Please reply by {replyBy} (Beijing time) through the channel you used to complain.',
    },
    'answered-no-link': {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered. Please read the answer and rate it through the channel you used to complain.',
    },
    'answered-compensated-no-link': {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered: we offer CNY {amount} in compensation. Please read and rate it through the channel you used to complain.',
    },
    'received-overdue': {
      title: 'Complaint received',
      body: 'We received your complaint {shortId}. We will answer as soon as possible.',
    },
    'accepted-overdue': {
      title: 'Complaint in progress',
      body: 'Complaint {shortId}: an agent is handling it and will answer as soon as possible.',
    },
    'answered-goodwill': {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered: we offer a goodwill payment of CNY {amount}. Please read and rate the answer: {link}',
    },
    'answered-goodwill-no-link': {
      title: 'Complaint answered',
      body: 'Complaint {shortId} has been answered: we offer a goodwill payment of CNY {amount}. Please read and rate it through the channel you used to complain.',
    },
    'closed-rated': {
      title: 'Complaint closed',
      body: 'Complaint {shortId} is closed. Thank you for rating our answer.',
    },
    'claim-offered-goodwill': {
      title: 'Goodwill payment offer',
      body: 'Complaint {shortId}: we offer a goodwill payment of CNY {amount}. Please tell us through the channel you used to complain whether you accept.',
    },
    'claim-offered-resend': {
      title: 'Offer to resend',
      body: 'Complaint {shortId}: we offer to send the item again. Please tell us through the channel you used to complain whether you accept.',
    },
    'claim-offered-replacement': {
      title: 'Offer of a replacement',
      body: 'Complaint {shortId}: we offer to replace the item. Please tell us through the channel you used to complain whether you accept.',
    },
    'claim-paid-goodwill': {
      title: 'Goodwill payment made',
      body: 'Complaint {shortId}: the goodwill payment of CNY {amount} has been paid.',
    },
    'claim-paid-goods': {
      title: 'Item sent',
      body: 'Complaint {shortId}: the item we agreed to send you has been sent.',
    },
    'incident-notice': {
      title: 'Service disruption',
      body: 'Complaint {shortId} is affected by {cause}. We are handling all affected complaints together and will answer as soon as possible.',
    },
  },
};

/**
 * Staff alert subjects. SNS email subjects must be ASCII and under 100 characters, so there is one
 * English wording for every locale and only ASCII variables (codes, not labels).
 */
export const STAFF_SUBJECTS: Readonly<Record<StaffEvent, string>> = {
  'staff-new-urgent': '[L{levelNo}] New urgent complaint {shortId} ({categoryCode})',
  'staff-warning': '[L{levelNo}] Deadline warning: complaint {shortId}, {clockCode} clock due soon',
  'staff-escalation': '[L{levelNo}] Escalation: complaint {shortId} breached its {clockCode} clock',
  'staff-review-needed': '[L{levelNo}] Review needed: complaint {shortId}',
  'staff-failure': '[L{levelNo}] Workflow failure: complaint {shortId}',
  'staff-follow-up-due': '[L{levelNo}] Follow-up call due soon: complaint {shortId}',
  'staff-follow-up-overdue': '[L{levelNo}] Follow-up call overdue: complaint {shortId}',
  'staff-payment-due': '[L{levelNo}] Compensation payment due soon: complaint {shortId}',
  'staff-payment-overdue': '[L{levelNo}] Compensation payment overdue: complaint {shortId}',
};

const STAFF_FACTS: Readonly<Record<Locale, string>> = {
  'zh-CN': '投诉编号：{shortId}\n类别：{category}\n优先级：{priority}\n当前级别：{level}\n状态：{status}',
  en: 'Complaint: {shortId}\nCategory: {category}\nPriority: {priority}\nLevel: {level}\nStatus: {status}',
};
const STAFF_LINK: Readonly<Record<Locale, string>> = { 'zh-CN': '详情：{link}', en: 'Details: {link}' };

function staffBody(locale: Locale, headline: string, ...lines: string[]): StaffTemplate {
  return { body: [headline, STAFF_FACTS[locale], ...lines, STAFF_LINK[locale]].join('\n') };
}

export const STAFF_TEMPLATES: Readonly<Record<Locale, Readonly<Record<StaffEvent, StaffTemplate>>>> = {
  'zh-CN': {
    'staff-new-urgent': staffBody('zh-CN', '新紧急投诉，请尽快受理。', '受理时限：{deadline}'),
    'staff-warning': staffBody('zh-CN', '超时预警：{clock}时限即将到期。', '截止时间：{deadline}'),
    'staff-escalation': staffBody(
      'zh-CN',
      '投诉已超时升级：{clock}时限已过。',
      '原定时限：{deadline}',
      '仍未办结将再次通报：{nextEscalation}',
    ),
    'staff-review-needed': staffBody(
      'zh-CN',
      '投诉待复核，请及时处理。',
      '客户评分：{score}',
      '复核时限：{deadline}',
    ),
    'staff-failure': staffBody('zh-CN', '投诉流程异常，请人工处理。', '错误：{error}', '发生时间：{at}'),
    'staff-follow-up-due': staffBody(
      'zh-CN',
      '回访预警：回访即将到期，请尽快联系客户并记录结果。',
      '回访时限：{deadline}',
    ),
    'staff-follow-up-overdue': staffBody('zh-CN', '回访已超期：尚未记录回访结果。', '原定时限：{deadline}'),
    'staff-payment-due': staffBody(
      'zh-CN',
      '赔付预警：客户已接受的{remedy}即将到期，请尽快办理。',
      '办理时限：{deadline}',
    ),
    'staff-payment-overdue': staffBody(
      'zh-CN',
      '赔付已超期：客户已接受的{remedy}尚未办理。',
      '原定时限：{deadline}',
    ),
  },
  en: {
    'staff-new-urgent': staffBody(
      'en',
      'New urgent complaint: please accept it soon.',
      'Accept by: {deadline}',
    ),
    'staff-warning': staffBody('en', 'Deadline warning: the {clock} deadline is near.', 'Due: {deadline}'),
    'staff-escalation': staffBody(
      'en',
      'Complaint escalated: the {clock} clock has expired.',
      'Was due: {deadline}',
      'Next alert if still open: {nextEscalation}',
    ),
    'staff-review-needed': staffBody(
      'en',
      'Complaint needs review.',
      'Customer score: {score}',
      'Review by: {deadline}',
    ),
    'staff-failure': staffBody(
      'en',
      'Complaint workflow failed: please handle it by hand.',
      'Error: {error}',
      'At: {at}',
    ),
    'staff-follow-up-due': staffBody(
      'en',
      'Follow-up call due soon: please call the customer and record the outcome.',
      'Due: {deadline}',
    ),
    'staff-follow-up-overdue': staffBody(
      'en',
      'Follow-up call overdue: no outcome has been recorded.',
      'Was due: {deadline}',
    ),
    'staff-payment-due': staffBody(
      'en',
      'Compensation due soon: the {remedy} the customer accepted is still to be made.',
      'Due: {deadline}',
    ),
    'staff-payment-overdue': staffBody(
      'en',
      'Compensation overdue: the {remedy} the customer accepted has not been made.',
      'Was due: {deadline}',
    ),
  },
};

/**
 * A re-alert at the top level (SPEC section 5) is a reminder of an escalation already made, and says so:
 * 第n次提醒. Same event (staff-escalation) and topic; its own wording.
 */
export const STAFF_REALERT_SUBJECT =
  '[L{levelNo}] Reminder {reminderNo}: complaint {shortId} is still past its {clockCode} deadline';

export const STAFF_REALERT_TEMPLATES: Readonly<Record<Locale, StaffTemplate>> = {
  'zh-CN': staffBody(
    'zh-CN',
    '第{reminderNo}次提醒：投诉{clock}时限已过，仍未办结。',
    '原定时限：{deadline}',
    '下次提醒：{nextEscalation}',
  ),
  en: staffBody(
    'en',
    'Reminder {reminderNo}: the {clock} deadline has passed and the complaint is still open.',
    'Was due: {deadline}',
    'Next reminder: {nextEscalation}',
  ),
};

const VARIABLE = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The variable names a template uses, in order of first appearance. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((match) => match[1] as string))];
}

/** Fills every {name}; throws TemplateVariableMissing rather than send a half-filled text. */
export function render(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(VARIABLE, (_whole, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) throw new TemplateVariableMissing(name, template);
    return value;
  });
}

/** The SMS as sent: signature (Chinese texts only) + body. */
export function smsText(locale: Locale, body: string, signature: string = DEFAULT_SMS_SIGNATURE): string {
  return (locale === 'zh-CN' ? signature : '') + body;
}

const SHANGHAI = 'Asia/Shanghai';
const shanghaiParts = new Intl.DateTimeFormat('en-US', {
  timeZone: SHANGHAI,
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const shanghaiMonthNumber = new Intl.DateTimeFormat('en-US', { timeZone: SHANGHAI, month: 'numeric' });

/** Compact Asia/Shanghai wall time: "10月3日18:00" or "3 Oct 18:00". */
export function formatShanghaiTime(at: Date | string, locale: Locale): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an instant: ${String(at)}`);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    shanghaiParts.formatToParts(instant).find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}`;
  if (locale === 'en') return `${part('day')} ${part('month')} ${time}`;
  return `${shanghaiMonthNumber.format(instant)}月${part('day')}日${time}`;
}

/** CNY amount with two decimals and no thousands separators, as Chinese texts write money: "12345.60". */
export function formatAmount(amount: number): string {
  return (Math.round(amount * 100) / 100).toFixed(2);
}

export const CLOSE_REASON_TEXT: Readonly<Record<Locale, Readonly<Record<CloseReason, string>>>> = {
  'zh-CN': {
    satisfied: '您对答复表示满意',
    neutral: '您已对答复作出评价',
    'no-feedback': '评价期内未收到您的评价',
    'customer-unresponsive': '期限内未收到您补充的信息',
    reviewed: '复核已完成',
    withdrawn: '您已撤回投诉',
    duplicate: '与您的另一投诉重复',
    unresolved: '暂未能解决，原因及后续安排已告知您',
    answered: '已答复',
    'closed-by-staff': '经核实已办结',
  },
  en: {
    satisfied: 'you were satisfied with the answer',
    neutral: 'you rated the answer',
    'no-feedback': 'no rating was received in time',
    'customer-unresponsive': 'the information we asked for was not received in time',
    reviewed: 'the review is complete',
    withdrawn: 'you withdrew it',
    duplicate: 'it repeats another complaint of yours',
    unresolved: 'not resolved; we told you why and what comes next',
    answered: 'we have answered it',
    'closed-by-staff': 'our staff checked and closed it',
  },
};

/** Who handles an escalated complaint, as a customer reads it. */
export const CUSTOMER_LEVEL_TEXT: Readonly<Record<Locale, Readonly<Record<EscalationLevel, string>>>> = {
  'zh-CN': { 0: '专人', 1: '网点负责人', 2: '区域中心', 3: '总部' },
  en: { 0: 'agent in charge', 1: 'outlet manager', 2: 'regional centre', 3: 'headquarters' },
};

export const STAFF_LEVEL_TEXT: Readonly<Record<Locale, Readonly<Record<EscalationLevel, string>>>> = {
  'zh-CN': { 0: 'L0 责任人', 1: 'L1 网点负责人', 2: 'L2 区域中心', 3: 'L3 总部' },
  en: { 0: 'L0 owning agent', 1: 'L1 outlet manager', 2: 'L2 regional centre', 3: 'L3 headquarters' },
};

export const CATEGORY_TEXT: Readonly<Record<Locale, Readonly<Record<Category, string>>>> = {
  'zh-CN': {
    delay: '投递延误',
    loss: '丢失/内件短少',
    damage: '破损',
    'wrong-delivery': '误投',
    attitude: '服务态度',
    fees: '资费',
    'business-handling': '业务办理',
    'online-service': '网络服务',
    facilities: '设施设备',
    privacy: '信息安全',
    other: '其他',
  },
  en: {
    delay: 'delay',
    loss: 'loss or missing contents',
    damage: 'damage',
    'wrong-delivery': 'wrong delivery',
    attitude: 'staff attitude',
    fees: 'fees',
    'business-handling': 'business handling',
    'online-service': 'online service',
    facilities: 'facilities',
    privacy: 'privacy',
    other: 'other',
  },
};

export const PRIORITY_TEXT: Readonly<Record<Locale, Readonly<Record<Priority, string>>>> = {
  'zh-CN': { normal: '普通', urgent: '紧急' },
  en: { normal: 'normal', urgent: 'urgent' },
};

export const STATUS_TEXT: Readonly<Record<Locale, Readonly<Record<Status, string>>>> = {
  'zh-CN': {
    received: '待受理',
    investigating: '处理中',
    'pending-customer': '待客户补充',
    'awaiting-feedback': '待评价',
    review: '复核中',
    closed: '已结案',
  },
  en: {
    received: 'received',
    investigating: 'investigating',
    'pending-customer': 'waiting for the customer',
    'awaiting-feedback': 'awaiting feedback',
    review: 'in review',
    closed: 'closed',
  },
};

export const CLOCK_TEXT: Readonly<Record<Locale, Readonly<Record<ClockName, string>>>> = {
  'zh-CN': {
    response: '响应',
    handling: '处理',
    resolution: '答复',
    review: '复核',
    pending: '客户补充',
    regulator: '监管回复',
    feedback: '评价',
  },
  en: {
    response: 'response',
    handling: 'handling',
    resolution: 'resolution',
    review: 'review',
    pending: 'pending-customer',
    regulator: 'regulator reply',
    feedback: 'feedback',
  },
};

/** A mass incident's cause, as the customer's notice names it (functions/domain/incidents.ts). */
export const INCIDENT_CAUSE_TEXT: Readonly<Record<Locale, Readonly<Record<IncidentCause, string>>>> = {
  'zh-CN': {
    'severe-weather': '恶劣天气',
    flood: '洪涝灾害',
    'facility-outage': '处理中心故障',
    'carrier-outage': '运输中断',
    'system-outage': '系统故障',
    'traffic-control': '交通管制',
    'public-health': '公共卫生事件',
    other: '突发事件',
  },
  en: {
    'severe-weather': 'severe weather',
    flood: 'flooding',
    'facility-outage': 'a sorting centre outage',
    'carrier-outage': 'a transport disruption',
    'system-outage': 'a system outage',
    'traffic-control': 'traffic restrictions',
    'public-health': 'a public health emergency',
    other: 'an unexpected disruption',
  },
};
