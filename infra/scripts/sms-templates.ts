// npm run sms-templates -- <PUBLIC_BASE_URL> [zh-CN,en]: what an operator registers with Alibaba Cloud SMS,
// one template per customer wording (text in the provider's syntax, the link's address fixed, its path a
// variable), and the smsTemplates skeleton to fill with the codes Alibaba gives back. Read-only.
import { LOCALES, type Locale } from '#domain/complaint';
import { registrationText, TEMPLATE_RULES } from '#domain/notifications/provider-templates';
import {
  CUSTOMER_TEMPLATE_NAMES,
  CUSTOMER_TEMPLATES,
  templateVariables,
} from '#domain/notifications/templates';

const [baseUrl, localeList = 'zh-CN'] = process.argv.slice(2);
if (!baseUrl || !/^https?:\/\/[^/]+/.test(baseUrl)) {
  console.error('usage: npm run sms-templates -- <PUBLIC_BASE_URL> [zh-CN,en]');
  process.exit(2);
}
const locales = localeList.split(',').filter((l): l is Locale => (LOCALES as readonly string[]).includes(l));

console.log(
  `Register with Alibaba Cloud SMS (notification templates; each variable at most ${TEMPLATE_RULES.aliyun.maxValueLength} characters):\n`,
);
for (const locale of locales) {
  for (const name of CUSTOMER_TEMPLATE_NAMES) {
    console.log(`${locale} ${name}\n  ${registrationText('aliyun', name, locale, baseUrl)}`);
  }
}
const skeleton = Object.fromEntries(
  locales.map((locale) => [
    locale,
    Object.fromEntries(
      CUSTOMER_TEMPLATE_NAMES.map((name) => [
        name,
        { code: 'SMS_', params: templateVariables(CUSTOMER_TEMPLATES[locale][name].body) },
      ]),
    ),
  ]),
);
console.log(`\nsmsTemplates (fill in each code):\n${JSON.stringify(skeleton, null, 2)}`);
