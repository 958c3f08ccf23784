// What an ops engineer relies on in the stateful stack: the data is encrypted with our key, recoverable,
// survives a stack deletion, expires idempotency records, and the deployed table is the local table.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { complaintTableDefinition, TTL_ATTRIBUTE } from '#adapters/table-design';
import { cdkJsonContext } from '../../infra/stacks/complaints-app.ts';
import { ComplaintsDataStack } from '../../infra/stacks/data-stack.ts';
import { readDeploymentConfig } from '../../infra/stacks/deployment-config.ts';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

let data: ComplaintsDataStack;
let template: Template;
let keyArn: unknown;

function resourcesOfType(type: string): [string, CfnResource][] {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

function onlyResource(type: string): CfnResource {
  const found = resourcesOfType(type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]![1];
}

const logicalIdOf = (key: ComplaintsDataStack['dataKey']) =>
  data.getLogicalId(key.node.defaultChild as CfnKey);
const dataKey = (): CfnResource => template.toJSON().Resources[logicalIdOf(data.dataKey)] as CfnResource;

beforeAll(() => {
  // The data stack alone: it depends on nothing, so the service stack need not be built.
  const app = new App({ context: cdkJsonContext() });
  data = new ComplaintsDataStack(app, 'ComplaintsData', { config: readDeploymentConfig(app.node) });
  template = Template.fromStack(data);
  keyArn = { 'Fn::GetAtt': [data.getLogicalId(data.dataKey.node.defaultChild as CfnKey), 'Arn'] };
});

describe('the complaint table', () => {
  it('is encrypted with the stack’s customer-managed key, which rotates', () => {
    // Prepare / Act: the synthesised template
    const table = onlyResource('AWS::DynamoDB::Table');
    const key = dataKey();

    // Assess
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: keyArn,
    });
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('has point-in-time recovery, deletion protection and on-demand billing', () => {
    const table = onlyResource('AWS::DynamoDB::Table');

    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is retained, with its key, when the stack is deleted or the resource replaced', () => {
    const table = onlyResource('AWS::DynamoDB::Table');
    const key = dataKey();

    for (const resource of [table, key]) {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it(`expires items on the ${TTL_ATTRIBUTE} attribute`, () => {
    const table = onlyResource('AWS::DynamoDB::Table');

    expect(TTL_ATTRIBUTE).toBe('expiresAt');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('has the keys, attributes and indexes of the table design the local stack creates', () => {
    // Prepare
    const design = complaintTableDefinition('any');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(items: T[] | undefined) =>
      [...(items ?? [])].sort((a, b) =>
        (a.IndexName ?? a.AttributeName ?? '').localeCompare(b.IndexName ?? b.AttributeName ?? ''),
      );

    // Act
    const table = onlyResource('AWS::DynamoDB::Table').Properties;

    // Assess
    expect(table.KeySchema).toEqual(design.KeySchema);
    expect(byName(table.AttributeDefinitions as typeof design.AttributeDefinitions)).toEqual(
      byName(design.AttributeDefinitions),
    );
    expect(byName(table.GlobalSecondaryIndexes as typeof design.GlobalSecondaryIndexes)).toEqual(
      byName(design.GlobalSecondaryIndexes),
    );
    expect(design.GlobalSecondaryIndexes?.length).toBeGreaterThan(0);
  });
});

describe('the personal-data key', () => {
  it('is a second customer-managed key, rotating and retained, for phone numbers and names inside items', () => {
    // Prepare / Act
    const keys = resourcesOfType('AWS::KMS::Key');
    const personal = template.toJSON().Resources[logicalIdOf(data.personalDataKey)] as CfnResource;
    const aliases = resourcesOfType('AWS::KMS::Alias').map(([, alias]) => alias.Properties.AliasName);

    // Assess
    // The data key, this one and the attachments' key.
    expect(keys).toHaveLength(3);
    expect(personal.Properties.EnableKeyRotation).toBe(true);
    expect(personal.DeletionPolicy).toBe('Retain');
    expect(aliases).toContain('alias/complaints-dev-personal-data');
    expect(logicalIdOf(data.personalDataKey)).not.toBe(logicalIdOf(data.dataKey));
  });
});

describe('the topics', () => {
  it('are the four staff levels and the ops topic, each encrypted with the key and refusing plain HTTP', () => {
    // Prepare
    const topicIds = [...data.staffTopics, data.opsTopic].map((topic) =>
      data.getLogicalId(topic.node.defaultChild as CfnTopic),
    );

    // Act
    const topics = resourcesOfType('AWS::SNS::Topic');
    const policies = resourcesOfType('AWS::SNS::TopicPolicy').map(([, policy]) => policy.Properties);

    // Assess
    expect(data.staffTopics).toHaveLength(4);
    expect(topics.map(([id]) => id).sort()).toEqual([...topicIds].sort());
    for (const [id, topic] of topics) {
      expect(topic.Properties.KmsMasterKeyId, id).toEqual(keyArn);
      const policy = policies.find((p) => JSON.stringify(p.Topics) === JSON.stringify([{ Ref: id }]));
      expect(JSON.stringify(policy?.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('the ops topic', () => {
  it('has no subscription unless an alarm email is given (context alarmEmail)', () => {
    expect(resourcesOfType('AWS::SNS::Subscription')).toEqual([]);
  });
});

describe('the notification dead-letter queue', () => {
  it('is encrypted with the key, and an alarm tells the ops topic as soon as a message lands in it', () => {
    // Prepare
    const queueId = data.getLogicalId(data.notificationDeadLetters.node.defaultChild as CfnTopic);
    const opsTopicId = data.getLogicalId(data.opsTopic.node.defaultChild as CfnTopic);

    // Act
    const queue = onlyResource('AWS::SQS::Queue');
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

    // Assess
    expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
    const alarm = alarms.find(
      (a) =>
        a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Dimensions).includes(`"Fn::GetAtt":["${queueId}","QueueName"]`),
    );
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: opsTopicId }],
    });
  });
});

describe('the phone-hash key', () => {
  it('is generated in Secrets Manager under the stage’s name, encrypted with the key and retained', () => {
    const secret = onlyResource('AWS::SecretsManager::Secret');

    expect(secret.Properties).toMatchObject({ Name: 'complaints/dev/phone-hash-key', KmsKeyId: keyArn });
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret.DeletionPolicy).toBe('Retain');
  });
});

describe('the staff user pool', () => {
  it('has no self sign-up, requires MFA and a strong password, and is retained', () => {
    const pool = onlyResource('AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } },
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.DeletionPolicy).toBe('Retain');
  });

  it('has one group per staff role of the permission table', () => {
    const groups = resourcesOfType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'agent', 'auditor', 'supervisor']);
  });

  it('has the resource server with the intake and delegation scopes', () => {
    expect(onlyResource('AWS::Cognito::UserPoolResourceServer').Properties).toMatchObject({
      Identifier: 'complaints',
      Scopes: [
        { ScopeName: 'intake', ScopeDescription: expect.any(String) },
        { ScopeName: 'act-for-agent', ScopeDescription: expect.any(String) },
      ],
    });
  });

  it('gives each upstream system of the context a client-credentials app client with its scopes', () => {
    // Prepare
    const app = new App({
      context: {
        ...cdkJsonContext(),
        upstreamClients: JSON.stringify([{ name: 'hotline' }, { name: 'wechat-desk', delegation: true }]),
      },
    });
    const stack = new ComplaintsDataStack(app, 'WithClients', { config: readDeploymentConfig(app.node) });

    // Act
    const clients = Object.values(
      Template.fromStack(stack).findResources('AWS::Cognito::UserPoolClient') as Record<string, CfnResource>,
    ).map((c) => c.Properties);

    // Assess
    const byName = (name: string) => clients.find((c) => String(c.ClientName).endsWith(name));
    expect(byName('-staff-console')).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH']),
    });
    expect(byName('-hotline')).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
    });
    expect(JSON.stringify(byName('-hotline')?.AllowedOAuthScopes)).toContain('/intake');
    expect(JSON.stringify(byName('-hotline')?.AllowedOAuthScopes)).not.toContain('act-for-agent');
    expect(JSON.stringify(byName('-wechat-desk')?.AllowedOAuthScopes)).toContain('/act-for-agent');
    expect(resourcesOfType('AWS::Cognito::UserPoolDomain')).toHaveLength(1);
  });
});

describe('the attachments bucket', () => {
  it('is private, encrypted with its own rotating key, refuses plain HTTP, logs access and is retained', () => {
    // Prepare
    const buckets = resourcesOfType('AWS::S3::Bucket');
    const attachmentsId = data.getLogicalId(data.attachments.node.defaultChild as CfnKey);
    const bucket = template.toJSON().Resources[attachmentsId] as CfnResource;
    const key = template.toJSON().Resources[logicalIdOf(data.attachmentsKey)] as CfnResource;
    const policies = resourcesOfType('AWS::S3::BucketPolicy').map(([, policy]) => policy.Properties);

    // Assess
    expect(buckets).toHaveLength(2); // the attachments and their access logs
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [logicalIdOf(data.attachmentsKey), 'Arn'] },
            },
          },
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 'attachments/' },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
    // No statement anywhere grants the world: reads are signed URLs of allowed callers only.
    expect(JSON.stringify(policies)).not.toMatch(/"Principal":"\*","Action":"s3:GetObject"/);
  });
});
