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

export interface DeploymentConfig {
  /** Names the deployment: stack names, the API stage, state machine and alias names. */
  stage: string;
  /** Validated partial SLA policy override, handed to the functions as SLA_POLICY. */
  slaPolicyOverride?: Record<string, unknown>;
  /** Validated official holiday schedules for years the calendar library lacks (SLA_HOLIDAY_SCHEDULE). */
  holidaySchedule?: Record<string, unknown>;
  /** Validated partial override of the compensation rules (SPEC section 7), handed over as COMPENSATION_RULES. */
  compensationRules?: Record<string, unknown>;
  /** Validated mass-incident spike rule (SPEC section 11), handed over as INCIDENT_SPIKE. */
  incidentSpike?: Record<string, unknown>;
  smsSenderId?: string;
  /** USD per SMS. */
  smsMaxPrice?: number;
  /** Base of links in customer texts; unset: the API's own URL. */
  publicBaseUrl?: string;
  logRetention: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Subscribed to the ops alarm topic when given. */
  alarmEmail?: string;
  /** Staff alerts wait for this calendar's working time: 24x7 pages at once, cn-workdays holds nights and holidays. */
  staffAlertCalendar: CalendarName;
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
} as const;

export const CONTEXT_KEYS = [
  'stage',
  'slaPolicy',
  'holidaySchedule',
  'compensationRules',
  'incidentSpike',
  'smsSenderId',
  'smsMaxPrice',
  'publicBaseUrl',
  'logRetentionDays',
  'logLevel',
  'alarmEmail',
  'staffAlertCalendar',
  'apiRateLimit',
  'apiBurstLimit',
  'apiKeyRequired',
  'secretsExtensionLayerArn',
  'upstreamClients',
  'authIssuer',
  'authJwksUri',
  'authClientIds',
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

const contextSchema = z.object({
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
  smsMaxPrice: positiveNumber.optional(),
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
});

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
  return {
    stage: c.stage,
    slaPolicyOverride: c.slaPolicy as Record<string, unknown> | undefined,
    holidaySchedule: c.holidaySchedule as Record<string, unknown> | undefined,
    compensationRules: c.compensationRules as Record<string, unknown> | undefined,
    incidentSpike: c.incidentSpike as Record<string, unknown> | undefined,
    smsSenderId: c.smsSenderId,
    smsMaxPrice: c.smsMaxPrice,
    publicBaseUrl: c.publicBaseUrl,
    logRetention: c.logRetentionDays as RetentionDays,
    logLevel: c.logLevel,
    alarmEmail: c.alarmEmail,
    staffAlertCalendar: c.staffAlertCalendar,
    apiThrottle: { rateLimit: c.apiRateLimit, burstLimit: c.apiBurstLimit },
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
    upstreamClients: c.upstreamClients.map((client) => ({
      name: client.name,
      ...(client.delegation ? { delegation: true } : {}),
    })),
  };
}
