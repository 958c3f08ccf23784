// The composition root: builds the use cases' dependencies once per container from the environment.
// Local and deployed runs differ only in configuration (endpoints, table and ARNs), never in code.
import { ulid } from 'ulid';
import { DynamoAttachmentIndex } from '#adapters/dynamo-attachment-index';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { S3AttachmentFiles } from '#adapters/s3-attachment-files';
import { DynamoDeliveryLog } from '#adapters/dynamo-delivery-log';
import { DynamoOrgDirectory } from '#adapters/dynamo-org-directory';
import { DynamoReportAggregates } from '#adapters/dynamo-report-aggregates';
import { reportingStore } from '#use-cases/reports';
import { SnsAlertSubscriptions } from '#adapters/sns-alert-subscriptions';
import { DynamoOperationsLedger } from '#adapters/dynamo-operations-ledger';
import { DynamoIncidentStore } from '#adapters/dynamo-incident-store';
import { parseSpikeRule } from '#domain/incidents';
import { EsdkPersonalDataCipher, kmsKeyring } from '#adapters/esdk-personal-data-cipher';
import { SfnComplaintWorkflow } from '#adapters/sfn-complaint-workflow';
import { SfnNotificationDispatcher } from '#adapters/sfn-notification-dispatcher';
import { SnsMessageSender } from '#adapters/sns-message-sender';
import { createCalendars, parseHolidaySchedule } from '#domain/calendars';
import { parseSlaPolicyOverride, scalePolicy } from '#domain/policy';
import { DEFAULT_SLA_POLICY } from '#domain/sla';
import { parseCompensationRules } from '#domain/compensation';
import { parseRootCauses } from '#domain/responsibility';
import { DEFAULT_EXECUTION_LIMITS, DEFAULT_RESTART_POLICY } from '#domain/execution';
import type { AttachmentFiles, PersonalDataCipher } from '#domain/ports';
import type { AttachmentDeps } from '#use-cases/attachments';
import type { ServiceDeps } from '#use-cases/service-deps';
import {
  dynamoDocumentClient,
  kmsClient,
  s3Client,
  sfnClient,
  snsClient,
  snsSenderClient,
} from '#commons/clients';
import { config, ConfigurationError } from '#commons/config';
import { phoneHasher } from '#commons/phone-hasher';
import { logger, metrics } from '#commons/powertools';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

let deps: ServiceDeps | undefined;

export function getServiceDeps(): ServiceDeps {
  deps ??= buildServiceDeps();
  return deps;
}

let attachmentDeps: AttachmentDeps | undefined;

/** The service's dependencies and the attachments' bucket and index (only attachment routes need them). */
export function getAttachmentDeps(): AttachmentDeps {
  attachmentDeps ??= buildAttachmentDeps();
  return attachmentDeps;
}

function buildAttachmentDeps(): AttachmentDeps {
  const cfg = config();
  return {
    ...getServiceDeps(),
    files: attachmentFiles(cfg.attachmentsBucket, cfg.s3ForcePathStyle),
    attachments: new DynamoAttachmentIndex(dynamoDocumentClient(), cfg.tableName),
  };
}

/** The attachments bucket; without ATTACHMENTS_BUCKET, the first use fails naming it. */
function attachmentFiles(bucket: string | undefined, forcePathStyle: boolean): AttachmentFiles {
  if (bucket === undefined) {
    const missing = async (): Promise<never> => {
      throw new ConfigurationError([{ variable: 'ATTACHMENTS_BUCKET', message: 'is required' }]);
    };
    return {
      presignUpload: missing,
      readStart: missing,
      delete: missing,
      signedReadUrl: missing,
      origin: missing,
    };
  }
  return new S3AttachmentFiles(s3Client(forcePathStyle), bucket);
}

/** Envelope encryption of phone and name under the configured KMS key; without one, the first use fails. */
function personalDataCipher(keyArn: string | undefined): PersonalDataCipher {
  if (keyArn === undefined) {
    const missing = async (): Promise<never> => {
      throw new ConfigurationError([{ variable: 'PERSONAL_DATA_KEY_ARN', message: 'is required' }]);
    };
    return { seal: missing, open: missing };
  }
  return new EsdkPersonalDataCipher({ keyring: kmsKeyring(keyArn, kmsClient) });
}

