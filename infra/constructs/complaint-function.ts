// The house Lambda function: every default fixed in one place (Node 24 on arm64, active tracing, its own
// log group and role, minified ESM with source maps, bundled by the local esbuild), plus `use*` helpers
// that set a function's environment variable and its IAM grant together, so neither comes without the other.
import {
  AssetHashType,
  Aws,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  type CfnElement,
} from 'aws-cdk-lib';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BUNDLE_FILE, bundleFunctionSync, PROJECT_ROOT } from './bundling.ts';

export interface ComplaintFunctionProps {
  /** Handler module, relative to the repository root (it exports `handler`). */
  entry: string;
  description: string;
  /** The settings every function reads (docs/ARCHITECTURE.md); grants come only through the `use*` helpers. */
  environment: Readonly<Record<string, string>>;
  logRetention: RetentionDays;
  timeout?: Duration;
  memorySize?: number;
  /**
   * Secrets the handler fetches at run time, by the environment variable that carries each one's ARN (never
   * its value). Only then does the function get the Parameters and Secrets extension, and read access to
   * exactly these secrets.
   */
  secrets?: Readonly<Record<string, ISecret>>;
  /** The extension's layer version ARN for functions with secrets (context key secretsExtensionLayerArn). */
  secretsExtensionLayerArn?: string;
  /** Reserved concurrency: at most this many run at once (functions/workflow/tasks.ts). */
  reservedConcurrentExecutions?: number;
}

/** A table and the indexes a grant should name (never `index/*`). */
export interface TableAccess {
  table: ITable;
  indexNames: readonly string[];
}

/**
 * A state machine known by its name-derived ARN. Functions and state machines refer to each other (a
 * workflow task starts notifications; the machine invokes the task), so ARNs are built from the names
 * rather than taken from the resources, which would be a dependency cycle in CloudFormation.
 */
export interface StateMachineAddress {
  name: string;
  arn: string;
  /**
   * `arn:...:stateMachine:<name>:live`, the alias every deploy moves to the version it published: what
   * functions start executions through (each execution then keeps the version it started on).
   */
  aliasArn: string;
  /** `arn:...:execution:<name>:*`, for DescribeExecution. */
  executionsArn: string;
  environmentVariable: 'COMPLAINT_STATE_MACHINE_ARN' | 'NOTIFICATION_STATE_MACHINE_ARN';
}

export type TableAccessLevel = 'read' | 'readwrite';
/** start: StartExecution; signal: answer task tokens; observe: DescribeExecution (is it still running?). */
export type StateMachineAccessLevel = 'start' | 'signal' | 'observe';

// Node 24 is what the code and tests run on; Node 22 only if an older aws-cdk-lib lacks NODEJS_24_X.
const NODE_RUNTIME =
  (Runtime as unknown as Record<string, Runtime | undefined>).NODEJS_24_X ?? Runtime.NODEJS_22_X;

// Exactly the calls the DynamoDB adapters make (functions/adapters/dynamo-*.ts; a test keeps them in step).
const TABLE_ACTIONS: Record<TableAccessLevel, string[]> = {
  // BatchGetItem: listings fetch whole complaints by key; a write first checks that the last change's
  // events exist as items (the audit trail).
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
};

// What DynamoDB asks KMS for, on the caller's behalf, to read and to write items of a CMK-encrypted table.
const TABLE_KEY_ACTIONS: Record<TableAccessLevel, string[]> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  readwrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

// The AWS Encryption SDK's KMS keyring asks for a data key to seal personal data and for its unwrapping to
// open it; writers read first. Encrypt would only be called for a second wrapping key, which there is not.
const PERSONAL_DATA_KEY_ACTIONS: Record<TableAccessLevel, string[]> = {
  read: ['kms:Decrypt'],
  readwrite: ['kms:Decrypt', 'kms:GenerateDataKey'],
};

// The extension serves GetSecretValue on localhost:2773 to the handler (functions/commons/secrets-extension.ts).
// Warnings only: at its default level it logs every request.
const SECRETS_EXTENSION_OPTIONS = { logLevel: ParamsAndSecretsLogLevel.WARN };

/** The given layer version (e.g. a China region's, which aws-cdk-lib's table lacks), else the table's. */
function secretsExtension(layerArn: string | undefined): ParamsAndSecretsLayerVersion {
  return layerArn
    ? ParamsAndSecretsLayerVersion.fromVersionArn(layerArn, SECRETS_EXTENSION_OPTIONS)
    : ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, SECRETS_EXTENSION_OPTIONS);
}

