// The environment every function runs with (docs/ARCHITECTURE.md), parsed once per container. A bad or
// missing variable fails the first use with a message naming it, never echoing a value (secrets).
import * as z from 'zod';
import { CALENDAR_NAMES, type CalendarName } from '#domain/complaint';
import { parseQuietHours, QUIET_HOURS_RULE, type QuietHoursSetting } from '#domain/notifications/quiet-hours';
import {
  isSmsSignature,
  SMS_SIGN_NAME_REPLACED,
  SMS_SIGNATURE_RULE,
  smsSignName,
} from '#domain/notifications/templates';
import {
  isTemplateProvider,
  parseTemplateCodes,
  signNameProblem,
  SMS_PROVIDERS,
  TemplateMappingInvalid,
  type SmsProvider,
  type TemplateCodes,
} from '#domain/notifications/provider-templates';

/** Unset and empty are the same thing for optional variables (CloudFormation writes '' for "no value"). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

/** The extension's own default port (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT unset). */
export const DEFAULT_SECRETS_EXTENSION_PORT = 2773;

const arn = z.string().regex(/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/, 'must be an ARN');

const environmentSchema = z.object({
  TABLE_NAME: z.string().min(3, 'must name the DynamoDB table'),
  COMPLAINT_STATE_MACHINE_ARN: arn,
  NOTIFICATION_STATE_MACHINE_ARN: arn,
  STAFF_TOPIC_ARNS: jsonText.pipe(
    z.tuple([arn, arn, arn, arn], { error: 'must be a JSON array of four topic ARNs (levels 0..3)' }),
  ),
  // Only functions that hash phone numbers get it; they fail on first use without it (phone-hasher.ts).
  PHONE_HASH_SECRET_ID: optional(z.string().min(1)),
  // Only functions that read or write complaints get it; the cipher fails on first use without it.
  PERSONAL_DATA_KEY_ARN: optional(
    z.string().regex(/^arn:[^:]+:kms:[^:]+:\d{12}:key\/.+$/, 'must be a KMS key ARN'),
  ),
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: optional(
    z.coerce
      .number({ error: 'must be a port number (1-65535)' })
      .int('must be a port number (1-65535)')
      .min(1, 'must be a port number (1-65535)')
      .max(65535, 'must be a port number (1-65535)'),
  ),
  SLA_POLICY: optional(jsonText.pipe(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }))),
  COMPENSATION_RULES: optional(
    jsonText.pipe(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' })),
  ),
  ROOT_CAUSES: optional(z.string().min(2)),
  INCIDENT_SPIKE: optional(z.string().min(2)),
  COMPLAINTS_TIME_SCALE: optional(
    z.coerce.number({ error: 'must be a positive number' }).positive('must be a positive number'),
  ),
  COMPLAINT_EXECUTION_MAX_AGE_SECONDS: optional(
    z.coerce.number({ error: 'must be a positive number' }).positive('must be a positive number'),
  ),
  SMS_SENDER_ID: optional(z.string().regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')),
  SMS_SIGNATURE: optional(z.string().refine(isSmsSignature, SMS_SIGNATURE_RULE)),
  SMS_MAX_PRICE: optional(
    z.coerce.number({ error: 'must be a positive number (USD)' }).positive('must be a positive number (USD)'),
  ),
  SMS_PROVIDER: optional(z.enum(SMS_PROVIDERS, { error: `must be one of ${SMS_PROVIDERS.join(', ')}` })),
  MOBILE_PUSH: optional(z.enum(['sns', 'none'], { error: 'must be sns or none' })),
  /** The former name of the signature for mainland providers: refused with a pointer to SMS_SIGNATURE. */
  SMS_SIGN_NAME: optional(z.string()),
  SMS_TEMPLATE_CODES: optional(jsonText),
  SMS_CREDENTIALS_SECRET_ID: optional(z.string().min(1)),
  ALIYUN_SMS_ENDPOINT: optional(
    z.string().regex(/^(https?:\/\/)?[\w.-]+(:\d+)?\/?$/, 'must be a host name or http(s)://host:port'),
  ),
  SMS_ORIGINATION_IDENTITY: optional(z.string().min(1)),
  SMS_CONFIGURATION_SET: optional(z.string().min(1)),
  PUBLIC_BASE_URL: z.url('must be an absolute URL'),
  CUSTOMER_QUIET_HOURS: optional(
    z.string().transform((text, ctx) => {
      const setting = parseQuietHours(text);
      if (setting === undefined) {
        ctx.addIssue({ code: 'custom', message: QUIET_HOURS_RULE });
        return z.NEVER;
      }
      return setting;
    }),
  ),
  STAFF_ALERT_CALENDAR: optional(
    z.enum(CALENDAR_NAMES, { error: `must be one of ${CALENDAR_NAMES.join(', ')}` }),
  ),
  SLA_HOLIDAY_SCHEDULE: optional(
    jsonText.pipe(z.record(z.string(), z.unknown(), { error: 'must be a JSON object keyed by year' })),
  ),
  // Only functions that handle attachments get it; they fail on first use without it.
  ATTACHMENTS_BUCKET: optional(
    z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  ),
  S3_FORCE_PATH_STYLE: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
  FOLLOW_UP_NEUTRAL_SCORE: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
});

