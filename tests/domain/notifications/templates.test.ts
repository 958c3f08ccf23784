import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, LOCALES, type Locale } from '#domain/complaint';
import { TemplateVariableMissing } from '#domain/notifications/errors';
import { InvalidConfiguration } from '#domain/policy';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import { isGsm7 } from '#domain/notifications/sms-segments';
import {
  CATEGORY_TEXT,
  CLOCK_TEXT,
  CLOSE_REASON_TEXT,
  INCIDENT_CAUSE_TEXT,
  CUSTOMER_LEVEL_TEXT,
  CUSTOMER_TEMPLATES,
  CUSTOMER_TEMPLATE_NAMES,
  MAX_AMOUNT_IN_TEXT,
  MAX_LINK_LENGTH,
  MAX_PUBLIC_BASE_URL_LENGTH,
  PRIORITY_TEXT,
  STAFF_EVENTS,
  STAFF_LEVEL_TEXT,
  STAFF_REALERT_SUBJECT,
  STAFF_REALERT_TEMPLATES,
  STAFF_SUBJECTS,
  DEFAULT_SMS_SIGNATURE,
  MAX_SMS_SIGNATURE_LENGTH,
  parseSmsSignature,
  STAFF_TEMPLATES,
  STATUS_TEXT,
  fitsOneSegment,
  formatAmount,
  formatShanghaiTime,
  render,
  smsSegments,
  smsText,
  templateVariables,
} from '#domain/notifications/templates';

const longest = (values: readonly string[]): string =>
  values.reduce((a, b) => (smsSegments(b).units > smsSegments(a).units ? b : a));

/** Every minute-precision instant of a leap year at 23:59 Shanghai: each month/day width occurs. */
function everyDayOf2028(): Date[] {
  return Array.from({ length: 366 }, (_, day) => new Date(Date.UTC(2028, 0, 1, 15, 59) + day * 86_400_000));
}

/** The largest value each customer-template variable can take, measured rather than assumed. */
function worstCustomerValues(locale: Locale): Record<string, string> {
  const longestDate = longest(everyDayOf2028().map((d) => formatShanghaiTime(d, locale)));
  const longestBaseUrl = `https://${'w'.repeat(MAX_PUBLIC_BASE_URL_LENGTH - 'https://'.length)}`;
  return {
    shortId: shortComplaintNumber('7ZZZZZZZZZZZZZZZZZZZZZZZZZ'),
    answerBy: longestDate,
    replyBy: longestDate,
    amount: formatAmount(MAX_AMOUNT_IN_TEXT),
    link: `${longestBaseUrl}/ZZZZZZZZZZ`,
    level: longest(Object.values(CUSTOMER_LEVEL_TEXT[locale])),
    reason: longest(Object.values(CLOSE_REASON_TEXT[locale])),
    cause: longest(Object.values(INCIDENT_CAUSE_TEXT[locale])),
  };
}

function worstStaffValues(locale: Locale): Record<string, string> {
  const longestDate = longest(everyDayOf2028().map((d) => formatShanghaiTime(d, locale)));
  return {
    shortId: shortComplaintNumber('7ZZZZZZZZZZZZZZZZZZZZZZZZZ'),
    levelNo: '3',
    categoryCode: longest(Object.keys(CATEGORY_TEXT.en)),
    clockCode: longest(Object.keys(CLOCK_TEXT.en)),
    category: longest(Object.values(CATEGORY_TEXT[locale])),
    priority: longest(Object.values(PRIORITY_TEXT[locale])),
    level: longest(Object.values(STAFF_LEVEL_TEXT[locale])),
    status: longest(Object.values(STATUS_TEXT[locale])),
    clock: longest(Object.values(CLOCK_TEXT[locale])),
    deadline: longestDate,
    nextEscalation: longestDate,
    at: longestDate,
    score: '5',
    error: 'States.TaskFailed',
    // The payment alerts' remedy, a fixed label (compose.ts PAYMENT_REMEDY_TEXT), the longest of each locale.
    remedy: locale === 'en' ? 'replacement' : '赔付款项',
    link: 'https://complaints.example.com.cn/v1/complaints/01JA2B3C4D5E6F7G8H9JAKBMCN',
  };
}

