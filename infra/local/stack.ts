// The embedded default: the whole system on one machine. dynalite stands in for DynamoDB, the local Step
// Functions endpoint runs the workflows/ definitions with aws-local-stepfunctions, a local SNS endpoint
// records every message in an outbox, and a local gateway turns HTTP into API Gateway events. The
// handlers are the deployed ones; they find the local servers through the SDK's endpoint variables.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { complaintTableDefinition } from '#adapters/table-design';
import { PHONE_HASH_KEY_MIN_LENGTH } from '#commons/phone-hasher';
import { emptyReport, type ReconcileReport } from '#use-cases/reconcile';
import {
  complaintDefinitionTemplate,
  notificationDefinitionTemplate,
  renderDefinition,
} from '#workflows/definitions';
import { EXECUTION_STATUS_CHANGE } from '../../functions/ops/execution-events.ts';
import { WORKFLOW_TASKS } from '../../functions/workflow/tasks.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startLocalDynamo, type LocalDynamo } from './dynamo/server.ts';
import { startLocalDynamoInWorker } from './dynamo/worker.ts';
import { fieldErrors, problemResult, validationProblem } from '#commons/http-problem';
import { bundleModule } from './lambda/function-bundles.ts';
import { checkLevelStore } from './dynamo/level-store-check.ts';
import { readOutboxFile } from './sns/outbox-file.ts';
import { checkExecutionJournal, JOURNAL_FILE } from './sfn/journal.ts';
import { loadApiRoutes, startGateway, type RunningGateway, type TokenAuthorizer } from './gateway/server.ts';
import {
  DEFAULT_TOKEN_SECONDS,
  startLocalTokenIssuer,
  tokenRequestSchema,
  type LocalTokenIssuer,
} from './cognito/token-issuer.ts';
import {
  startLocalStepFunctions,
  type LambdaHandler,
  type LocalEventRule,
  type LocalStepFunctions,
} from './sfn/server.ts';
import { startLocalKms, type LocalKms } from './kms/server.ts';
import { startLocalS3, type LocalS3 } from './s3/server.ts';
import { startLocalSecrets, type LocalSecrets } from './secrets/server.ts';
import { startLocalSns, type LocalSns, type OutboxEntry } from './sns/server.ts';
import { startLocalEum, type LocalEum } from './sms/eum-server.ts';
import { startLocalAliyun, type LocalAliyun } from './sms/aliyun-server.ts';
import {
  exampleTemplateMapping,
  parseTemplateMapping,
  TemplateMappingInvalid,
  registrationText,
  templateCodes,
  type SmsProvider,
  type TemplateMapping,
} from '#domain/notifications/provider-templates';
import type { Locale } from '#domain/complaint';
import type { CustomerTemplateName } from '#domain/notifications/templates';

