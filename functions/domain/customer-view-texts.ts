// The plain words of the customer's own view of a complaint (the public link), per locale. Written for the
// customer, not for staff: no codes, no clock names, no levels by number, escalation worded gently.
// {variables} are filled by render() from the notification templates.
import type { Locale, Status } from './complaint.ts';

/** What the complaint's status means to the customer. */
export const CUSTOMER_STATUS_TEXT: Readonly<Record<Locale, Readonly<Record<Status, string>>>> = {
  'zh-CN': {
    received: '已收到',
    investigating: '处理中',
    'pending-customer': '待您补充信息',
    'awaiting-feedback': '已答复，待您评价',
    review: '复核中',
    closed: '已结案',
  },
  en: {
    received: 'received',
    investigating: 'being handled',
    'pending-customer': 'waiting for your information',
    'awaiting-feedback': 'answered, waiting for your rating',
    review: 'being reviewed',
    closed: 'closed',
  },
};

/**
 * What happens next, per status: `due` when a deadline lies ahead ({deadline}), `open` when it has
 * passed or there is none. Closed complaints read {reason}.
 */
export const NEXT_STEP_TEXT: Readonly<
  Record<Locale, Readonly<Record<Status, { due: string; open: string }>>>
> = {
  'zh-CN': {
    received: {
      due: '我们将尽快安排专人处理，并在{deadline}前答复您。',
      open: '我们将尽快安排专人处理并答复您。',
    },
    investigating: {
      due: '专人正在处理，我们将在{deadline}前答复您。',
      open: '专人正在处理，我们将尽快答复您。',
    },
    'pending-customer': {
      due: '请于{deadline}前在本页补充所需信息，逾期未回复将结案。',
      open: '请尽快在本页补充所需信息，逾期未回复将结案。',
    },
    'awaiting-feedback': {
      due: '请在{deadline}前为我们的答复评分（1-5分）。',
      open: '请为我们的答复评分（1-5分）。',
    },
    review: { due: '主管正在复核，将在{deadline}前答复您。', open: '主管正在复核，将尽快答复您。' },
    closed: { due: '投诉已结案：{reason}。感谢您的反馈。', open: '投诉已结案：{reason}。感谢您的反馈。' },
  },
  en: {
    received: {
      due: 'An agent will take up your complaint soon. We will answer by {deadline} (Beijing time).',
      open: 'An agent will take up your complaint soon and answer as soon as possible.',
    },
    investigating: {
      due: 'An agent is handling your complaint. We will answer by {deadline} (Beijing time).',
      open: 'An agent is handling your complaint and will answer as soon as possible.',
    },
    'pending-customer': {
      due: 'Please send the information we asked for on this page by {deadline} (Beijing time). Without it the complaint will be closed.',
      open: 'Please send the information we asked for on this page soon. Without it the complaint will be closed.',
    },
    'awaiting-feedback': {
      due: 'Please rate our answer from 1 to 5 by {deadline} (Beijing time).',
      open: 'Please rate our answer from 1 to 5.',
    },
    review: {
      due: 'A supervisor is reviewing your complaint and will answer by {deadline} (Beijing time).',
      open: 'A supervisor is reviewing your complaint and will answer as soon as possible.',
    },
    closed: {
      due: 'Your complaint is closed: {reason}. Thank you for your feedback.',
      open: 'Your complaint is closed: {reason}. Thank you for your feedback.',
    },
  },
};

/** Timeline entries a customer sees; every other event (notes, assignments, alerts...) stays internal. */
export const CUSTOMER_EVENT_TEXT = {
  'zh-CN': {
    registered: '投诉已登记',
    accepted: '专人已受理您的投诉',
    'info-requested': '我们请您补充信息：{message}',
    'customer-replied': '已收到您补充的信息',
    escalated: '您的投诉已由{level}督办',
    resolved: '我们已答复您的投诉',
    'resolved-compensated': '我们已答复您的投诉，补偿{amount}元',
    rated: '您为答复评了{score}分',
    'rated-review': '您为答复评了{score}分，主管将复核',
    reopened: '您的投诉已转主管复核',
    closed: '投诉已结案：{reason}',
  },
  en: {
    registered: 'Complaint registered',
    accepted: 'An agent took up your complaint',
    'info-requested': 'We asked you for more information: {message}',
    'customer-replied': 'We received your information',
    escalated: 'Your complaint was passed to the {level} for follow-up',
    resolved: 'We answered your complaint',
    'resolved-compensated': 'We answered your complaint, with compensation of CNY {amount}',
    rated: 'You rated our answer {score} of 5',
    'rated-review': 'You rated our answer {score} of 5; a supervisor will review it',
    reopened: 'A supervisor is reviewing your complaint',
    closed: 'Complaint closed: {reason}',
  },
} as const satisfies Readonly<Record<Locale, Readonly<Record<string, string>>>>;

export type CustomerEventWording = keyof (typeof CUSTOMER_EVENT_TEXT)['en'];