/** Every variable the functions read (the README's configuration table names each one). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

export interface Config {
  tableName: string;
  complaintStateMachineArn: string;
  notificationStateMachineArn: string;
  /** Index = escalation level 0..3. */
  staffTopicArns: readonly [string, string, string, string];
  /** Secrets Manager id (name or ARN) of the phone-hash HMAC key; the key itself is never in the environment. */
  phoneHashSecretId?: string;
  /** ARN of the KMS key that wraps the data keys of customers' phone numbers and names. */
  personalDataKeyArn?: string;
  /** Where the AWS Parameters and Secrets Lambda Extension (or the local stack's stand-in) listens. */
  secretsExtensionPort: number;
  /** Raw override of the SLA policy; the domain validates its shape. */
  slaPolicyOverride?: Record<string, unknown>;
  /** Raw override of the compensation rules (SPEC section 7); the domain validates its shape. */
  compensationRulesOverride?: Record<string, unknown>;
  /** ROOT_CAUSES: the root-cause taxonomy per responsible party as JSON (responsibility.ts validates it). */
  rootCauses?: string;
  /** INCIDENT_SPIKE: the spike detector's rule as JSON (functions/domain/incidents.ts validates it). */
  incidentSpike?: string;
  /** SLA durations divided by this (demos and tests); undefined: real time. */
  timeScale?: number;
  /** An execution older than this hands its complaint over to a fresh one (default 300 days; tests shorten it). */
  executionMaxAgeSeconds?: number;
  smsSenderId?: string;
  smsMaxPrice?: number;
  /** The operator's registered SMS signature, e.g. 【邮政投诉】; unset: the default. */
  smsSignature?: string;
  publicBaseUrl: string;
  /** CUSTOMER_QUIET_HOURS: when customer texts wait (default 21-08 Shanghai), or false for never. */
  customerQuietHours?: QuietHoursSetting;
  /** Staff alerts wait for this calendar's working time; '24x7' (the default) sends them at once. */
  staffAlertCalendar: CalendarName;
  /** FOLLOW_UP_NEUTRAL_SCORE: a score of 3 opens a follow-up call (回访) as 1-2 does; default false. */
  followUpNeutralScore: boolean;
  /** Raw official holiday schedules for years the library lacks; the domain validates them. */
  holidaySchedule?: Record<string, unknown>;
  /** The private bucket holding complaint attachments (photos, evidence). */
  attachmentsBucket?: string;
  /** Address the bucket by path (the local S3 stand-in) rather than by virtual host. */
  s3ForcePathStyle: boolean;
  /** Who sends customer SMS, and whether the deployment has mobile push (docs/deploy.md). */
  sms: SmsConfig;
}

export interface SmsConfig {
  /** SMS_PROVIDER (default sns). */
  provider: SmsProvider;
  /** MOBILE_PUSH: 'sns', or 'none' where SNS has no mobile push (default none with a mainland provider). */
  push: 'sns' | 'none';
  /** The registered signature without 【】, as a template provider's SignName: SMS_SIGNATURE's name. */
  signName?: string;
  /** SMS_TEMPLATE_CODES: registered template codes by locale and wording (template providers). */
  templateCodes?: TemplateCodes;
  /**
   * SMS_CREDENTIALS_SECRET_ID: Secrets Manager id of the provider's AccessKey pair (JSON). Only the function
   * that sends texts gets it; it fails on first send without it.
   */
  credentialsSecretId?: string;
  /** ALIYUN_SMS_ENDPOINT (default dysmsapi.aliyuncs.com). */
  aliyunEndpoint: string;
  /** End User Messaging: SMS_ORIGINATION_IDENTITY and SMS_CONFIGURATION_SET. */
  originationIdentity?: string;
  configurationSetName?: string;
}

export const DEFAULT_ALIYUN_SMS_ENDPOINT = 'dysmsapi.aliyuncs.com';

