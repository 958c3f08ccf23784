// The deployment's settings, read from CDK context (`-c key=value` or cdk.json "context") and validated
// before any resource is defined, so a bad value fails `cdk synth` with a message naming the key.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { UpstreamClientSpec } from '../constructs/staff-identity.ts';
import * as z from 'zod';
import { CALENDAR_NAMES } from '#domain/complaint';
import type { CalendarName } from '#domain/complaint';
import { parseHolidaySchedule } from '#domain/calendars';
import { parseCompensationRules } from '#domain/compensation';
import { parseSpikeRuleOverride } from '#domain/incidents';
import { InvalidConfiguration, parseSlaPolicyOverride } from '#domain/policy';
import { parseQuietHours, QUIET_HOURS_RULE } from '#domain/notifications/quiet-hours';
import {
  isSmsSignature,
  SMS_SIGN_NAME_REPLACED,
  SMS_SIGNATURE_RULE,
  smsSignName,
} from '#domain/notifications/templates';
import {
  API_AUTHORIZATION_MODES,
  iamPrincipalsSchema,
  type ApiAuthorizationMode,
  type IamPrincipalMapping,
} from '#commons/authorizer-context';
import {
  isTemplateProvider,
  parseTemplateMapping,
  signNameProblem,
  SMS_PROVIDERS,
  TemplateMappingInvalid,
  type SmsProvider,
  type TemplateMapping,
} from '#domain/notifications/provider-templates';

export interface DeploymentConfig {
  /** Names the deployment: stack names, the API stage, state machine and alias names. */
  stage: string;
  /** Validated partial SLA policy override, handed to the functions as SLA_POLICY. */
  slaPolicyOverride?: Record<string, unknown>;
  /** Validated official holiday schedules for years the calendar library lacks (SLA_HOLIDAY_SCHEDULE). */
  holidaySchedule?: Record<string, unknown>;
  /** Validated partial override of the compensation rules (SPEC section 7), handed over as COMPENSATION_RULES. */
  compensationRules?: Record<string, unknown>;
  /** Validated mass-incident spike rule (SPEC section 13), handed over as INCIDENT_SPIKE. */
  incidentSpike?: Record<string, unknown>;
  smsSenderId?: string;
  /** The operator's registered SMS signature (签名) for Chinese texts, handed over as SMS_SIGNATURE. */
  smsSignature?: string;
  /** USD per SMS. */
  smsMaxPrice?: number;
  /** When customer texts wait (whole Shanghai hours "21-08", or "off"), handed over as CUSTOMER_QUIET_HOURS. */
  customerQuietHours?: string;
  /** Base of links in customer texts; unset: the API's own URL. */
  publicBaseUrl?: string;
  logRetention: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Subscribed to the ops alarm topic when given. */
  alarmEmail?: string;
  /** Staff alerts wait for this calendar's working time: 24x7 pages at once, cn-workdays holds nights and holidays. */
  staffAlertCalendar: CalendarName;
  /** A score of 3 opens a follow-up call (回访) as 1-2 does; handed over as FOLLOW_UP_NEUTRAL_SCORE. */
  followUpNeutralScore: boolean;
  /** Steady-state requests per second and burst, for the stage and for each API key's usage plan. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Whether callers must send an API key (then throttled per key by the usage plan). */
  apiKeyRequired: boolean;
  /**
   * The AWS Parameters and Secrets Lambda Extension layer (arm64) for the deployment's region; unset:
   * aws-cdk-lib's own region table, which has no China region.
   */
  secretsExtensionLayerArn?: string;
  /** Upstream systems, each an app client of the user pool with the client-credentials flow. */
  upstreamClients: UpstreamClientSpec[];
  /**
   * Trust another issuer instead of creating a Cognito user pool (required in the China regions, which have
   * none): its URL, its JWKS (default: issuer + /.well-known/jwks.json) and the accepted client ids.
   */
  externalIssuer?: { issuer: string; jwksUri?: string; clientIds?: string[] };
  /**
   * How API Gateway authenticates callers: `jwt` (bearer tokens through the Lambda authorizer, the default)
   * or `iam` (SigV4-signed requests, each calling IAM principal mapped to a product identity below).
   */
  apiAuthorization: ApiAuthorizationMode;
  /** `iam` only: role (or user) ARN -> id and roles, handed to the API functions as IAM_PRINCIPALS. */
  iamPrincipals: IamPrincipalMapping[];
  /** USD a month the account may spend on SMS (SNS's spend quota): the spend alarm fires at 80%. */
  smsMonthlySpendLimit: number;
  /** Requests per client IP in 5 minutes the web ACL lets through to the customer link routes. */
  publicRateLimitPerIp: number;
  /** Reserve the sender's concurrency (false where the account's concurrency quota is too small to reserve). */
  reserveSendConcurrency: boolean;
  /** Who sends customer SMS and whether the deployment has mobile push (docs/deploy.md). */
  sms: DeploymentSms;
}

