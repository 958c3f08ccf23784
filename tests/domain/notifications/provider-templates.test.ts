// The registered template mapping of a mainland SMS provider (Alibaba Cloud SMS): checked against the
// wordings as they are, and the parameters a text is sent with, which the provider fills into the
// registered text to give exactly the text SNS would have sent.
import fc from 'fast-check';
import { INCIDENT_CAUSES } from '#domain/incidents';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, ESCALATION_LEVELS, LOCALES } from '#domain/complaint';
import { LINK_TOKEN_ALPHABET, LINK_TOKEN_LENGTH } from '#domain/link-token';
import {
  exampleTemplateMapping,
  longestValue,
  parseTemplateCodes,
  parseTemplateMapping,
  registrationText,
  signNameProblem,
  TEMPLATE_RULES,
  TemplateMappingInvalid,
  templateCodes,
  templateParams,
} from '#domain/notifications/provider-templates';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import {
  CLOSE_REASON_TEXT,
  INCIDENT_CAUSE_TEXT,
  CUSTOMER_LEVEL_TEXT,
  CUSTOMER_TEMPLATE_NAMES,
  CUSTOMER_TEMPLATES,
  formatAmount,
  formatShanghaiTime,
  render,
} from '#domain/notifications/templates';

function problemsOf(json: unknown): string[] {
  try {
    parseTemplateMapping('aliyun', json);
    return [];
  } catch (error) {
    if (!(error instanceof TemplateMappingInvalid)) throw error;
    return error.problems;
  }
}

describe('parseTemplateMapping (aliyun)', () => {
  it('accepts a template for every zh-CN wording registered with its variables', () => {
    const mapping = parseTemplateMapping('aliyun', exampleTemplateMapping());
    expect(Object.keys(mapping['zh-CN']!).sort()).toEqual([...CUSTOMER_TEMPLATE_NAMES].sort());
  });

  it("refuses English: its close reasons run past Alibaba's 35 characters per parameter, and nothing else does", () => {
    expect(problemsOf(exampleTemplateMapping(['zh-CN', 'en']))).toEqual([
      'en.closed: {reason} can hold 53 characters, aliyun allows 35 per parameter',
    ]);
  });

  it('names a missing wording, a bad code, parameters that differ from the wording, an unknown kind or locale', () => {
    const zh = { ...exampleTemplateMapping()['zh-CN'] } as Record<string, unknown>;
    delete zh.closed;
    zh.received = { code: 'TPL_1', params: ['shortId', 'answerBy'] };
    zh.answered = { code: 'SMS_12345678', params: ['shortId', 'url'] };
    zh.thanks = { code: 'SMS_12345679', params: [] };

    expect(problemsOf({ 'zh-CN': zh, fr: {} })).toEqual([
      'fr: not a locale (zh-CN, en)',
      expect.stringMatching(/^zh-CN\.thanks: not a customer text kind/),
      'zh-CN.received.code: must be a template code like SMS_123456789 (TPL_1)',
      'zh-CN.answered.params: registered with [shortId, url], the wording uses [shortId, link]; missing link; not in the wording url',
      'zh-CN.closed: no template (every customer text kind needs one: {"code", "params"})',
    ]);
    expect(problemsOf({ en: {} })[0]).toBe('zh-CN: required (every customer text kind)');
    expect(problemsOf('SMS_1')).toEqual(['must be a JSON object keyed by locale (zh-CN, en)']);
  });

  it('keeps only the codes for the functions, which check them again', () => {
    const codes = templateCodes(exampleTemplateMapping());
    expect(parseTemplateCodes('aliyun', JSON.parse(JSON.stringify(codes)))).toEqual(codes);
    expect(() => parseTemplateCodes('aliyun', { 'zh-CN': { received: 'SMS_1234' } })).toThrow(
      /zh-CN\.accepted: needs a template code/,
    );
  });
});