const REGION = 'us-east-1';
const PARTITION = 'aws';
const ACCOUNT = '000000000000';
const TABLE_NAME = 'complaints';
const COMPLAINT_MACHINE = `arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:complaints`;
// As deployed: functions start executions through the machines' `live` alias, and the definitions invoke
// qualified function ARNs (on AWS, the versions a deploy published; locally there is one of each).
const LIVE = 'live';
const NOTIFICATION_MACHINE = `arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:complaint-notifications`;
const DEAD_LETTER_QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/complaint-notifications-dlq`;
const PHONE_HASH_SECRET_ID = 'complaints/local/phone-hash-key';
export const PERSONAL_DATA_KEY_ALIAS = 'alias/complaints-local-personal-data';
/** The attachments bucket of the local S3 stand-in (customers' photos, staff evidence). */
export const ATTACHMENTS_BUCKET = 'complaints-local-attachments';
const STAFF_TOPICS = [0, 1, 2, 3].map(
  (level) => `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:complaints-staff-level-${level}`,
);

export interface EmbeddedStackOptions {
  /** Where dynalite and the outbox persist; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** API port; 0 picks a free one. */
  port: number;
  /** Ports of the local AWS servers; absent or 0 picks a free one. */
  servicePorts?: Partial<Record<LocalService, number>>;
  host?: string;
  /** COMPLAINTS_TIME_SCALE: SLA durations divided by N. */
  timeScale?: number;
  /** Human-readable lines (outbox echo, start-up); silent when absent. */
  log?: (line: string) => void;
  /** Extra environment for the handlers (e.g. SLA_POLICY). */
  environment?: Record<string, string>;
  /** Run the reconciler once after start (resumes open complaints); default true. */
  reconcileOnStart?: boolean;
  /** The reconciler's period (ms) while the stack runs, as the schedule on AWS (default 15 min; 0: none). */
  reconcileIntervalMs?: number;
  /**
   * Deliver the executions' status change events to the self-healing handler, as the EventBridge rule
   * does on AWS (default true; false shows what happens when an event is lost).
   */
  executionEvents?: boolean;
  /** Numbers (E.164) the local SMS provider treats as opted out, as a real carrier would report them. */
  optedOutNumbers?: readonly string[];
  /** The phone-hash HMAC key; default: PHONE_HASH_SECRET, else one random key per data directory. */
  phoneHashKey?: string;
  /**
   * A directory file (`{ hq, regions, outlets }`, docs/ARCHITECTURE.md) loaded at start as an admin would
   * (units stored, alert recipients subscribed); default ORG_DIRECTORY_FILE.
   */
  orgDirectoryFile?: string;
  /**
   * Run the deployed bundles instead of the TypeScript sources: a directory of `<functionName>/index.mjs`
   * (ensureFunctionBundles in lambda/function-bundles.ts builds it with the CDK's esbuild options).
   */
  functionBundles?: string;
  /** Tests only: shorter Retry intervals by state name (ms), so retry paths run in seconds. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Who sends customer SMS (SMS_PROVIDER for the handlers); default sns. Every provider's stand-in runs. */
  smsProvider?: SmsProvider;
  /**
   * The registered template mapping (JSON, docs/deploy.md) the Alibaba Cloud SMS stand-in registers and the
   * handlers get the codes of; default: every zh-CN wording under a made-up code. Checked at start.
   */
  smsTemplatesFile?: string;
  /** The registered signature without 【】 (from SMS_SIGNATURE); default 邮政投诉. */
  smsSignName?: string;
  /**
   * Tests and benchmarks: every Retry's IntervalSeconds and MaxDelaySeconds divided by this, backoff and
   * jitter kept (retryIntervalOverrides, where given, replace both).
   */
  retryTimeScale?: number;
  /** LOCAL_SNS_MAX_RATE: Publish requests a second before the local SNS answers Throttled (default: none). */
  snsMaxRate?: number;
  /**
   * Enforce the task functions' reserved concurrency (functions/workflow/tasks.ts) as Lambda does: above it
   * an invocation is throttled and the state machine backs off. `npm start` in real time and the burst
   * tests turn it on; off by default, so tests that send many texts at once are not slowed by the long
   * backoff.
   */
  reservedConcurrency?: boolean;
  /**
   * Run dynalite on its own worker thread (dynamo-worker.ts), so it uses the second core (default false;
   * `npm start` turns it on). Off, `dynamo.failNext` injects failures (tests).
   */
  dynamoWorker?: boolean;
}

/** The local stand-in's signature and AccessKey id; its secret is random per start. */
export const LOCAL_SMS_SIGN_NAME = '邮政投诉';
const ALIYUN_SECRET_ID = 'complaints/local/aliyun-sms';

/** The local servers whose ports an operator may pin (cognito: the token issuer; eum, aliyun: SMS). */
export type LocalService =
  'dynamodb' | 'sfn' | 'sns' | 'secrets' | 'kms' | 's3' | 'cognito' | 'eum' | 'aliyun';

/** Written into the data directory while the stack runs, for tools to source; removed on a clean stop. */
export const ENDPOINTS_FILE = 'endpoints.env';

export interface EmbeddedStack {
  url: string;
  dynamo: LocalDynamo;
  sfn: LocalStepFunctions;
  sns: LocalSns;
  /** AWS End User Messaging SMS's stand-in (texts into the SNS outbox). */
  eum: LocalEum;
  /** Alibaba Cloud SMS's stand-in (texts into the SNS outbox, as the customer reads them). */
  aliyun: LocalAliyun;
  /** The registered template mapping the Alibaba stand-in holds (checked at start). */
  smsTemplates: TemplateMapping;
  /** The secrets extension's stand-in, holding the phone-hash key under PHONE_HASH_SECRET_ID. */
  secrets: LocalSecrets;
  /** KMS's stand-in, holding the key that wraps personal data (PERSONAL_DATA_KEY_ALIAS). */
  kms: LocalKms;
  /** S3's stand-in (s3rver), holding the attachments bucket (ATTACHMENTS_BUCKET) under DATA_DIR/s3. */
  s3: LocalS3;
  gateway: RunningGateway;
  /** The Cognito stand-in: signs the access tokens the authorizer accepts here. */
  issuer: LocalTokenIssuer;
  reconciled: ReconcileReport;
  /** One reconciler pass through the ops handler, as the schedule and `npm run complaints -- reconcile` run it. */
  runOps(command?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** The reconciler's schedule on AWS (infra/stacks/service-stack.ts) and its default period here. */
export const LOCAL_RECONCILE_INTERVAL_MS = 15 * 60_000;
/** The ops functions' timeout on AWS: what a local run reports as its remaining time. */
const OPS_TIMEOUT_MS = 900_000;

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Whatever started is stopped again when a later step fails, so a failed start leaves nothing running.
  const started: (() => Promise<void> | void)[] = [];
  const stopStarted = async () => {
    for (let stop = started.pop(); stop; stop = started.pop()) await stop();
  };
  try {
    if (dataDir) {
      const lock = lockDataDir(dataDir);
      started.push(() => lock.release());
      if (lock.staleOwner !== undefined) {
        log(`took over the lock of process ${lock.staleOwner} on ${dataDir}: it no longer runs`);
      }
    }
    return await startServers(options, dataDir, log, started, stopStarted);
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

async function startServers(
  options: EmbeddedStackOptions,
  dataDir: string | undefined,
  log: (line: string) => void,
  started: (() => Promise<void> | void)[],
  stopStarted: () => Promise<void>,
): Promise<EmbeddedStack> {
  const ports = options.servicePorts ?? {};
  if (dataDir) {
    // Both before either opens: a start refused for a damaged outbox must not have rewritten the store.
    checkLevelStore(join(dataDir, 'dynamo'));
    readOutboxFile(join(dataDir, 'outbox.jsonl'));
    checkExecutionJournal(join(dataDir, JOURNAL_FILE));
  }
  // Refused before anything starts: a mapping that no longer matches the wordings (provider-templates.ts).
  const smsTemplates = options.smsTemplatesFile
    ? parseTemplateMapping('aliyun', readTemplateFile(options.smsTemplatesFile))
    : exampleTemplateMapping();
  if (options.smsProvider === 'aliyun' && !options.smsTemplatesFile)
    parseTemplateMapping('aliyun', smsTemplates);
  const smsSignName = options.smsSignName ?? LOCAL_SMS_SIGN_NAME;
  const phoneHashSecret = phoneHashKey(options.phoneHashKey, dataDir);
  const aliyunCredentials = {
    accessKeyId: 'LTAIlocal',
    accessKeySecret: randomBytes(24).toString('base64url'),
  };

  const dynamo = await (options.dynamoWorker ? startLocalDynamoInWorker : startLocalDynamo)({
    ...(dataDir ? { path: join(dataDir, 'dynamo') } : {}),
    ...(ports.dynamodb ? { port: ports.dynamodb } : {}),
    tables: [complaintTableDefinition(TABLE_NAME)],
    log,
  });
  started.push(() => dynamo.close());
  const sns = await startLocalSns({
    ...(dataDir
      ? {
          outboxPath: join(dataDir, 'outbox.jsonl'),
          subscriptionsPath: join(dataDir, 'sns-subscriptions.json'),
        }
      : {}),
    ...(ports.sns ? { port: ports.sns } : {}),
    ...(options.optedOutNumbers ? { optedOutNumbers: options.optedOutNumbers } : {}),
    ...(options.snsMaxRate ? { maxRate: options.snsMaxRate } : {}),
    topics: STAFF_TOPICS,
    log,
  });
  started.push(() => sns.close());
  const issuer = await startLocalTokenIssuer({
    ...(dataDir ? { dataDir } : {}),
    ...(ports.cognito ? { port: ports.cognito } : {}),
    log,
  });
  started.push(() => issuer.close());
  // The handlers fetch the key as deployed ones do: from the extension's API, with the session token.
  const sessionToken = randomUUID();
  const eum = await startLocalEum({
    record: (entry) => sns.record(entry),
    ...(options.optedOutNumbers ? { optedOutNumbers: options.optedOutNumbers } : {}),
    ...(ports.eum ? { port: ports.eum } : {}),
    log,
  });
  started.push(() => eum.close());
  const secrets = await startLocalSecrets({
    secrets: {
      [PHONE_HASH_SECRET_ID]: phoneHashSecret,
      [ALIYUN_SECRET_ID]: JSON.stringify(aliyunCredentials),
    },
    sessionToken,
    ...(ports.secrets ? { port: ports.secrets } : {}),
    log,
  });
  started.push(() => secrets.close());
  // Phone numbers and names are sealed under a data key from KMS, as deployed; the key stays in DATA_DIR.
  const kms = await startLocalKms({
    ...(dataDir ? { keyFile: join(dataDir, 'kms-keys.json') } : {}),
    ...(ports.kms ? { port: ports.kms } : {}),
    aliases: [PERSONAL_DATA_KEY_ALIAS],
    log,
  });
  started.push(() => kms.close());
  // Attachments as deployed: presigned uploads and signed reads against the bucket, objects in DATA_DIR/s3.
  const s3 = await startLocalS3({
    ...(dataDir ? { directory: join(dataDir, 's3') } : {}),
    ...(ports.s3 ? { port: ports.s3 } : {}),
    buckets: [ATTACHMENTS_BUCKET],
    accessKeyId: 'local',
    secretAccessKey: 'local',
    log,
  });
  started.push(() => s3.close());
  // Everything below reads configuration lazily, so the environment is complete before the first call.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: sessionToken,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    // s3rver serves buckets by path, not by virtual host.
    S3_FORCE_PATH_STYLE: 'true',
    ATTACHMENTS_BUCKET,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: eum.endpoint,
    SMS_PROVIDER: options.smsProvider ?? 'sns',
    // The one signature setting: the texts' 【】 and, without them, the SignName the stand-in registers.
    SMS_SIGNATURE: `【${smsSignName}】`,
    SMS_TEMPLATE_CODES: JSON.stringify(templateCodes(smsTemplates)),
    SMS_CREDENTIALS_SECRET_ID: ALIYUN_SECRET_ID,
    PERSONAL_DATA_KEY_ARN: kms.key(PERSONAL_DATA_KEY_ALIAS).arn,
    TABLE_NAME,
    COMPLAINT_STATE_MACHINE_ARN: `${COMPLAINT_MACHINE}:${LIVE}`,
    NOTIFICATION_STATE_MACHINE_ARN: `${NOTIFICATION_MACHINE}:${LIVE}`,
    STAFF_TOPIC_ARNS: JSON.stringify(STAFF_TOPICS),
    PHONE_HASH_SECRET_ID,
    // The authorizer trusts this issuer as the deployed one trusts the user pool (AUTH_CLIENT_IDS unset:
    // any app client of the issuer, as every client of a user pool is one the operator created).
    AUTH_ISSUER: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(secrets.port),
    POWERTOOLS_SERVICE_NAME: 'complaints',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...(options.timeScale ? { COMPLAINTS_TIME_SCALE: String(options.timeScale) } : {}),
    ...options.environment,
  });

  const handlers = await loadTaskHandlers(options.functionBundles);
  const ops = await loadOpsHandlers(options.functionBundles);
  const sfn = await startLocalStepFunctions({
    stateMachines: [
      {
        arn: COMPLAINT_MACHINE,
        definition: renderDefinition(complaintDefinitionTemplate(), substitutions('complaint')),
      },
      {
        arn: NOTIFICATION_MACHINE,
        definition: renderDefinition(notificationDefinitionTemplate(), {
          ...substitutions('notification'),
          DeadLetterQueueUrl: DEAD_LETTER_QUEUE_URL,
        }),
      },
    ],
    lambdaHandlers: handlers,
    ...(ports.sfn ? { port: ports.sfn } : {}),
    // Executions outlive the process with the data: a restart re-arms the waiting ones from the journal.
    ...(dataDir ? { journalFile: join(dataDir, JOURNAL_FILE) } : {}),
    eventRules: options.executionEvents === false ? [] : [statusChangeRule(ops.statusChanged)],
    log,
    ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
    ...(options.retryTimeScale ? { retryTimeScale: options.retryTimeScale } : {}),
    // Reserved concurrency as deployed (functions/workflow/tasks.ts): above it, an invocation is throttled.
    ...(options.reservedConcurrency
      ? {
          lambdaConcurrency: Object.fromEntries(
            WORKFLOW_TASKS.flatMap((t) =>
              'reservedConcurrency' in t ? [[functionArn(t.functionName), t.reservedConcurrency]] : [],
            ),
          ),
        }
      : {}),
    serviceHandlers: {
      [`arn:${PARTITION}:states:::sqs:sendMessage`]: (parameters) => deadLetter(sns, parameters, log),
    },
  });
  started.push(() => sfn.close());
  process.env.AWS_ENDPOINT_URL_SFN = sfn.endpoint;
  if (sfn.restored.tornLastLine)
    log('the Step Functions journal ended in a line cut short (a crash mid-write): it was left out');
  const { parked, reentered, closed, unknownMachine } = sfn.restored;
  if (unknownMachine > 0)
    log(
      `the Step Functions journal holds ${unknownMachine} execution(s) of state machines no longer hosted: left out`,
    );
  if (parked + reentered + closed > 0)
    log(
      `executions from the last run: ${parked} waiting again on their callbacks, ${reentered} re-entering the state they were in, ${closed} closed`,
    );

  const gateway = await startGateway({
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    routes: await loadApiRoutes(options.functionBundles),
    authorizer: await loadAuthorizer(),
    extraRoutes: [
      { method: 'GET', resource: '/_local/outbox', handler: outboxRoute(sns), public: true },
      { method: 'POST', resource: '/_local/token', handler: tokenRoute(issuer), public: true },
      { method: 'POST', resource: '/_local/reconcile', handler: opsRoute(ops.run) },
    ],
  });
  started.push(() => gateway.close());

  // Links in texts point at this gateway unless the operator names a public address.
  process.env.PUBLIC_BASE_URL = options.environment?.PUBLIC_BASE_URL ?? `http://localhost:${gateway.port}`;

  // Alibaba's templates hold the fixed link address, so they are registered once it is known.
  const aliyun = await startLocalAliyun({
    record: (entry) => sns.record(entry),
    ...aliyunCredentials,
    signNames: [smsSignName],
    templates: registeredTemplates(smsTemplates, process.env.PUBLIC_BASE_URL),
    ...(ports.aliyun ? { port: ports.aliyun } : {}),
    log,
  });
  started.push(() => aliyun.close());
  process.env.ALIYUN_SMS_ENDPOINT = options.environment?.ALIYUN_SMS_ENDPOINT ?? aliyun.endpoint;

  const directoryFile = options.orgDirectoryFile ?? process.env.ORG_DIRECTORY_FILE;
  if (directoryFile) {
    const { seedDirectory } = await import('#use-cases/organisation');
    const { getServiceDeps } = await import('#composition/deps');
    const units = await seedDirectory(
      getServiceDeps(),
      { id: 'seed', kind: 'client', roles: ['admin'], mayDelegate: false },
      JSON.parse(readFileSync(resolve(directoryFile), 'utf8')),
    );
    log(`organisation directory: ${units.length} units from ${directoryFile}`);
  }

  // Everything the handlers reach is up: restored executions may run their handlers from here on.
  sfn.resumeRestored();
  let reconciled = emptyReport();
  if (options.reconcileOnStart ?? true) {
    // Executions the journal did not hold (none kept in memory, a journal set aside after damage, a start
    // the process did not live to make) are restarted: ask about every open complaint, from the first.
    const { reconcile } = await import('#use-cases/reconcile');
    const { getServiceDeps } = await import('#composition/deps');
    reconciled = await reconcile(getServiceDeps(), { deep: true, resume: false, signalGraceMs: 0 });
  }
  const intervalMs = options.reconcileIntervalMs ?? LOCAL_RECONCILE_INTERVAL_MS;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          ops.run({}).catch((error: unknown) => log(`[reconcile] scheduled pass failed: ${String(error)}`));
        }, intervalMs)
      : undefined;
  timer?.unref();

  if (dataDir) {
    const endpointsFile = join(dataDir, ENDPOINTS_FILE);
    writeFileSync(
      endpointsFile,
      endpointsEnv(gateway.url, { dynamo, sfn, sns, secrets, kms, s3, issuer, eum, aliyun }),
    );
    started.push(() => rmSync(endpointsFile, { force: true }));
  }

  return {
    url: gateway.url,
    dynamo,
    sfn,
    sns,
    eum,
    aliyun,
    smsTemplates,
    secrets,
    kms,
    s3,
    gateway,
    issuer,
    reconciled,
    runOps: ops.run,
    // The reverse of the start: timers and event deliveries, then the endpoints file and the gateway,
    // the lock last.
    close: async () => {
      clearInterval(timer);
      await sfn.stopEvents();
      await ops.idle();
      await stopStarted();
    },
  };
}

