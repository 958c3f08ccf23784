// The composition root: builds the use cases' dependencies once per container from the environment.
// Local and deployed runs differ only in configuration (endpoints, table and ARNs), never in code.
import { ulid } from 'ulid';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { DynamoDeliveryLog } from '#adapters/dynamo-delivery-log';
import { DynamoOrgDirectory } from '#adapters/dynamo-org-directory';
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
import type { PersonalDataCipher } from '#domain/ports';
import type { ServiceDeps } from '#use-cases/service-deps';
import { dynamoDocumentClient, kmsClient, sfnClient, snsClient } from './clients.ts';
import { config, ConfigurationError } from './config.ts';
import { phoneHasher } from './phone-hasher.ts';
import { logger, metrics } from './powertools.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

let deps: ServiceDeps | undefined;

export function getServiceDeps(): ServiceDeps {
  deps ??= buildServiceDeps();
  return deps;
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
  return {
    store: new DynamoComplaintStore(doc, cfg.tableName, personalDataCipher(cfg.personalDataKeyArn)),
    org: new DynamoOrgDirectory(doc, cfg.tableName),
    alerts: new SnsAlertSubscriptions(snsClient(), cfg.staffTopicArns),
    deliveries: new DynamoDeliveryLog(doc, cfg.tableName),
    operations: new DynamoOperationsLedger(doc, cfg.tableName),
    incidents: new DynamoIncidentStore(doc, cfg.tableName, () => ulid()),
    spikeRule: parseSpikeRule(cfg.incidentSpike),
    workflow: new SfnComplaintWorkflow(sfnClient(), cfg.complaintStateMachineArn),
    dispatcher: new SfnNotificationDispatcher(sfnClient(), cfg.notificationStateMachineArn),
    sender: new SnsMessageSender(snsClient(), {
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
    quietHours: timeScale === 1,
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
    log: {
      warn: (message, data) => logger.warn(message, data),
      error: (message, data) => logger.error(message, data),
    },
  };
}