/**
 * Bundling of one handler by the local esbuild. A class with the entry as a field, not an object literal
 * with a closure: CDK caches staged assets by the JSON of the bundling options, where a closure vanishes,
 * so every function would otherwise get the first function's bundle.
 */
class HandlerBundling implements BundlingOptions {
  // Never pulled: local bundling always succeeds or throws, so Docker is never needed.
  readonly image = DockerImage.fromRegistry('local-esbuild-only');
  readonly entry: string;
  readonly local: ILocalBundling;

  constructor(entry: string) {
    this.entry = entry;
    this.local = {
      tryBundle(outputDir) {
        bundleFunctionSync(entry, outputDir);
        return true;
      },
    };
  }
}

/** The handler's bundle as an asset, hashed by its output so an unchanged bundle is not redeployed. */
function handlerBundle(entry: string): Code {
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: new HandlerBundling(entry),
  });
}

/** With a customer-managed key, DynamoDB, SNS and SQS call KMS with the caller's credentials: this
 * condition keeps the key usable only through that service, never directly. The endpoint's domain is the
 * partition's (amazonaws.com.cn in the China regions). */
export function viaService(service: string): Record<string, Record<string, string>> {
  return { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.${Aws.URL_SUFFIX}` } };
}

export class ComplaintFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ComplaintFunctionProps) {
    // Own log group (retention set) and own role (no AWS-managed policy granting logs on every group).
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Complaints: ${props.description}`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const secrets = Object.entries(props.secrets ?? {});

    super(scope, id, {
      // NodejsFunction's own bundling runs the esbuild CLI, which cannot take the plugin the bundle needs
      // (see bundling.ts); given `code`, it deploys ours instead, built by the same local esbuild.
      code: handlerBundle(`${PROJECT_ROOT}${props.entry}`),
      handler: `${BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      tracing: Tracing.ACTIVE,
      // A state machine version invokes the function versions it was published with, for as long as an
      // execution started on it runs (weeks): a deploy must not delete them.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      logGroup,
      role,
      ...(secrets.length > 0 ? { paramsAndSecrets: secretsExtension(props.secretsExtensionLayerArn) } : {}),
      environment: {
        ...props.environment,
        ...Object.fromEntries(secrets.map(([variable, secret]) => [variable, secret.secretArn])),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    for (const [variable, secret] of secrets) this.readSecret(variable, secret);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) support no resource-level permissions.',
    });
  }

  /** TABLE_NAME, and item access on the table and its named indexes (with the key, through DynamoDB only). */
  useTable(access: TableAccess, level: TableAccessLevel): this {
    const { table, indexNames } = access;
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: TABLE_ACTIONS[level],
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    if (table.encryptionKey) this.useKeyVia(table.encryptionKey, TABLE_KEY_ACTIONS[level], 'dynamodb');
    return this;
  }

  /**
   * PERSONAL_DATA_KEY_ARN, and the key for sealed phone numbers and names: Decrypt to read them, also
   * GenerateDataKey to write them, only with the encryption context the cipher sets.
   */
  usePersonalDataKey(key: IKey, level: TableAccessLevel, purpose: string): this {
    this.addEnvironment('PERSONAL_DATA_KEY_ARN', key.keyArn);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: PERSONAL_DATA_KEY_ACTIONS[level],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': purpose } },
      }),
    );
    return this;
  }

  /**
   * The state machine's `live` alias ARN in its variable, and either starting executions or answering its
   * task tokens. Step Functions authorises calls through a version or alias against the state machine's own
   * ARN, so the grants name that.
   */
  useStateMachine(machine: StateMachineAddress, level: StateMachineAccessLevel): this {
    this.addEnvironment(machine.environmentVariable, machine.aliasArn);
    if (level === 'start') {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['states:StartExecution'], resources: [machine.arn] }),
      );
    } else if (level === 'signal') {
      // Task tokens are authorised against the state machine that issued them.
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [machine.arn] }),
      );
    } else {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [machine.executionsArn] }),
      );
      Validations.of(this.role?.node.tryFindChild('DefaultPolicy') ?? this).acknowledge({
        // cdk-nag names the finding after the ARN with its pseudo parameters spelled out.
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machine.name}:*]`,
        reason:
          "Executions are named per complaint; the wildcard covers only this state machine's executions.",
      });
    }
    return this;
  }

  /** STAFF_TOPIC_ARNS (index = escalation level), and publishing to exactly those topics. */
  useStaffTopics(topics: readonly ITopic[], key: IKey): this {
    this.addEnvironment(
      'STAFF_TOPIC_ARNS',
      Stack.of(this).toJsonString(topics.map((topic) => topic.topicArn)),
    );
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: topics.map((topic) => topic.topicArn) }),
    );
    this.useKeyVia(key, ['kms:Decrypt', 'kms:GenerateDataKey'], 'sns');
    return this;
  }

  /** Subscribes alert recipients to the staff topics and sets their filter policies (the directory's sync). */
  useStaffTopicSubscriptions(topics: readonly ITopic[]): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:Subscribe'], resources: topics.map((topic) => topic.topicArn) }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        // Unsubscribe and SetSubscriptionAttributes act on subscription ARNs, which extend the topic ARN.
        actions: ['sns:Unsubscribe', 'sns:SetSubscriptionAttributes'],
        resources: topics.map((topic) => `${topic.topicArn}:*`),
      }),
    );
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      for (const topic of topics) {
        const logicalId = Stack.of(this).getLogicalId(topic.node.defaultChild as CfnElement);
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}>:*]`,
          reason: "A subscription's ARN is its topic's ARN and a generated id: only the staff topics' own.",
        });
      }
    }
    return this;
  }

  /** Direct SMS and mobile push through SNS. */
  useTextMessaging(): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        // The one documented "*": an SMS to a phone number has no resource ARN, so IAM can only match it
        // against "*" (push endpoints, whose ARNs come from customers' records, are covered by the same).
        resources: ['*'],
      }),
    );
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'sns:Publish of an SMS to a phone number can only be granted on "*" (no resource ARN).',
      });
    }
    return this;
  }

  /**
   * Customer SMS through AWS End User Messaging SMS. SendTextMessage's resources are the origination
   * identities, configuration sets and opt-out lists the account picks per message, so the grant is on "*"
   * of the one action.
   */
  useEndUserMessaging(): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources: ['*'] }));
    const policy = this.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'sms-voice:SendTextMessage picks its origination identity per message; sns:Publish to a phone number has no ARN.',
      });
    }
    return this;
  }

  /**
   * GetSecretValue and DescribeSecret on the secret, and Decrypt on its key through Secrets Manager only.
   * Granted on a reference by ARN: the secret's own grantRead would also write this role into the key's
   * policy in the data stack, which then depends on this stack (a cycle); the role's policy is enough.
   */
  private readSecret(variable: string, secret: ISecret): void {
    Secret.fromSecretCompleteArn(this, `${variable}Secret`, secret.secretArn).grantRead(this);
    if (secret.encryptionKey) this.useKeyVia(secret.encryptionKey, ['kms:Decrypt'], 'secretsmanager');
  }

  /**
   * ATTACHMENTS_BUCKET, and the attachments' objects (never the bucket itself): `read` signs GET URLs,
   * `presign` also signs upload policies (PutObject), `check` reads uploads back and deletes refused ones.
   * Named by the bucket's fixed name, so no export ties this stack to the data stack's bucket.
   */
  useAttachments(
    bucket: { name: string; keyPrefix: string; key: IKey; nagName: string },
    level: 'read' | 'presign' | 'check',
  ): this {
    const { name: bucketName, keyPrefix, key } = bucket;
    this.addEnvironment('ATTACHMENTS_BUCKET', bucketName);
    const actions = {
      read: ['s3:GetObject'],
      presign: ['s3:GetObject', 's3:PutObject'],
      check: ['s3:GetObject', 's3:DeleteObject'],
    }[level];
    const objects = `arn:${Aws.PARTITION}:s3:::${bucketName}/${keyPrefix}*`;
    this.addToRolePolicy(new PolicyStatement({ actions, resources: [objects] }));
    this.useKeyVia(key, level === 'presign' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], 's3');
    Validations.of(this.role?.node.tryFindChild('DefaultPolicy') ?? this).acknowledge({
      // cdk-nag names the finding after the ARN with its pseudo parameters spelled out.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.nagName}/${keyPrefix}*]`,
      reason:
        "Attachments are keyed per complaint and file: the wildcard covers only the attachments' prefix.",
    });
    return this;
  }

  private useKeyVia(key: IKey, actions: string[], service: string): void {
    this.addToRolePolicy(
      new PolicyStatement({ actions, resources: [key.keyArn], conditions: viaService(service) }),
    );
  }
}