/** KEY=value lines a shell can source (`set -a; . DATA_DIR/endpoints.env; set +a`) to reach this stack. */
function endpointsEnv(
  apiUrl: string,
  servers: {
    dynamo: LocalDynamo;
    sfn: LocalStepFunctions;
    sns: LocalSns;
    secrets: LocalSecrets;
    kms: LocalKms;
    s3: LocalS3;
    issuer: LocalTokenIssuer;
    eum: LocalEum;
    aliyun: LocalAliyun;
  },
): string {
  return [
    `# The embedded stack of process ${process.pid}; removed when it stops cleanly.`,
    `COMPLAINTS_API=${apiUrl}`,
    `AWS_ENDPOINT_URL_DYNAMODB=${servers.dynamo.endpoint}`,
    `AWS_ENDPOINT_URL_SFN=${servers.sfn.endpoint}`,
    `AWS_ENDPOINT_URL_SNS=${servers.sns.endpoint}`,
    `AWS_ENDPOINT_URL_KMS=${servers.kms.endpoint}`,
    `AWS_ENDPOINT_URL_S3=${servers.s3.endpoint}`,
    // Each under the name the handlers read it by: End User Messaging SMS, Alibaba Cloud SMS, the token
    // issuer (Cognito's stand-in) and the Parameters and Secrets extension (requests need AWS_SESSION_TOKEN
    // in X-Aws-Parameters-Secrets-Token, which stays with the handlers).
    `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2=${servers.eum.endpoint}`,
    `ALIYUN_SMS_ENDPOINT=${servers.aliyun.endpoint}`,
    `AUTH_ISSUER=${servers.issuer.issuer}`,
    `AUTH_JWKS_URI=${servers.issuer.jwksUri}`,
    `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=${servers.secrets.port}`,
    `ATTACHMENTS_BUCKET=${ATTACHMENTS_BUCKET}`,
    `PERSONAL_DATA_KEY_ARN=${servers.kms.key(PERSONAL_DATA_KEY_ALIAS).arn}`,
    `AWS_REGION=${REGION}`,
    `AWS_DEFAULT_REGION=${REGION}`,
    // The local servers accept any credentials; the AWS CLI and SDKs refuse to sign without some.
    'AWS_ACCESS_KEY_ID=local',
    'AWS_SECRET_ACCESS_KEY=local',
    `COMPLAINT_STATE_MACHINE_ARN=${COMPLAINT_MACHINE}`,
    `NOTIFICATION_STATE_MACHINE_ARN=${NOTIFICATION_MACHINE}`,
    `TABLE_NAME=${TABLE_NAME}`,
    '',
  ].join('\n');
}

