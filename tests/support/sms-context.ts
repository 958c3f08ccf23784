// The CDK context of a deployment in the China regions' SMS: Alibaba Cloud SMS with the operator's
// signature and every zh-CN wording registered (made-up codes), as synth requires there.
import { exampleTemplateMapping } from '#domain/notifications/provider-templates';

export const CHINA_SMS_CONTEXT = {
  smsProvider: 'aliyun',
  smsSignature: '【邮政投诉】',
  smsTemplates: JSON.stringify(exampleTemplateMapping()),
} as const;
