// The embedded default: the whole system on one machine. dynalite stands in for DynamoDB, the local Step
// Functions endpoint runs the workflows/ definitions with aws-local-stepfunctions, a local SNS endpoint
// records every message in an outbox, and a local gateway turns HTTP into API Gateway events. The
// handlers are the deployed ones; they find the local servers through the SDK's endpoint variables.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { complaintTableDefinition } from '#adapters/table-design';
import { PHONE_HASH_KEY_MIN_LENGTH } from '#commons/phone-hasher';
import type { ReconcileReport } from '#use-cases/reconcile';
import {
  complaintDefinitionTemplate,
  notificationDefinitionTemplate,
  renderDefinition,
} from '#workflows/definitions';
import { WORKFLOW_TASKS } from '../../functions/workflow/tasks.ts';
import { startLocalDynamo, type LocalDynamo } from './dynamo-server.ts';
import { loadApiRoutes, startGateway, type RunningGateway } from './gateway.ts';
import { startLocalStepFunctions, type LambdaHandler, type LocalStepFunctions } from './sfn-server.ts';
import { startLocalSecrets, type LocalSecrets } from './secrets-server.ts';
import { startLocalSns, type LocalSns, type OutboxEntry } from './sns-server.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE_NAME = 'complaints';
const COMPLAINT_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:complaints`;
const NOTIFICATION_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:complaint-notifications`;
const DEAD_LETTER_QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/complaint-notifications-dlq`;
const PHONE_HASH_SECRET_ID = 'complaints/local/phone-hash-key';
const STAFF_TOPICS = [0, 1, 2, 3].map(
  (level) => `arn:aws:sns:${REGION}:${ACCOUNT}:complaints-staff-level-${level}`,
);

export interface EmbeddedStackOptions {
  /** Where dynalite and the outbox persist; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** API port; 0 picks a free one. */
  port: number;
  host?: string;
  /** COMPLAINTS_TIME_SCALE: SLA durations divided by N. */
  timeScale?: number;
  /** Human-readable lines (outbox echo, start-up); silent when absent. */
  log?: (line: string) => void;
  /** Extra environment for the handlers (e.g. SLA_POLICY). */
  environment?: Record<string, string>;
  /** Run the reconciler once after start (resumes open complaints); default true. */
  reconcileOnStart?: boolean;
  /** Numbers (E.164) the local SMS provider treats as opted out, as a real carrier would report them. */
  optedOutNumbers?: readonly string[];
  /** The phone-hash HMAC key; default: PHONE_HASH_SECRET, else one random key per data directory. */
  phoneHashKey?: string;
  /**
   * A directory file (`{ hq, regions, outlets }`, docs/ARCHITECTURE.md) loaded at start as an admin would
   * (units stored, alert recipients subscribed); default ORG_DIRECTORY_FILE.
   */
  orgDirectoryFile?: string;
  /** Tests only: shorter Retry intervals by state name (ms), so retry paths run in seconds. */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface EmbeddedStack {
  url: string;
  dynamo: LocalDynamo;
  sfn: LocalStepFunctions;
  sns: LocalSns;
  /** The secrets extension's stand-in, holding the phone-hash key under PHONE_HASH_SECRET_ID. */
  secrets: LocalSecrets;
  gateway: RunningGateway;
  reconciled: ReconcileReport;
  close(): Promise<void>;
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const phoneHashSecret = phoneHashKey(options.phoneHashKey, dataDir);

  const dynamo = await startLocalDynamo({
    ...(dataDir ? { path: join(dataDir, 'dynamo') } : {}),
    tables: [complaintTableDefinition(TABLE_NAME)],
    log,
  });
  const sns = await startLocalSns({
    ...(dataDir
      ? {
          outboxPath: join(dataDir, 'outbox.jsonl'),
          subscriptionsPath: join(dataDir, 'sns-subscriptions.json'),
        }
      : {}),
    ...(options.optedOutNumbers ? { optedOutNumbers: options.optedOutNumbers } : {}),
    log,
  });
  // The handlers fetch the key as deployed ones do: from the extension's API, with the session token.
  const sessionToken = randomUUID();
  const secrets = await startLocalSecrets({
    secrets: { [PHONE_HASH_SECRET_ID]: phoneHashSecret },
    sessionToken,
    log,
  });

  // Everything below reads configuration lazily, so the environment is complete before the first call.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: sessionToken,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    TABLE_NAME,
    COMPLAINT_STATE_MACHINE_ARN: COMPLAINT_MACHINE,
    NOTIFICATION_STATE_MACHINE_ARN: NOTIFICATION_MACHINE,
    STAFF_TOPIC_ARNS: JSON.stringify(STAFF_TOPICS),
    PHONE_HASH_SECRET_ID,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(secrets.port),
    POWERTOOLS_SERVICE_NAME: 'complaints',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...(options.timeScale ? { COMPLAINTS_TIME_SCALE: String(options.timeScale) } : {}),
    ...options.environment,
  });

  const handlers = await loadTaskHandlers();
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
    log,
    ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
    serviceHandlers: { 'arn:aws:states:::sqs:sendMessage': (parameters) => deadLetter(sns, parameters, log) },
  });
  process.env.AWS_ENDPOINT_URL_SFN = sfn.endpoint;

  const gateway = await startGateway({
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    routes: await loadApiRoutes(),
    extraRoutes: [{ method: 'GET', resource: '/_local/outbox', handler: outboxRoute(sns) }],
  });

  // Links in texts point at this gateway unless the operator names a public address.
  process.env.PUBLIC_BASE_URL = options.environment?.PUBLIC_BASE_URL ?? `http://localhost:${gateway.port}`;

  const directoryFile = options.orgDirectoryFile ?? process.env.ORG_DIRECTORY_FILE;
  if (directoryFile) {
    const { seedDirectory } = await import('#use-cases/organisation');
    const { getServiceDeps } = await import('#commons/deps');
    const units = await seedDirectory(
      getServiceDeps(),
      { id: 'system:seed', roles: ['admin'] },
      JSON.parse(readFileSync(resolve(directoryFile), 'utf8')),
    );
    log(`organisation directory: ${units.length} units from ${directoryFile}`);
  }

  let reconciled: ReconcileReport = { open: 0, restarted: 0, signalsRedelivered: 0, deliveriesResumed: 0 };
  if (options.reconcileOnStart ?? true) {
    const { reconcile } = await import('#use-cases/reconcile');
    const { getServiceDeps } = await import('#commons/deps');
    reconciled = await reconcile(getServiceDeps());
  }

  return {
    url: gateway.url,
    dynamo,
    sfn,
    sns,
    secrets,
    gateway,
    reconciled,
    close: async () => {
      await gateway.close();
      await sfn.close();
      await sns.close();
      await secrets.close();
      await dynamo.close();
    },
  };
}

function functionArn(functionName: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:complaints-${functionName}`;
}

function substitutions(machine: 'complaint' | 'notification'): Record<string, string> {
  return Object.fromEntries(
    WORKFLOW_TASKS.filter((t) => t.machine === machine).map((t) => [
      t.substitution,
      functionArn(t.functionName),
    ]),
  );
}

type TaskModule = { handler: (event: unknown, context: Context) => Promise<unknown> };

/** The same modules Lambda runs, called in process with a Lambda-like context. */
async function loadTaskHandlers(): Promise<Record<string, LambdaHandler>> {
  const entries = await Promise.all(
    WORKFLOW_TASKS.map(async (task) => {
      const module = (await import(new URL(`../../${task.entry}`, import.meta.url).href)) as TaskModule;
      const handler: LambdaHandler = (payload) => module.handler(payload, lambdaContext(task.functionName));
      return [functionArn(task.functionName), handler] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
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