function buildServiceDeps(): ServiceDeps {
  const cfg = config();
  const timeScale = cfg.timeScale ?? 1;
  const configured = cfg.slaPolicyOverride
    ? parseSlaPolicyOverride(cfg.slaPolicyOverride)
    : DEFAULT_SLA_POLICY;
  const calendars = createCalendars({
    ...(cfg.holidaySchedule ? { extraYears: parseHolidaySchedule(cfg.holidaySchedule) } : {}),
    onUncoveredYear: (year) => {
      // Loud on purpose: deadlines in that year ignore public holidays until an operator loads them.
      logger.error('no public holiday data for this year: cn-workdays counts weekends only', { year });
      metrics.addMetric('HolidayDataMissing', MetricUnit.Count, 1);
    },
  });
  const doc = dynamoDocumentClient();
  const log: ServiceDeps['log'] = {
    warn: (message, data) => logger.warn(message, data),
    error: (message, data) => logger.error(message, data),
  };
  const reports = new DynamoReportAggregates(doc, cfg.tableName);
  return {
    // Every committed change also brings the report counters up to date (functions/use-cases/reports.ts).
    store: reportingStore(
      new DynamoComplaintStore(doc, cfg.tableName, personalDataCipher(cfg.personalDataKeyArn)),
      reports,
      log,
    ),
    reports,
    org: new DynamoOrgDirectory(doc, cfg.tableName),
    alerts: new SnsAlertSubscriptions(snsClient(), cfg.staffTopicArns),
    deliveries: new DynamoDeliveryLog(doc, cfg.tableName),
    operations: new DynamoOperationsLedger(doc, cfg.tableName),
    incidents: new DynamoIncidentStore(doc, cfg.tableName, () => ulid()),
    spikeRule: parseSpikeRule(cfg.incidentSpike),
    workflow: new SfnComplaintWorkflow(sfnClient(), cfg.complaintStateMachineArn),
    dispatcher: new SfnNotificationDispatcher(sfnClient(), cfg.notificationStateMachineArn),
    sender: new SnsMessageSender(snsSenderClient(), {
      staffTopicArns: cfg.staffTopicArns,
      ...(cfg.smsSenderId ? { smsSenderId: cfg.smsSenderId } : {}),
      ...(cfg.smsMaxPrice ? { smsMaxPrice: cfg.smsMaxPrice } : {}),
    }),
    clock: { now: () => new Date() },
    hashPhone: phoneHasher({
      secretId: cfg.phoneHashSecretId,
      // The sandbox's own credential, read when the key is fetched; never stored in the configuration.
      extension: () => ({ port: cfg.secretsExtensionPort, sessionToken: process.env.AWS_SESSION_TOKEN }),
    }),
    newId: () => ulid(),
    policy: timeScale === 1 ? configured : scalePolicy(configured, timeScale),
    calendars,
    ...(cfg.compensationRulesOverride
      ? { compensationRules: parseCompensationRules(cfg.compensationRulesOverride) }
      : {}),
    ...(cfg.rootCauses ? { rootCauses: parseRootCauses(cfg.rootCauses) } : {}),
    // Time-scaled demos send customer texts at once; real time waits out the configured window.
    quietHours: timeScale === 1 ? (cfg.customerQuietHours ?? true) : false,
    timeScale,
    followUpNeutralScore: cfg.followUpNeutralScore,
    // Time-scaled demos run every clock on 24x7, staff alerts included.
    ...(cfg.staffAlertCalendar !== '24x7' && timeScale === 1
      ? { staffCalendar: calendars[cfg.staffAlertCalendar] }
      : {}),
    executionLimits: {
      ...DEFAULT_EXECUTION_LIMITS,
      ...(cfg.executionMaxAgeSeconds ? { maxAgeMs: cfg.executionMaxAgeSeconds * 1000 } : {}),
    },
    // Time-scaled demos and tests back off as much faster as their clocks run.
    restartPolicy: {
      ...DEFAULT_RESTART_POLICY,
      baseDelayMs: DEFAULT_RESTART_POLICY.baseDelayMs / timeScale,
      maxDelayMs: DEFAULT_RESTART_POLICY.maxDelayMs / timeScale,
    },
    publicBaseUrl: cfg.publicBaseUrl,
    ...(cfg.smsSignature ? { smsSignature: cfg.smsSignature } : {}),
    log,
  };
}