describe('customer templates', () => {
  it.each(LOCALES)('fit one SMS segment in %s with worst-case values, signature included', (locale) => {
    // Prepare
    const values = worstCustomerValues(locale);
    for (const name of CUSTOMER_TEMPLATE_NAMES) {
      // Act
      const sms = smsText(locale, render(CUSTOMER_TEMPLATES[locale][name].body, values));
      // Assess
      expect(fitsOneSegment(sms), `${locale} ${name}: ${sms}`).toBe(true);
    }
  });

  it('assume a link as long as the longest one compose lets through', () => {
    expect(worstCustomerValues('zh-CN').link).toHaveLength(MAX_LINK_LENGTH);
  });

  it('are GSM-7 in English, so no English text is forced into 70-character UCS-2', () => {
    const values = worstCustomerValues('en');
    for (const name of CUSTOMER_TEMPLATE_NAMES) {
      const template = CUSTOMER_TEMPLATES.en[name];
      expect(isGsm7(render(template.body, values)), name).toBe(true);
      expect(isGsm7(template.title), name).toBe(true);
    }
    for (const reason of CLOSE_REASONS) expect(isGsm7(CLOSE_REASON_TEXT.en[reason])).toBe(true);
  });

  it('use the same variables in both languages', () => {
    for (const name of CUSTOMER_TEMPLATE_NAMES) {
      const zh = templateVariables(CUSTOMER_TEMPLATES['zh-CN'][name].body);
      const en = templateVariables(CUSTOMER_TEMPLATES.en[name].body);
      expect(new Set(en), name).toEqual(new Set(zh));
    }
  });
});

describe('no template can carry personal data', () => {
  const allowed = new Set([
    'shortId',
    'answerBy',
    'replyBy',
    'amount',
    'link',
    'level',
    'reason',
    'levelNo',
    'categoryCode',
    'clockCode',
    'category',
    'priority',
    'status',
    'clock',
    'deadline',
    'nextEscalation',
    'at',
    'score',
    'error',
    'reminderNo',
    // The remedy a claim's payment alerts name, a fixed label.
    'remedy',
    // The incident's cause as a fixed label (INCIDENT_CAUSE_TEXT), never the staff's free-text summary.
    'cause',
  ]);
  const everyTemplate = [
    ...LOCALES.flatMap((l) => CUSTOMER_TEMPLATE_NAMES.map((n) => CUSTOMER_TEMPLATES[l][n].body)),
    ...LOCALES.flatMap((l) => STAFF_EVENTS.map((e) => STAFF_TEMPLATES[l][e].body)),
    ...Object.values(STAFF_SUBJECTS),
    ...LOCALES.map((l) => STAFF_REALERT_TEMPLATES[l].body),
    STAFF_REALERT_SUBJECT,
  ];

  it('names only variables from the non-personal list', () => {
    const used = new Set(everyTemplate.flatMap(templateVariables));
    expect([...used].filter((v) => !allowed.has(v))).toEqual([]);
  });

  it('has no phone, name, address or description variable', () => {
    const used = everyTemplate.flatMap(templateVariables);
    expect(used.filter((v) => /phone|mobile|tel|name|addr|street|description|tracking/i.test(v))).toEqual([]);
  });
});

describe('staff templates', () => {
  it('have ASCII subjects under 100 characters with worst-case values', () => {
    const values = worstStaffValues('en');
    for (const event of STAFF_EVENTS) {
      const subject = render(STAFF_SUBJECTS[event], values);
      expect(subject, event).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
      expect(subject.length, event).toBeLessThan(100);
    }
  });

  it.each(LOCALES)('render every body in %s with its structured facts', (locale) => {
    const values = worstStaffValues(locale);
    for (const event of STAFF_EVENTS) {
      const body = render(STAFF_TEMPLATES[locale][event].body, values);
      expect(body, event).toContain(values.shortId);
      expect(body, event).toContain(values.category);
      expect(body, event).toContain(values.level);
      expect(body, event).toContain(values.link);
    }
  });
});

describe('the SMS signature', () => {
  it('defaults to 【邮政投诉】 and takes a registered brand from configuration', () => {
    expect(parseSmsSignature(undefined)).toBe(DEFAULT_SMS_SIGNATURE);
    expect(parseSmsSignature('')).toBe('【邮政投诉】');
    expect(parseSmsSignature('【中国邮政】')).toBe('【中国邮政】');
    expect(parseSmsSignature('【EMS速递】')).toBe('【EMS速递】');
  });

  it.each(['邮政投诉', '【邮】', '【中国邮政速递物流】', '[China Post]', '【邮政 投诉】', '【邮政投诉】x'])(
    'refuses %s',
    (signature) => {
      expect(() => parseSmsSignature(signature)).toThrow(InvalidConfiguration);
    },
  );

  it('with the longest signature accepted, every event still has a wording that fits one segment', () => {
    // Prepare: the wordings each event falls back to last (compose sends the richest that fits).
    const longestSignature = `【${'邮'.repeat(MAX_SMS_SIGNATURE_LENGTH - 2)}】`;
    const values = worstCustomerValues('zh-CN');
    const lastResort = CUSTOMER_TEMPLATE_NAMES.filter(
      (name) => !['info-requested', 'answered', 'answered-compensated', 'answered-goodwill'].includes(name),
    );
    for (const name of lastResort) {
      // Act
      const sms = smsText('zh-CN', render(CUSTOMER_TEMPLATES['zh-CN'][name].body, values), longestSignature);
      // Assess
      expect(fitsOneSegment(sms), `${name}: ${sms}`).toBe(true);
    }
    expect(parseSmsSignature(longestSignature)).toBe(longestSignature);
  });
});

