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
      due: '我们将尽快安排专人处理，预计{deadline}前答复您。',
      open: '我们将尽快安排专人处理并答复您。',
    },
    investigating: {
      due: '专人正在处理，预计{deadline}前答复您。',
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
    review: { due: '主管正在复核，预计{deadline}前答复您。', open: '主管正在复核，将尽快答复您。' },
    closed: { due: '投诉已结案：{reason}。', open: '投诉已结案：{reason}。' },
  },
  en: {
    received: {
      due: 'An agent will take up your complaint soon. We expect to answer by {deadline} (Beijing time).',
      open: 'An agent will take up your complaint soon and answer as soon as possible.',
    },
    investigating: {
      due: 'An agent is handling your complaint. We expect to answer by {deadline} (Beijing time).',
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
      due: 'A supervisor is reviewing your complaint. We expect to answer by {deadline} (Beijing time).',
      open: 'A supervisor is reviewing your complaint and will answer as soon as possible.',
    },
    closed: {
      due: 'Your complaint is closed: {reason}.',
      open: 'Your complaint is closed: {reason}.',
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
    escalated: '您的投诉已升级至{level}督办',
    resolved: '我们已答复您的投诉',
    'resolved-compensated': '我们已答复您的投诉，拟向您支付{amount}元',
    rated: '您为答复评了{score}分',
    'rated-review': '您为答复评了{score}分，主管将复核',
    reopened: '您的投诉已转主管复核',
    closed: '投诉已结案：{reason}',
    'claim-offered-damages': '我们拟赔偿您{amount}元',
    'claim-offered-goodwill': '我们拟补偿您{amount}元',
    'claim-offered-resend': '我们拟为您补寄物品',
    'claim-offered-replacement': '我们拟为您更换物品',
    'claim-accepted': '您已接受处理方案',
    'claim-declined': '您未接受处理方案',
    'claim-paid-money': '{amount}元已支付给您',
    'claim-paid-goods': '补寄或换货物品已寄出',
  },
  en: {
    registered: 'Complaint registered',
    accepted: 'An agent took up your complaint',
    'info-requested': 'We asked you for more information: {message}',
    'customer-replied': 'We received your information',
    escalated: 'Your complaint was passed to the {level} for follow-up',
    resolved: 'We answered your complaint',
    'resolved-compensated': 'We answered your complaint and offered you CNY {amount}',
    rated: 'You rated our answer {score} of 5',
    'rated-review': 'You rated our answer {score} of 5; a supervisor will review it',
    reopened: 'A supervisor is reviewing your complaint',
    closed: 'Complaint closed: {reason}',
    'claim-offered-damages': 'We offered you CNY {amount} in compensation',
    'claim-offered-goodwill': 'We offered you a goodwill payment of CNY {amount}',
    'claim-offered-resend': 'We offered to send the item again',
    'claim-offered-replacement': 'We offered to replace the item',
    'claim-accepted': 'You accepted our offer',
    'claim-declined': 'You declined our offer',
    'claim-paid-money': 'CNY {amount} has been paid to you',
    'claim-paid-goods': 'The item has been sent to you',
  },
} as const satisfies Readonly<Record<Locale, Readonly<Record<string, string>>>>;

export type CustomerEventWording = keyof (typeof CUSTOMER_EVENT_TEXT)['en'];
