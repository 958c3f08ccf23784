// Everything that holds state and must outlive a redeploy of the code: the KMS keys, the complaint table,
// the phone-hash key, the staff and ops topics (their subscriptions are state too) and the dead letters.
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ESCALATION_LEVELS } from '#domain/complaint';
import { isTemplateProvider } from '#domain/notifications/provider-templates';
import { ComplaintTable } from '../constructs/complaint-table.ts';
import { StaffIdentity } from '../constructs/staff-identity.ts';
import type { DeploymentConfig } from './deployment-config.ts';

export interface ComplaintsDataStackProps extends StackProps {
  config: DeploymentConfig;
}

/** The phone-hash key's name in Secrets Manager: functions resolve it by name at deploy time. */
export function phoneHashSecretName(stage: string): string {
  return `complaints/${stage}/phone-hash-key`;
}

/**
 * The attachments bucket's name: fixed per stage, account and region, so the service stack can grant
 * access to its objects by name (no cross-stack export of the bucket) and cdk-nag names the grant plainly.
 */
export function attachmentsBucketName(stage: string): string {
  return `complaints-${stage}-attachments-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The same name as cdk-nag prints it (pseudo parameters spelled out), for acknowledging grants on it. */
export const attachmentsBucketNagName = (stage: string): string =>
  `complaints-${stage}-attachments-<AWS::AccountId>-<AWS::Region>`;

/** Object keys of attachments start so (functions/domain/attachments.ts): grants cover only those. */
export const ATTACHMENT_KEY_PREFIX = 'complaints/';

/** The SMS provider's AccessKey pair (mainland providers), by name. */
export function smsCredentialsSecretName(stage: string): string {
  return `complaints/${stage}/sms-provider-credentials`;
}

const STAFF_LEVEL_NAMES = [
  'owning agent / outlet',
  'outlet manager',
  'regional centre',
  'headquarters',
] as const;

export class ComplaintsDataStack extends Stack {
  /** Encrypts the table, the topics, the dead-letter queue and the phone-hash key. */
  readonly dataKey: Key;
  /**
   * Wraps the data keys that seal customers' phone numbers and names inside items (field-level envelope
   * encryption). Its own key, so functions may use it directly while the table key stays usable only
   * through DynamoDB.
   */
  readonly personalDataKey: Key;
  readonly complaints: ComplaintTable;
  /** Index = escalation level 0..3. */
  readonly staffTopics: readonly Topic[];
  /** Alarms publish here; operators subscribe. */
  readonly opsTopic: Topic;
  readonly notificationDeadLetters: Queue;
  /** HMAC key for phone numbers: losing it orphans every customer's complaint history. */
  readonly phoneHashSecret: Secret;
  /** Encrypts the attachments bucket (customers' photos, staff evidence). */
  readonly attachmentsKey: Key;
  /** Private, KMS-encrypted: uploads by presigned POST, reads by signed GET URL only. */
  readonly attachments: Bucket;
  /**
   * The mainland SMS provider's AccessKey pair, JSON {"accessKeyId", "accessKeySecret"}: created with a
   * placeholder id the operator replaces (docs/deploy.md). Absent with SNS or End User Messaging.
   */
  readonly smsCredentialsSecret: Secret | undefined;
  /** Staff users and upstream systems' app clients (absent when the deployment trusts its own issuer). */
  readonly identity: StaffIdentity | undefined;

  constructor(scope: Construct, id: string, props: ComplaintsDataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/complaints-${config.stage}-data`,
      description: `Complaints (${config.stage}): personal data at rest`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted ops topic and must be able to use the key to do so.
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );

    this.personalDataKey = new Key(this, 'PersonalDataKey', {
      alias: `alias/complaints-${config.stage}-personal-data`,
      description: `Complaints (${config.stage}): customers' phone numbers and names inside items`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.complaints = new ComplaintTable(this, 'Complaints', { encryptionKey: this.dataKey });

    this.attachmentsKey = new Key(this, 'AttachmentsKey', {
      alias: `alias/complaints-${config.stage}-attachments`,
      description: `Complaints (${config.stage}): attachments (customers' photos, staff evidence)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new Bucket(this, 'AttachmentsAccessLogs', {
      // Server access log delivery writes with S3-managed keys only.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the attachments bucket’s server access logs; logging it would recurse.',
    });
    this.attachments = new Bucket(this, 'Attachments', {
      bucketName: attachmentsBucketName(config.stage),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.attachmentsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      // The customer's page uploads with the presigned POST and shows photos by signed URL from its own
      // origin; the signatures, not the origin, are what let a request through.
      cors: [
        {
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          allowedOrigins: ['*'],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // No user pool where another issuer signs the tokens, or where callers sign with IAM instead.
    this.identity =
      config.externalIssuer || config.apiAuthorization === 'iam'
        ? undefined
        : new StaffIdentity(this, 'Identity', {
            stage: config.stage,
            upstreamClients: config.upstreamClients,
          });

    this.phoneHashSecret = new Secret(this, 'PhoneHashSecret', {
      secretName: phoneHashSecretName(config.stage),
      description: `Complaints (${config.stage}): HMAC key for customers' phone numbers`,
      encryptionKey: this.dataKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.phoneHashSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the phone-hash key would orphan every stored phone hash (repeat detection, lookups).',
    });

    this.smsCredentialsSecret = isTemplateProvider(config.sms.provider)
      ? new Secret(this, 'SmsProviderCredentials', {
          secretName: smsCredentialsSecretName(config.stage),
          description: `Complaints (${config.stage}): ${config.sms.provider} SMS AccessKey pair (set by the operator)`,
          encryptionKey: this.dataKey,
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ accessKeyId: 'set-me' }),
            generateStringKey: 'accessKeySecret',
          },
          removalPolicy: RemovalPolicy.RETAIN,
        })
      : undefined;
    if (this.smsCredentialsSecret) {
      Validations.of(this.smsCredentialsSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          "The provider's AccessKey pair is rotated in the provider's console, then put here by the operator.",
      });
    }

    this.staffTopics = ESCALATION_LEVELS.map(
      (level) =>
        new Topic(this, `StaffLevel${level}`, {
          displayName: `Complaints ${config.stage}: level ${level} (${STAFF_LEVEL_NAMES[level]})`,
          masterKey: this.dataKey,
          enforceSSL: true,
        }),
    );

    this.opsTopic = new Topic(this, 'OpsAlarms', {
      displayName: `Complaints ${config.stage}: operational alarms`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    if (config.alarmEmail !== undefined)
      this.opsTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    this.notificationDeadLetters = new Queue(this, 'NotificationDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.notificationDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the notification state machine.',
    });

    new Alarm(this, 'NotificationDeadLettersAlarm', {
      alarmDescription:
        'A customer or staff notification could not be delivered after retries (see docs/deploy.md).',
      metric: this.notificationDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(this.opsTopic));
  }
}