/** The provider's own settings, checked together (a mainland provider needs signature, codes, secret). */
function smsConfig(e: z.infer<typeof environmentSchema>): SmsConfig {
  const provider = e.SMS_PROVIDER ?? 'sns';
  const problems: { variable: string; message: string }[] = [];
  let templateCodes: TemplateCodes | undefined;
  // One setting names the signature: SMS_SIGNATURE, the texts' 【】 and (without them) a provider's SignName.
  if (e.SMS_SIGN_NAME !== undefined) {
    problems.push({ variable: 'SMS_SIGN_NAME', message: SMS_SIGN_NAME_REPLACED('SMS_SIGNATURE') });
  }
  const signName = e.SMS_SIGNATURE === undefined ? undefined : smsSignName(e.SMS_SIGNATURE);
  if (isTemplateProvider(provider)) {
    if (signName === undefined) {
      problems.push({
        variable: 'SMS_SIGNATURE',
        message: `is required with SMS_PROVIDER=${provider} (the registered signature, e.g. 【邮政投诉】)`,
      });
    } else {
      const problem = signNameProblem(provider, signName);
      if (problem) problems.push({ variable: 'SMS_SIGNATURE', message: problem });
    }
    if (e.SMS_TEMPLATE_CODES === undefined) {
      problems.push({ variable: 'SMS_TEMPLATE_CODES', message: `is required with SMS_PROVIDER=${provider}` });
    } else {
      try {
        templateCodes = parseTemplateCodes(provider, e.SMS_TEMPLATE_CODES);
      } catch (error) {
        if (!(error instanceof TemplateMappingInvalid)) throw error;
        problems.push({ variable: 'SMS_TEMPLATE_CODES', message: error.problems.join('; ') });
      }
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    provider,
    push: e.MOBILE_PUSH ?? (isTemplateProvider(provider) ? 'none' : 'sns'),
    ...(signName !== undefined && isTemplateProvider(provider) ? { signName } : {}),
    ...(templateCodes ? { templateCodes } : {}),
    ...(e.SMS_CREDENTIALS_SECRET_ID ? { credentialsSecretId: e.SMS_CREDENTIALS_SECRET_ID } : {}),
    aliyunEndpoint: e.ALIYUN_SMS_ENDPOINT ?? DEFAULT_ALIYUN_SMS_ENDPOINT,
    ...(e.SMS_ORIGINATION_IDENTITY ? { originationIdentity: e.SMS_ORIGINATION_IDENTITY } : {}),
    ...(e.SMS_CONFIGURATION_SET ? { configurationSetName: e.SMS_CONFIGURATION_SET } : {}),
  };
}

export class ConfigurationError extends Error {
  readonly variables: string[];
  constructor(problems: { variable: string; message: string }[]) {
    super(`invalid environment: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigurationError';
    this.variables = problems.map((p) => p.variable);
  }
}

/** Pure: parses the given environment (tests pass their own). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        return { variable, message: env[variable] === undefined ? 'is required' : issue.message };
      }),
    );
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    complaintStateMachineArn: e.COMPLAINT_STATE_MACHINE_ARN,
    notificationStateMachineArn: e.NOTIFICATION_STATE_MACHINE_ARN,
    staffTopicArns: e.STAFF_TOPIC_ARNS,
    phoneHashSecretId: e.PHONE_HASH_SECRET_ID,
    personalDataKeyArn: e.PERSONAL_DATA_KEY_ARN,
    secretsExtensionPort: e.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? DEFAULT_SECRETS_EXTENSION_PORT,
    slaPolicyOverride: e.SLA_POLICY,
    compensationRulesOverride: e.COMPENSATION_RULES,
    rootCauses: e.ROOT_CAUSES,
    incidentSpike: e.INCIDENT_SPIKE,
    timeScale: e.COMPLAINTS_TIME_SCALE,
    executionMaxAgeSeconds: e.COMPLAINT_EXECUTION_MAX_AGE_SECONDS,
    smsSenderId: e.SMS_SENDER_ID,
    smsMaxPrice: e.SMS_MAX_PRICE,
    smsSignature: e.SMS_SIGNATURE,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    customerQuietHours: e.CUSTOMER_QUIET_HOURS,
    staffAlertCalendar: e.STAFF_ALERT_CALENDAR ?? '24x7',
    followUpNeutralScore: e.FOLLOW_UP_NEUTRAL_SCORE === 'true',
    holidaySchedule: e.SLA_HOLIDAY_SCHEDULE,
    attachmentsBucket: e.ATTACHMENTS_BUCKET,
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    sms: smsConfig(e),
  };
}

let current: Config | undefined;

/** The container's configuration, parsed from process.env on first use. */
export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}