describe('wording a native speaker signs off (issue 12)', () => {
  const zh = (name: (typeof CUSTOMER_TEMPLATE_NAMES)[number]) => CUSTOMER_TEMPLATES['zh-CN'][name].body;

  it('escalates 至 a level, never 由', () => {
    expect(zh('escalated')).toContain('已升级至{level}督办');
  });

  it('words money for loss and damage as 赔偿, other money as 补偿, and an offer as 拟', () => {
    expect(zh('answered-compensated')).toContain('拟赔偿');
    expect(zh('answered-compensated-no-link')).toContain('拟赔偿');
    expect(zh('claim-offered')).toContain('拟赔偿');
    expect(zh('answered-goodwill')).toContain('拟补偿');
    expect(zh('claim-offered-goodwill')).toContain('拟补偿');
  });

  it('thanks only in the wording for a rating actually given', () => {
    const thanking = CUSTOMER_TEMPLATE_NAMES.filter((name) => /感谢/.test(zh(name)));
    expect(thanking).toEqual(['closed-rated']);
    expect(CUSTOMER_TEMPLATES.en.closed.body).not.toMatch(/thank/i);
  });

  it('never words a staff close reason as the customer acting', () => {
    expect(CLOSE_REASON_TEXT['zh-CN']['closed-by-staff']).not.toMatch(/您/);
    expect(CLOSE_REASON_TEXT.en['closed-by-staff']).not.toMatch(/\byou\b/);
  });

  it('calls staff warnings 超时预警 and re-alerts 第n次提醒', () => {
    expect(STAFF_TEMPLATES['zh-CN']['staff-warning'].body).toMatch(/^超时预警/);
    expect(STAFF_REALERT_TEMPLATES['zh-CN'].body).toMatch(/^第\{reminderNo\}次提醒/);
    expect(STAFF_REALERT_SUBJECT).toMatch(/Reminder \{reminderNo\}/);
  });
});

describe('render', () => {
  it('fills every named variable', () => {
    expect(
      render('投诉{shortId}，{shortId}，{amount}元', { shortId: 'AB', amount: '1.00', spare: 'x' }),
    ).toBe('投诉AB，AB，1.00元');
  });

  it('fails loudly on a missing variable instead of sending a half-filled text', () => {
    // Act
    const attempt = (): string => render('Complaint {shortId} due {answerBy}', { shortId: 'AB' });
    // Assess
    expect(attempt).toThrow(TemplateVariableMissing);
    expect(attempt).toThrow(/answerBy/);
  });

  it('does not take inherited object properties for variables', () => {
    expect(() => render('{toString}', {})).toThrow(TemplateVariableMissing);
  });
});

describe('formatShanghaiTime', () => {
  it('renders the wall time in Asia/Shanghai, compactly', () => {
    expect(formatShanghaiTime('2026-10-03T10:00:00Z', 'zh-CN')).toBe('10月3日18:00');
    expect(formatShanghaiTime('2026-10-03T10:00:00Z', 'en')).toBe('3 Oct 18:00');
  });

  it('moves to the next Shanghai day from 16:00 UTC', () => {
    expect(formatShanghaiTime(new Date('2026-12-31T16:05:00Z'), 'zh-CN')).toBe('1月1日00:05');
    expect(formatShanghaiTime(new Date('2026-12-31T15:59:00Z'), 'en')).toBe('31 Dec 23:59');
  });

  it('refuses an invalid instant', () => {
    expect(() => formatShanghaiTime('not a date', 'en')).toThrow(RangeError);
  });
});

describe('formatAmount', () => {
  it('shows yuan with two decimals and no thousands separators (as Chinese texts write money)', () => {
    expect(formatAmount(99_999.99)).toBe('99999.99');
    expect(formatAmount(12)).toBe('12.00');
    expect(formatAmount(0.5)).toBe('0.50');
  });
});
