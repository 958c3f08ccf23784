// How the report's dimensions, values and parties read for a manager (zh-CN), shared by the workbook and the page.
import type { Category, ResponsibleParty } from '#domain/complaint';
import { CATEGORY_TEXT } from '#domain/notifications/templates';
import { UNASSIGNED, type ReportDimension } from '#domain/reports';

export const DIMENSION_TEXT: Record<ReportDimension, string> = {
  category: '类别',
  type: '类型',
  outlet: '网点',
  region: '区域',
  channel: '渠道',
};

const TYPE_TEXT: Record<string, string> = { complaint: '投诉', suggestion: '建议', enquiry: '咨询' };
const CHANNEL_TEXT: Record<string, string> = {
  hotline: '热线',
  web: '网站',
  app: 'APP',
  wechat: '微信',
  email: '邮件',
  counter: '柜台',
  regulator: '监管转办',
};
export const PARTY_TEXT: Record<ResponsibleParty, string> = {
  outlet: '网点',
  'sorting-centre': '分拣中心',
  'carrier-partner': '合作承运商',
  customer: '客户',
  'no-fault': '无责',
};

/** A dimension value as a manager reads it (codes of outlets and regions stay codes). */
export function valueLabel(dimension: ReportDimension, value: string): string {
  if (value === UNASSIGNED) return '未指定';
  if (dimension === 'category') return CATEGORY_TEXT['zh-CN'][value as Category] ?? value;
  if (dimension === 'type') return TYPE_TEXT[value] ?? value;
  if (dimension === 'channel') return CHANNEL_TEXT[value] ?? value;
  return value;
}