export interface DeploymentSms {
  provider: SmsProvider;
  /** 'none' where Amazon SNS has no mobile push (the China regions): push customers are texted. */
  push: 'sns' | 'none';
  /** The registered signature without 【】 (mainland providers' SignName): smsSignature's name. */
  signName?: string;
  /** Checked against the wordings at synth (mainland providers). */
  templates?: TemplateMapping;
  /** End User Messaging: origination identity and configuration set. */
  originationIdentity?: string;
  configurationSetName?: string;
}

/** The context keys this app reads, with the value used when a key is not given. */
export const CONTEXT_DEFAULTS = {
  stage: 'dev',
  logRetentionDays: 90,
  logLevel: 'INFO',
  staffAlertCalendar: '24x7',
  apiRateLimit: 50,
  apiBurstLimit: 100,
  apiKeyRequired: false,
  apiAuthorization: 'jwt',
  // SNS's default account spend quota for SMS: raise both together.
  smsMonthlySpendLimit: 1,
  publicRateLimitPerIp: 500,
  reserveSendConcurrency: true,
  followUpNeutralScore: false,
} as const;

export const CONTEXT_KEYS = [
  'stage',
  'slaPolicy',
  'holidaySchedule',
  'compensationRules',
  'incidentSpike',
  'smsSenderId',
  'smsSignature',
  'smsMaxPrice',
  'customerQuietHours',
  'publicBaseUrl',
  'logRetentionDays',
  'logLevel',
  'alarmEmail',
  'staffAlertCalendar',
  'followUpNeutralScore',
  'apiRateLimit',
  'apiBurstLimit',
  'apiKeyRequired',
  'secretsExtensionLayerArn',
  'upstreamClients',
  'authIssuer',
  'authJwksUri',
  'authClientIds',
  'apiAuthorization',
  'iamPrincipals',
  'smsProvider',
  'smsSignName',
  'smsTemplates',
  'smsOriginationIdentity',
  'smsConfigurationSet',
  'mobilePush',
  'smsMonthlySpendLimit',
  'publicRateLimitPerIp',
  'reserveSendConcurrency',
] as const;

export class DeploymentConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid CDK context:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DeploymentConfigError';
  }
}

const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (days): days is number => typeof days === 'number',
);

// `-c key=value` always arrives as a string; cdk.json context may hold real JSON values.
const fromJsonText = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
const flag = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: 'must be true or false' }),
);
const positiveNumber = z.coerce.number({ error: 'must be a number' }).positive('must be positive');
const positiveInteger = positiveNumber.int('must be a whole number');

/** JSON checked by the domain's own parser, so synth rejects exactly what the functions would. */
const validatedBy = (parse: (json: unknown) => unknown) =>
  z.preprocess(fromJsonText, z.unknown()).superRefine((json, ctx) => {
    try {
      parse(json);
    } catch (error) {
      if (!(error instanceof InvalidConfiguration)) throw error;
      for (const problem of error.errors)
        ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }
  });

/** IAM_PRINCIPALS shares Lambda's 4 KB of environment with the other variables. */
export const MAX_IAM_PRINCIPALS_JSON = 2500;