function functionArn(functionName: string): string {
  return `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:complaints-${functionName}`;
}

function substitutions(machine: 'complaint' | 'notification'): Record<string, string> {
  return {
    Partition: PARTITION,
    ...Object.fromEntries(
      WORKFLOW_TASKS.filter((t) => t.machine === machine).map((t) => [
        t.substitution,
        `${functionArn(t.functionName)}:${LIVE}`,
      ]),
    ),
  };
}

type TaskModule = { handler: (event: unknown, context: Context) => Promise<unknown> };

/** The same modules Lambda runs (sources, or the deployed bundles), called in process with a Lambda-like context. */
async function loadTaskHandlers(bundles: string | undefined): Promise<Record<string, LambdaHandler>> {
  const entries = await Promise.all(
    WORKFLOW_TASKS.map(async (task) => {
      const module = (await import(
        bundles
          ? pathToFileURL(bundleModule(bundles, task.functionName)).href
          : new URL(`../../${task.entry}`, import.meta.url).href
      )) as TaskModule;
      const handler: LambdaHandler = (payload) => module.handler(payload, lambdaContext(task.functionName));
      return [functionArn(task.functionName), handler] as const;
    }),
  );
  return Object.fromEntries(entries);
}

interface OpsHandlers {
  statusChanged: (event: unknown) => Promise<unknown>;
  /** One reconciler invocation (a scheduled pass for `{}`); concurrent calls share a running pass. */
  run: (command: Record<string, unknown>) => Promise<unknown>;
  /** Resolves once no reconciler invocation is under way. */
  idle: () => Promise<void>;
}