describe('signNameProblem (aliyun)', () => {
  it('wants 2-12 characters without the brackets the carrier adds', () => {
    expect(signNameProblem('aliyun', '邮政投诉')).toBeUndefined();
    expect(signNameProblem('aliyun', '邮')).toBe('must have 2-12 characters');
    expect(signNameProblem('aliyun', '中国邮政集团有限公司投诉受理中心')).toBe('must have 2-12 characters');
    expect(signNameProblem('aliyun', '【邮政投诉】')).toMatch(/without 【】/);
  });
});

describe('templateParams (aliyun)', () => {
  const base = 'https://ts.example.cn';

  it('sends the link as its path after the base address; refuses a link elsewhere or a value over 35', () => {
    expect(templateParams('aliyun', { shortId: 'K7Q2M-9X4TB', link: `${base}/AbCdE12345` }, base)).toEqual({
      params: { shortId: 'K7Q2M-9X4TB', link: 'AbCdE12345' },
    });
    expect(templateParams('aliyun', { link: 'https://elsewhere.example/AbCdE12345' }, base)).toEqual({
      problem: `the link is not under ${base}/`,
    });
    expect(templateParams('aliyun', { reason: 'x'.repeat(36) }, base)).toEqual({
      problem: '{reason} has 36 characters',
    });
  });

  it('fills the registered text to exactly the wording SNS would send, every value within the rule', () => {
    const instant = fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2036-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...CUSTOMER_TEMPLATE_NAMES),
        fc.constantFrom('https://ts.example.cn', 'http://localhost:65535'),
        fc.string({
          unit: fc.constantFrom(...LINK_TOKEN_ALPHABET),
          minLength: LINK_TOKEN_LENGTH,
          maxLength: LINK_TOKEN_LENGTH,
        }),
        instant,
        fc.constantFrom(...ESCALATION_LEVELS),
        fc.constantFrom(...CLOSE_REASONS),
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.constantFrom(...INCIDENT_CAUSES),
        (name, publicBaseUrl, token, at, level, reason, fen, cause) => {
          const vars = {
            shortId: shortComplaintNumber(ulid()),
            answerBy: formatShanghaiTime(at, 'zh-CN'),
            replyBy: formatShanghaiTime(at, 'zh-CN'),
            level: CUSTOMER_LEVEL_TEXT['zh-CN'][level],
            reason: CLOSE_REASON_TEXT['zh-CN'][reason],
            amount: formatAmount(fen / 100),
            link: `${publicBaseUrl}/${token}`,
            cause: INCIDENT_CAUSE_TEXT['zh-CN'][cause],
          };
          const body = CUSTOMER_TEMPLATES['zh-CN'][name].body;
          const used = Object.fromEntries(Object.entries(vars).filter(([v]) => body.includes(`{${v}}`)));
          const sent = templateParams('aliyun', used, publicBaseUrl);
          if ('problem' in sent) throw new Error(sent.problem);
          const filled = registrationText('aliyun', name, 'zh-CN', publicBaseUrl).replace(
            /\$\{(\w+)\}/g,
            (_all, v: string) => sent.params[v]!,
          );
          expect(filled).toBe(render(body, used));
          for (const value of Object.values(sent.params))
            expect([...value].length).toBeLessThanOrEqual(TEMPLATE_RULES.aliyun.maxValueLength);
        },
      ),
    );
  });

  it('bounds every variable of every wording, the bound no smaller than a real value', () => {
    for (const locale of LOCALES) {
      for (const name of CUSTOMER_TEMPLATE_NAMES) {
        for (const [, variable] of CUSTOMER_TEMPLATES[locale][name].body.matchAll(/\{(\w+)\}/g)) {
          expect(
            longestValue(variable!, locale, TEMPLATE_RULES.aliyun),
            `${locale}.${name}.${variable}`,
          ).toBeDefined();
        }
      }
      expect(longestValue('answerBy', locale, TEMPLATE_RULES.aliyun)).toBeGreaterThanOrEqual(
        formatShanghaiTime('2026-12-28T04:00:00Z', locale).length,
      );
    }
  });
});