const contextSchema = z
  .object({
    stage: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,19}$/,
        'must be 1-20 lowercase letters, digits or dashes, starting with a letter',
      )
      .default(CONTEXT_DEFAULTS.stage),
    slaPolicy: validatedBy(parseSlaPolicyOverride).optional(),
    holidaySchedule: validatedBy(parseHolidaySchedule).optional(),
    compensationRules: validatedBy(parseCompensationRules).optional(),
    incidentSpike: validatedBy(parseSpikeRuleOverride).optional(),
    smsSenderId: z
      .string()
      .regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')
      .optional(),
    smsSignature: z.string().refine(isSmsSignature, SMS_SIGNATURE_RULE).optional(),
    smsMaxPrice: positiveNumber.optional(),
    customerQuietHours: z
      .string()
      .refine((text) => parseQuietHours(text) !== undefined, QUIET_HOURS_RULE)
      .optional(),
    publicBaseUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    logRetentionDays: z.coerce
      .number()
      .refine((days) => RETENTION_DAYS.includes(days), `must be one of ${RETENTION_DAYS.join(', ')}`)
      .default(CONTEXT_DEFAULTS.logRetentionDays),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default(CONTEXT_DEFAULTS.logLevel),
    alarmEmail: z.email('must be an email address').optional(),
    staffAlertCalendar: z
      .enum(CALENDAR_NAMES, { error: `must be one of ${CALENDAR_NAMES.join(', ')}` })
      .default(CONTEXT_DEFAULTS.staffAlertCalendar),
    apiRateLimit: positiveInteger.default(CONTEXT_DEFAULTS.apiRateLimit),
    apiBurstLimit: positiveInteger.default(CONTEXT_DEFAULTS.apiBurstLimit),
    apiKeyRequired: flag.default(CONTEXT_DEFAULTS.apiKeyRequired),
    smsMonthlySpendLimit: positiveNumber.default(CONTEXT_DEFAULTS.smsMonthlySpendLimit),
    // WAF's rate-based rules take 10 to 2,000,000,000 requests per window.
    publicRateLimitPerIp: positiveInteger
      .min(10, 'must be at least 10 (WAF)')
      .max(2_000_000_000, 'must be at most 2000000000 (WAF)')
      .default(CONTEXT_DEFAULTS.publicRateLimitPerIp),
    reserveSendConcurrency: flag.default(CONTEXT_DEFAULTS.reserveSendConcurrency),
    followUpNeutralScore: flag.default(CONTEXT_DEFAULTS.followUpNeutralScore),
    secretsExtensionLayerArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/,
        'must be a Lambda layer version ARN (arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION)',
      )
      .optional(),
    upstreamClients: z
      .preprocess(
        fromJsonText,
        z.array(
          z.strictObject({
            name: z
              .string()
              .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or dashes'),
            delegation: z.boolean().optional(),
          }),
        ),
      )
      .refine((clients) => new Set(clients.map((c) => c.name)).size === clients.length, 'names must differ')
      .default([]),
    authIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    authJwksUri: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    authClientIds: z
      .string()
      .regex(/^[\w.-]+(,[\w.-]+)*$/, 'must be comma-separated client ids')
      .optional(),
    apiAuthorization: z
      .enum(API_AUTHORIZATION_MODES, { error: `must be one of ${API_AUTHORIZATION_MODES.join(', ')}` })
      .default(CONTEXT_DEFAULTS.apiAuthorization),
    iamPrincipals: z.preprocess(fromJsonText, iamPrincipalsSchema).optional(),
    smsProvider: z
      .enum(SMS_PROVIDERS, { error: `must be one of ${SMS_PROVIDERS.join(', ')}` })
      .default('sns'),
    // The former name of the signature for mainland providers: read only to point at smsSignature.
    smsSignName: z.string().optional(),
    smsTemplates: z.preprocess(fromJsonText, z.unknown()).optional(),
    smsOriginationIdentity: z.string().min(1).optional(),
    smsConfigurationSet: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a configuration set name')
      .optional(),
    mobilePush: z.enum(['sns', 'none'], { error: 'must be sns or none' }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.apiAuthorization === 'iam' && (c.iamPrincipals ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['iamPrincipals'],
        message:
          'required with apiAuthorization=iam: the IAM principals that may call, with their id and roles',
      });
    }
    if (JSON.stringify(c.iamPrincipals ?? []).length > MAX_IAM_PRINCIPALS_JSON) {
      ctx.addIssue({
        code: 'custom',
        path: ['iamPrincipals'],
        message: `must fit in ${MAX_IAM_PRINCIPALS_JSON} characters of JSON: it travels in the API functions' environment (4 KB in all); map roles, not people`,
      });
    }
    if (c.apiAuthorization === 'jwt' && c.iamPrincipals !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['iamPrincipals'],
        message: 'only read with apiAuthorization=iam',
      });
    }
  });