/** The operator functions, called in process the way Lambda would: EventBridge targets and the schedule. */
async function loadOpsHandlers(bundles: string | undefined): Promise<OpsHandlers> {
  const load = async (functionName: string, entry: string) =>
    (await import(
      bundles
        ? pathToFileURL(bundleModule(bundles, functionName)).href
        : new URL(`../../${entry}`, import.meta.url).href
    )) as TaskModule;
  const statusChanged = await load('execution-status-changed', 'functions/ops/execution-status-changed.ts');
  const reconcile = await load('reconcile', 'functions/ops/reconcile.ts');
  let running: Promise<unknown> | undefined;
  const run = (command: Record<string, unknown>) => {
    const scheduled = command.command === undefined;
    if (scheduled && running) return running;
    const invocation = reconcile.handler(command, lambdaContext('reconcile', OPS_TIMEOUT_MS)).finally(() => {
      if (running === invocation) running = undefined;
    });
    if (scheduled) running = invocation;
    return invocation;
  };
  return {
    statusChanged: (event) =>
      statusChanged.handler(event, lambdaContext('execution-status-changed', OPS_TIMEOUT_MS)),
    run,
    idle: async () => {
      await running?.catch(() => undefined);
    },
  };
}

function statusChangeRule(target: (event: unknown) => Promise<unknown>): LocalEventRule {
  return {
    name: 'complaint-execution-status-change',
    pattern: {
      source: [EXECUTION_STATUS_CHANGE.source],
      detailType: [EXECUTION_STATUS_CHANGE.detailType],
      stateMachineArns: [COMPLAINT_MACHINE],
      statuses: EXECUTION_STATUS_CHANGE.statuses,
    },
    target,
  };
}

