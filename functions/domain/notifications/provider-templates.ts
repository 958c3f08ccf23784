// Registered SMS templates. In mainland China an SMS goes through a licensed provider (Alibaba Cloud SMS
// here) as a registered signature (签名) plus a pre-approved template (模板) filled with parameters, never
// as free text. Each customer wording of templates.ts is registered with the provider once; the deployment
// names the code the provider gave each one and the parameters it was registered with. This module checks
// that mapping against the wordings as they are now (every wording has a template, the parameter names are
// the wording's variables, every value fits the provider's length rule) and turns a composed text's
// variables into the provider's parameters. Pure: the adapters and the stand-ins call it.
//
// The wordings themselves stay in templates.ts (their owner may change them): a changed wording shows up
// here as a mismatch at `cdk synth` and at `npm start`, before a text is sent with a stale template.
import { LOCALES, type Locale } from '../complaint.ts';
import { LINK_TOKEN_LENGTH } from '../link-token.ts';
import { SHORT_COMPLAINT_NUMBER_LENGTH } from './short-id.ts';
import {
  CLOSE_REASON_TEXT,
  INCIDENT_CAUSE_TEXT,
  CUSTOMER_LEVEL_TEXT,
  CUSTOMER_TEMPLATE_NAMES,
  CUSTOMER_TEMPLATES,
  formatAmount,
  formatShanghaiTime,
  templateVariables,
  type CustomerTemplateName,
} from './templates.ts';