/** A mainland provider's signature and template mapping, checked by the domain as the start checks them. */
function smsIssues(c: z.infer<typeof contextSchema>): { templates?: TemplateMapping; problems: string[] } {
  // One key names the signature: smsSignature, the texts' 【】 and (without them) a provider's SignName.
  const replaced =
    c.smsSignName === undefined ? [] : [`smsSignName: ${SMS_SIGN_NAME_REPLACED('smsSignature')}`];
  if (!isTemplateProvider(c.smsProvider)) return { problems: replaced };
  const problems: string[] = [...replaced];
  if (c.smsSignature === undefined) {
    problems.push(
      `smsSignature: required with smsProvider ${c.smsProvider} (the registered signature, e.g. 【邮政投诉】)`,
    );
  } else {
    const problem = signNameProblem(c.smsProvider, smsSignName(c.smsSignature));
    if (problem) problems.push(`smsSignature: ${problem}`);
  }
  if (c.smsTemplates === undefined) {
    problems.push(
      `smsTemplates: required with smsProvider ${c.smsProvider} (every customer text kind's registered template)`,
    );
    return { problems };
  }
  try {
    return { templates: parseTemplateMapping(c.smsProvider, c.smsTemplates), problems };
  } catch (error) {
    if (!(error instanceof TemplateMappingInvalid)) throw error;
    return { problems: [...problems, ...error.problems.map((problem) => `smsTemplates.${problem}`)] };
  }
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Reads and validates every context key. @throws DeploymentConfigError listing each bad key. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const raw = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, node.tryGetContext(key) as unknown]).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DeploymentConfigError(
      parsed.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`),
    );
  }
  const c = parsed.data;
  const sms = smsIssues(c);
  if (sms.problems.length > 0) throw new DeploymentConfigError(sms.problems);
  return {
    stage: c.stage,
    slaPolicyOverride: c.slaPolicy as Record<string, unknown> | undefined,
    holidaySchedule: c.holidaySchedule as Record<string, unknown> | undefined,
    compensationRules: c.compensationRules as Record<string, unknown> | undefined,
    incidentSpike: c.incidentSpike as Record<string, unknown> | undefined,
    smsSenderId: c.smsSenderId,
    smsSignature: c.smsSignature,
    smsMaxPrice: c.smsMaxPrice,
    customerQuietHours: c.customerQuietHours,
    publicBaseUrl: c.publicBaseUrl,
    logRetention: c.logRetentionDays as RetentionDays,
    logLevel: c.logLevel,
    alarmEmail: c.alarmEmail,
    staffAlertCalendar: c.staffAlertCalendar,
    followUpNeutralScore: c.followUpNeutralScore,
    apiThrottle: { rateLimit: c.apiRateLimit, burstLimit: c.apiBurstLimit },
    smsMonthlySpendLimit: c.smsMonthlySpendLimit,
    publicRateLimitPerIp: c.publicRateLimitPerIp,
    reserveSendConcurrency: c.reserveSendConcurrency,
    apiKeyRequired: c.apiKeyRequired,
    secretsExtensionLayerArn: c.secretsExtensionLayerArn,
    ...(c.authIssuer
      ? {
          externalIssuer: {
            issuer: c.authIssuer,
            ...(c.authJwksUri ? { jwksUri: c.authJwksUri } : {}),
            ...(c.authClientIds ? { clientIds: c.authClientIds.split(',') } : {}),
          },
        }
      : {}),
    apiAuthorization: c.apiAuthorization,
    iamPrincipals: c.iamPrincipals ?? [],
    upstreamClients: c.upstreamClients.map((client) => ({
      name: client.name,
      ...(client.delegation ? { delegation: true } : {}),
    })),
    sms: {
      provider: c.smsProvider,
      push: c.mobilePush ?? (isTemplateProvider(c.smsProvider) ? 'none' : 'sns'),
      ...(c.smsSignature !== undefined && isTemplateProvider(c.smsProvider)
        ? { signName: smsSignName(c.smsSignature) }
        : {}),
      ...(sms.templates ? { templates: sms.templates } : {}),
      ...(c.smsOriginationIdentity ? { originationIdentity: c.smsOriginationIdentity } : {}),
      ...(c.smsConfigurationSet ? { configurationSetName: c.smsConfigurationSet } : {}),
    },
  };
}