/** `POST /_local/reconcile`: the body is what an operator sends the reconcile function (`{}`: a pass). */
function opsRoute(run: OpsHandlers['run']) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
      statusCode,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let command: unknown;
    try {
      command = event.body ? JSON.parse(event.body) : {};
    } catch {
      return json(400, { title: 'body is not JSON' });
    }
    if (!command || typeof command !== 'object' || Array.isArray(command))
      return json(400, { title: 'body must be a JSON object' });
    try {
      return json(200, await run(command as Record<string, unknown>));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return json(name === 'InvalidTaskPayload' ? 400 : 500, { title: name, detail: message });
    }
  };
}

function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `complaints-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(functionName),
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/complaints-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The dead-letter queue of the notification machine: locally, the message is marked failed in the outbox. */
function deadLetter(sns: LocalSns, parameters: unknown, log: (line: string) => void): unknown {
  const body = (
    parameters as { MessageBody?: { complaintId?: string; key?: string; event?: string; error?: unknown } }
  ).MessageBody;
  const complaintId = body?.complaintId ?? 'unknown';
  const key = body?.key ?? 'unknown';
  const reason = JSON.stringify(body?.error ?? {}).slice(0, 500);
  sns.markFailed(complaintId, key, reason, body?.event ? { event: body.event } : {});
  log(`dead-lettered ${key} of ${complaintId}`);
  return { MessageId: randomUUID() };
}

function readTemplateFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemplateMappingInvalid([`SMS_TEMPLATES_FILE ${file} cannot be read as JSON (${reason})`]);
  }
}

/** What the Alibaba stand-in holds: each code with the text registered for its wording. */
function registeredTemplates(
  mapping: TemplateMapping,
  publicBaseUrl: string,
): Record<string, { text: string }> {
  const templates: Record<string, { text: string }> = {};
  for (const [locale, byName] of Object.entries(mapping)) {
    for (const [name, template] of Object.entries(byName)) {
      templates[template.code] = {
        text: registrationText('aliyun', name as CustomerTemplateName, locale as Locale, publicBaseUrl),
      };
    }
  }
  return templates;
}

function outboxRoute(sns: LocalSns) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const complaintId = event.queryStringParameters?.complaintId;
    const items = sns.outbox(complaintId ? { complaintId } : undefined).map(presentOutboxEntry);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    };
  };
}

/**
 * POST /_local/token {role, user, delegation?, expiresIn?}: an access token of the local issuer, as
 * Cognito's token endpoint hands one to a signed-in user or an app client. Loopback only, like the stack.
 */
function tokenRoute(issuer: LocalTokenIssuer) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      body = undefined;
    }
    const request = tokenRequestSchema.safeParse(body);
    if (!request.success) {
      return problemResult(
        validationProblem(
          fieldErrors(request.error),
          'send {"role": "intake|agent|supervisor|auditor|admin", "user": "<id>"}',
        ),
        { instance: event.path },
      );
    }
    if (request.data.delegation && request.data.role !== 'intake') {
      return problemResult(
        validationProblem(
          [{ path: 'delegation', message: 'only an intake client has the delegation scope' }],
          'the token request has invalid fields',
        ),
        { instance: event.path },
      );
    }
    const expiresIn = request.data.expiresIn ?? DEFAULT_TOKEN_SECONDS;
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({
        access_token: await issuer.mint({ ...request.data, expiresIn }),
        token_type: 'Bearer',
        expires_in: expiresIn,
      }),
    };
  };
}

/** The deployed authorizer module, called by the gateway before every non-public route. */
async function loadAuthorizer(): Promise<TokenAuthorizer> {
  const module = (await import('../../functions/auth/authorizer.ts')) as { handler: TokenAuthorizer };
  return module.handler;
}

function presentOutboxEntry(entry: OutboxEntry) {
  return {
    at: entry.at,
    kind: entry.kind,
    to: entry.to,
    message: entry.message,
    complaintId: entry.complaintId ?? null,
    event: entry.event ?? null,
    key: entry.key ?? null,
    status: entry.status,
    ...(entry.provider ? { provider: entry.provider } : {}),
    ...(entry.subject ? { subject: entry.subject } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
}

/** The operator's pinned key, else one random key per data directory, so phone hashes stay comparable
 * across restarts. Handlers never see it in their environment: the local secrets extension serves it. */
function phoneHashKey(given: string | undefined, dataDir: string | undefined): string {
  const pinned = given ?? process.env.PHONE_HASH_SECRET;
  if (pinned !== undefined && pinned !== '') {
    if (pinned.length < PHONE_HASH_KEY_MIN_LENGTH) {
      throw new Error(`PHONE_HASH_SECRET must be at least ${PHONE_HASH_KEY_MIN_LENGTH} characters`);
    }
    return pinned;
  }
  const fresh = randomBytes(32).toString('hex');
  if (!dataDir) return fresh;
  const file = join(dataDir, 'phone-hash.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  writeFileSync(file, fresh, { mode: 0o600 });
  return fresh;
}
