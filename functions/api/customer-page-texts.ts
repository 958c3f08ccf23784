// The words around the customer's view on the HTML page (headings, the rating form, error pages). The
// view's own sentences (status, next step, timeline) come from functions/domain/customer-view-texts.ts.
import type { Locale } from '#domain/complaint';

export interface PageWords {
  title: string;
  complaintNumber: string;
  about: string;
  status: string;
  nextStep: string;
  deadline: string;
  answer: string;
  compensation: string;
  /** {amount}: formatted like the timeline's compensation. */
  amount: string;
  timeline: string;
  timesNote: string;
  rateTitle: string;
  scores: Readonly<Record<1 | 2 | 3 | 4 | 5, string>>;
  comment: string;
  send: string;
  thanks: string;
}

export const PAGE_WORDS: Readonly<Record<Locale, PageWords>> = {
  'zh-CN': {
    title: '投诉进度',
    complaintNumber: '投诉编号',
    about: '投诉类型',
    status: '当前状态',
    nextStep: '下一步',
    deadline: '期限',
    answer: '我们的答复',
    compensation: '拟付金额',
    amount: '{amount}元',
    timeline: '处理记录',
    timesNote: '时间均为北京时间。',
    rateTitle: '为我们的答复评分',
    scores: { 1: '很不满意', 2: '不满意', 3: '一般', 4: '满意', 5: '很满意' },
    comment: '补充说明（选填）',
    send: '提交评分',
    thanks: '感谢您的评价，我们已记录您的评分。',
  },
  en: {
    title: 'Your complaint',
    complaintNumber: 'Complaint number',
    about: 'About',
    status: 'Status',
    nextStep: 'What happens next',
    deadline: 'Deadline',
    answer: 'Our answer',
    compensation: 'Amount offered',
    amount: 'CNY {amount}',
    timeline: 'What has happened',
    timesNote: 'Times are Beijing time.',
    rateTitle: 'Rate our answer',
    scores: {
      1: 'very dissatisfied',
      2: 'dissatisfied',
      3: 'acceptable',
      4: 'satisfied',
      5: 'very satisfied',
    },
    comment: 'Comment (optional)',
    send: 'Send rating',
    thanks: 'Thank you: your rating has been recorded.',
  },
};

/** An error page's words; error pages carry both languages, since no complaint tells the customer's. */
export interface ProblemWords {
  title: string;
  detail: string;
}

export type ProblemPageKind =
  | 'link-not-found'
  | 'link-expired'
  | 'rating-invalid'
  | 'rating-refused'
  | 'try-again-soon'
  | 'unreadable'
  | 'failed';

export const PROBLEM_WORDS: Readonly<Record<ProblemPageKind, Readonly<Record<Locale, ProblemWords>>>> = {
  'link-not-found': {
    'zh-CN': { title: '链接无效', detail: '此链接没有对应的投诉，请检查短信中的链接是否完整。' },
    en: {
      title: 'Link not found',
      detail: 'This link does not open any complaint. Please check that it was copied whole from the text.',
    },
  },
  'link-expired': {
    'zh-CN': { title: '链接已失效', detail: '投诉已结案，此链接不再可用。' },
    en: {
      title: 'Link expired',
      detail: 'The complaint is closed, so its link no longer opens it.',
    },
  },
  'rating-invalid': {
    'zh-CN': { title: '评分未提交', detail: '请选择1到5分；补充说明最多{max}字。' },
    en: {
      title: 'Rating not sent',
      detail: 'Please choose a score from 1 to 5; a comment may have up to {max} characters.',
    },
  },
  'rating-refused': {
    'zh-CN': { title: '暂时无法评分', detail: '投诉当前不在待评价状态，您的评分未被记录。' },
    en: {
      title: 'Rating not possible now',
      detail: 'The complaint is not waiting for a rating, so your rating was not recorded.',
    },
  },
  'try-again-soon': {
    'zh-CN': { title: '请稍后再试', detail: '我们正在处理您的投诉，请稍候片刻再提交。' },
    en: {
      title: 'Please try again',
      detail: 'We are still processing your complaint. Please send it again in a moment.',
    },
  },
  unreadable: {
    'zh-CN': { title: '无法读取提交内容', detail: '请返回投诉进度页面，重新填写评分。' },
    en: {
      title: 'We could not read what was sent',
      detail: 'Please go back to your complaint and fill in the rating again.',
    },
  },
  failed: {
    'zh-CN': { title: '服务暂时不可用', detail: '请稍后再试。' },
    en: { title: 'Something went wrong', detail: 'Please try again later.' },
  },
};

/** The link from an error page back to the complaint, in both languages. */
export const BACK_TO_COMPLAINT: Readonly<Record<Locale, string>> = {
  'zh-CN': '返回投诉进度',
  en: 'Back to your complaint',
};