/** Who delivers customer SMS in a deployment (CDK context smsProvider, SMS_PROVIDER for the functions). */
export const SMS_PROVIDERS = ['sns', 'end-user-messaging', 'aliyun'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

/** Providers that take a registered template code and parameters instead of a text. */
export const TEMPLATE_PROVIDERS = ['aliyun'] as const;
export type TemplateProvider = (typeof TEMPLATE_PROVIDERS)[number];

export function isTemplateProvider(provider: SmsProvider): provider is TemplateProvider {
  return (TEMPLATE_PROVIDERS as readonly string[]).includes(provider);
}

export interface TemplateRules {
  /** The signature's length in characters, without the 【】 the carrier adds. */
  signName: { min: number; max: number };
  /** What a template code the provider issues looks like. */
  templateCode: RegExp;
  /** The longest value one variable may carry, in characters. */
  maxValueLength: number;
  /**
   * A link may not be a variable: the registered text holds the fixed address (its domain is reviewed with
   * the template) and the variable only the path after it.
   */
  linkAsPath: boolean;
}

/**
 * Alibaba Cloud SMS, from its "SMS template guidelines" (variable specifications of notification
 * templates) and "SMS signature guidelines": a variable value of the "other" kinds (numbers, names, times,
 * amounts as text) holds 1-35 characters; links are not variables (only the path after a registered
 * domain may vary); a signature has 2-12 characters; template codes read SMS_ followed by digits.
 */
export const TEMPLATE_RULES: Readonly<Record<TemplateProvider, TemplateRules>> = {
  aliyun: {
    signName: { min: 2, max: 12 },
    templateCode: /^SMS_\d{4,20}$/,
    maxValueLength: 35,
    linkAsPath: true,
  },
};

/** One registered template: the provider's code and the parameter names it was registered with. */
export interface RegisteredTemplate {
  code: string;
  params: readonly string[];
}

/**
 * The deployment's registered templates, by locale and customer wording. zh-CN is required; a locale
 * left out has no templates (its customers' texts are refused as SendRejected, never sent in another
 * language with values of theirs).
 */
export type TemplateMapping = Partial<
  Record<Locale, Readonly<Record<CustomerTemplateName, RegisteredTemplate>>>
>;

/** The codes alone, what the functions need at run time (the full mapping is checked at synth). */
export type TemplateCodes = Partial<Record<Locale, Readonly<Record<CustomerTemplateName, string>>>>;

export class TemplateMappingInvalid extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`the SMS template mapping is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TemplateMappingInvalid';
    this.problems = problems;
  }
}

/** The largest compensation the API accepts (functions/api/schemas.ts `yuan`), as a text shows it. */
const LARGEST_AMOUNT = 100_000_000;

/** Every wall time a text can state is as long as one on the 28th of some month at a two-digit hour. */
function longestTime(locale: Locale): number {
  const lengths = Array.from(
    { length: 12 },
    (_, month) => formatShanghaiTime(new Date(Date.UTC(2026, month, 28, 12, 0)), locale).length,
  );
  return Math.max(...lengths);
}

const longestOf = (texts: Readonly<Record<string | number, string>>): number =>
  Math.max(...Object.values(texts).map((text) => text.length));

/**
 * The longest value a variable of the customer wordings can take, in characters, from the same data
 * compose.ts fills them with; undefined for a variable this module does not know yet.
 */
export function longestValue(variable: string, locale: Locale, rules: TemplateRules): number | undefined {
  switch (variable) {
    case 'shortId':
      return SHORT_COMPLAINT_NUMBER_LENGTH;
    case 'answerBy':
    case 'replyBy':
      return longestTime(locale);
    case 'level':
      return longestOf(CUSTOMER_LEVEL_TEXT[locale]);
    case 'reason':
      return longestOf(CLOSE_REASON_TEXT[locale]);
    case 'cause':
      return longestOf(INCIDENT_CAUSE_TEXT[locale]);
    case 'amount':
      return formatAmount(LARGEST_AMOUNT).length;
    case 'link':
      // The path after the base address: a link token, or the compact short number.
      return rules.linkAsPath
        ? Math.max(LINK_TOKEN_LENGTH, SHORT_COMPLAINT_NUMBER_LENGTH)
        : Number.POSITIVE_INFINITY;
    default:
      return undefined;
  }
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/**
 * Checks a mapping (parsed JSON from CDK context or a local file) against the wordings as they are now.
 * @throws TemplateMappingInvalid listing every problem, each naming the locale and wording.
 */
export function parseTemplateMapping(provider: TemplateProvider, json: unknown): TemplateMapping {
  const rules = TEMPLATE_RULES[provider];
  const problems: string[] = [];
  const root = asRecord(json);
  if (!root) throw new TemplateMappingInvalid(['must be a JSON object keyed by locale (zh-CN, en)']);
  if (root['zh-CN'] === undefined) problems.push('zh-CN: required (every customer text kind)');
  for (const key of Object.keys(root)) {
    if (!(LOCALES as readonly string[]).includes(key))
      problems.push(`${key}: not a locale (${LOCALES.join(', ')})`);
  }
  const mapping: TemplateMapping = {};
  for (const locale of LOCALES) {
    if (root[locale] === undefined) continue;
    const byName = asRecord(root[locale]);
    if (!byName) {
      problems.push(`${locale}: must be an object keyed by customer text kind`);
      continue;
    }
    for (const key of Object.keys(byName)) {
      if (!(CUSTOMER_TEMPLATE_NAMES as readonly string[]).includes(key))
        problems.push(`${locale}.${key}: not a customer text kind (${CUSTOMER_TEMPLATE_NAMES.join(', ')})`);
    }
    const entries: [CustomerTemplateName, RegisteredTemplate][] = [];
    for (const name of CUSTOMER_TEMPLATE_NAMES) {
      const where = `${locale}.${name}`;
      const entry = asRecord(byName[name]);
      if (!entry) {
        problems.push(`${where}: no template (every customer text kind needs one: {"code", "params"})`);
        continue;
      }
      const { code, params } = entry;
      if (typeof code !== 'string' || !rules.templateCode.test(code)) {
        problems.push(`${where}.code: must be a template code like SMS_123456789 (${String(code)})`);
      }
      if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) {
        problems.push(`${where}.params: must list the registered parameter names`);
        continue;
      }
      const registered = params as string[];
      const wording = templateVariables(CUSTOMER_TEMPLATES[locale][name].body);
      const missing = wording.filter((v) => !registered.includes(v));
      const extra = registered.filter((p) => !wording.includes(p));
      if (missing.length > 0 || extra.length > 0) {
        problems.push(
          `${where}.params: registered with [${registered.join(', ')}], the wording uses ` +
            `[${wording.join(', ')}]${missing.length ? `; missing ${missing.join(', ')}` : ''}` +
            `${extra.length ? `; not in the wording ${extra.join(', ')}` : ''}`,
        );
      }
      for (const variable of wording) {
        const longest = longestValue(variable, locale, rules);
        if (longest === undefined) {
          problems.push(`${where}: no known bound for {${variable}}: add one to provider-templates.ts`);
        } else if (longest > rules.maxValueLength) {
          problems.push(
            `${where}: {${variable}} can hold ${Number.isFinite(longest) ? longest : 'any number of'} ` +
              `characters, ${provider} allows ${rules.maxValueLength} per parameter`,
          );
        }
      }
      entries.push([name, { code: String(code), params: registered }]);
    }
    mapping[locale] = Object.fromEntries(entries) as Record<CustomerTemplateName, RegisteredTemplate>;
  }
  if (problems.length > 0) throw new TemplateMappingInvalid(problems);
  return mapping;
}

/** The codes of a checked mapping, compact enough for a function's environment (SMS_TEMPLATE_CODES). */
export function templateCodes(mapping: TemplateMapping): TemplateCodes {
  return Object.fromEntries(
    Object.entries(mapping).map(([locale, byName]) => [
      locale,
      Object.fromEntries(Object.entries(byName).map(([name, t]) => [name, t.code])),
    ]),
  ) as TemplateCodes;
}

/** Checks the codes the functions get: every wording of every listed locale, zh-CN required. */
export function parseTemplateCodes(provider: TemplateProvider, json: unknown): TemplateCodes {
  const rules = TEMPLATE_RULES[provider];
  const root = asRecord(json);
  if (!root) throw new TemplateMappingInvalid(['must be a JSON object keyed by locale (zh-CN, en)']);
  const problems: string[] = [];
  if (root['zh-CN'] === undefined) problems.push('zh-CN: required');
  const codes: TemplateCodes = {};
  for (const [locale, value] of Object.entries(root)) {
    if (!(LOCALES as readonly string[]).includes(locale)) {
      problems.push(`${locale}: not a locale (${LOCALES.join(', ')})`);
      continue;
    }
    const byName = asRecord(value) ?? {};
    for (const name of CUSTOMER_TEMPLATE_NAMES) {
      const code = byName[name];
      if (typeof code !== 'string' || !rules.templateCode.test(code))
        problems.push(`${locale}.${name}: needs a template code like SMS_123456789`);
    }
    codes[locale as Locale] = byName as Record<CustomerTemplateName, string>;
  }
  if (problems.length > 0) throw new TemplateMappingInvalid(problems);
  return codes;
}

/** Checks the operator's signature against the provider's rule. */
export function signNameProblem(provider: TemplateProvider, signName: string): string | undefined {
  const { min, max } = TEMPLATE_RULES[provider].signName;
  const length = [...signName].length;
  if (/[【】[\]]/.test(signName)) return 'must be given without 【】 (the carrier adds them)';
  return length < min || length > max ? `must have ${min}-${max} characters` : undefined;
}

/**
 * The parameters a composed SMS is sent with: its variables as filled, a link cut to the path after the
 * deployment's base address where the provider wants only that. Undefined when a value breaks the
 * provider's rules (the adapter refuses the text rather than have the provider cut it).
 */
export function templateParams(
  provider: TemplateProvider,
  params: Readonly<Record<string, string>>,
  publicBaseUrl: string,
): { params: Record<string, string> } | { problem: string } {
  const rules = TEMPLATE_RULES[provider];
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/`;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    let sent = value;
    if (name === 'link' && rules.linkAsPath) {
      if (!value.startsWith(base)) return { problem: `the link is not under ${base}` };
      sent = value.slice(base.length);
    }
    if ([...sent].length > rules.maxValueLength || sent.length === 0)
      return { problem: `{${name}} has ${[...sent].length} characters` };
    out[name] = sent;
  }
  return { params: out };
}

/**
 * The text to register for a wording, in the provider's syntax: `${name}` variables, the link written
 * as the fixed base address followed by `${link}` (its path). The local stand-in registers these.
 */
export function registrationText(
  provider: TemplateProvider,
  name: CustomerTemplateName,
  locale: Locale,
  publicBaseUrl: string,
): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const linkAsPath = TEMPLATE_RULES[provider].linkAsPath;
  return CUSTOMER_TEMPLATES[locale][name].body.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_all, v: string) =>
    v === 'link' && linkAsPath ? `${base}/\${link}` : `\${${v}}`,
  );
}

/**
 * A mapping for every zh-CN wording with made-up codes (SMS_9000000NN), as the local stack registers
 * them with its stand-in when no mapping file is given. Parameters are the wordings' own variables.
 */
export function exampleTemplateMapping(locales: readonly Locale[] = ['zh-CN']): TemplateMapping {
  return Object.fromEntries(
    locales.map((locale, l) => [
      locale,
      Object.fromEntries(
        CUSTOMER_TEMPLATE_NAMES.map((name, n) => [
          name,
          {
            code: `SMS_9${String(l).padStart(2, '0')}${String(n).padStart(6, '0')}`,
            params: templateVariables(CUSTOMER_TEMPLATES[locale][name].body),
          },
        ]),
      ),
    ]),
  ) as TemplateMapping;
}
