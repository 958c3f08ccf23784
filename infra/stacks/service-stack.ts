// Everything stateless, redeployable at will: the functions, the two state machines, the API and the
// dashboard and alarms. State lives in ComplaintsDataStack and is only referred to from here.
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  COMPLAINT_SUBSTITUTIONS,
  complaintDefinitionTemplate,
  NOTIFICATION_SUBSTITUTIONS,
  notificationDefinitionTemplate,
} from '#workflows/definitions';
import { PERSONAL_DATA_PURPOSE } from '#adapters/personal-data-context';
import { isTemplateProvider, templateCodes } from '#domain/notifications/provider-templates';
import { API_ROUTES } from '../../functions/api/routes.ts';
import { EXECUTION_STATUS_CHANGE } from '../../functions/ops/execution-events.ts';
import { ComplaintFunction, viaService } from '../constructs/complaint-function.ts';
import type { StateMachineAddress } from '../constructs/complaint-function.ts';
import { ComplaintsApi, CUSTOMER_LINK_METHODS } from '../constructs/complaints-api.ts';
import { OperationsMonitoring } from '../constructs/operations-monitoring.ts';
import { OperatorAlarms } from '../constructs/operator-alarms.ts';
import { stateMachineAddress, WorkflowStateMachine } from '../constructs/workflow-state-machine.ts';
import {
  ATTACHMENT_KEY_PREFIX,
  attachmentsBucketName,
  attachmentsBucketNagName,
  type ComplaintsDataStack,
} from './data-stack.ts';
import { DeploymentConfigError, type DeploymentConfig } from './deployment-config.ts';
import { AUTHORIZER_FUNCTION, functionSpecs, taskFunctionName } from './function-catalog.ts';
import { DEFAULT_RESOURCE_SERVER } from '../../functions/auth/token-claims.ts';
import type { FunctionSpec } from './function-catalog.ts';

/** How often the reconciler looks for open complaints without a running execution. */
export const RECONCILE_INTERVAL = Duration.minutes(15);

/** EventBridge's delivery of a status event to the self-healing function: retries, then the DLQ. */
export const STATUS_EVENT_RETRY_ATTEMPTS = 8;
export const STATUS_EVENT_MAX_AGE = Duration.hours(6);

export interface ComplaintsServiceStackProps extends StackProps {
  config: DeploymentConfig;
  data: ComplaintsDataStack;
}

const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, letter: string) => letter.toUpperCase());

export class ComplaintsServiceStack extends Stack {
  /** By functionName (routes.ts and docs/ARCHITECTURE.md). */
  readonly functions: ReadonlyMap<string, ComplaintFunction>;
  /** The state machines' ARNs as functions see them (built from the names, see StateMachineAddress). */
  readonly complaintMachine: StateMachineAddress;
  readonly notificationMachine: StateMachineAddress;
  readonly complaintWorkflow: WorkflowStateMachine;
  readonly notificationWorkflow: WorkflowStateMachine;
  readonly api: ComplaintsApi;
  readonly monitoring: OperationsMonitoring;
  /** SMS, delivery, throttle and customer link alarms, and the web ACL on the public routes. */
  readonly operatorAlarms: OperatorAlarms;
  /** Status events the self-healing function could not take after every retry (to replay by hand). */
  readonly executionEventDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: ComplaintsServiceStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    requireSecretsExtensionWhereUnlisted(this.region, config);
    requireIssuerWhereNoUserPools(this.region, config);
    requireSmsProviderWhereNoSns(this.region, config);

    const complaintMachine = stateMachineAddress(
      this,
      `complaints-${config.stage}-complaint`,
      'COMPLAINT_STATE_MACHINE_ARN',
    );
    const notificationMachine = stateMachineAddress(
      this,
      `complaints-${config.stage}-notification`,
      'NOTIFICATION_STATE_MACHINE_ARN',
    );
    this.complaintMachine = complaintMachine;
    this.notificationMachine = notificationMachine;

    this.api = new ComplaintsApi(this, 'Api', {
      stage: config.stage,
      throttle: config.apiThrottle,
      apiKeyRequired: config.apiKeyRequired,
      logRetention: config.logRetention,
    });

    const environment = this.functionEnvironment(config, data, complaintMachine, notificationMachine);
    const functions = new Map<string, ComplaintFunction>();
    for (const spec of deployedFunctionSpecs(config)) {
      functions.set(
        spec.functionName,
        this.defineFunction(spec, environment, config, data, { complaintMachine, notificationMachine }),
      );
    }
    this.functions = functions;
    // Self-healing: a complaint execution that failed, timed out or was stopped restarts from its event.
    this.executionEventDeadLetters = new Queue(this, 'ExecutionEventDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.executionEventDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the execution status event rule.',
    });
    new Rule(this, 'ExecutionStatusChange', {
      description: 'Restart complaint executions that failed, timed out or were stopped',
      eventPattern: {
        source: [EXECUTION_STATUS_CHANGE.source],
        detailType: [EXECUTION_STATUS_CHANGE.detailType],
        detail: {
          status: [...EXECUTION_STATUS_CHANGE.statuses],
          stateMachineArn: [complaintMachine.arn],
        },
      },
      targets: [
        new LambdaFunction(this.functionNamed('execution-status-changed'), {
          deadLetterQueue: this.executionEventDeadLetters,
          retryAttempts: STATUS_EVENT_RETRY_ATTEMPTS,
          maxEventAge: STATUS_EVENT_MAX_AGE,
        }),
      ],
    });
    // The safety net behind the events: the reconciler runs every 15 minutes.
    new Rule(this, 'ReconcileSchedule', {
      description: 'Resume open complaints whose workflow execution is not running',
      schedule: Schedule.rate(RECONCILE_INTERVAL),
      targets: [new LambdaFunction(this.functionNamed('reconcile'), { retryAttempts: 0 })],
    });
    if (config.apiAuthorization === 'iam') {
      // SigV4 and execute-api:Invoke checked by API Gateway; the handlers map the caller's IAM principal
      // (functions/commons/authorizer-context.ts principalFromRequestContext).
      this.api.useIamAuthorization();
    } else {
      this.useTokenAuthorizer(config, data);
    }
    this.api.addRoutes(API_ROUTES, functions);

    this.complaintWorkflow = new WorkflowStateMachine(this, 'ComplaintWorkflow', {
      address: complaintMachine,
      definitionTemplate: complaintDefinitionTemplate(),
      ...this.taskSubstitutions(COMPLAINT_SUBSTITUTIONS, { Partition: this.partition }),
      logRetention: config.logRetention,
    });
    this.notificationWorkflow = new WorkflowStateMachine(this, 'NotificationWorkflow', {
      address: notificationMachine,
      definitionTemplate: notificationDefinitionTemplate(),
      ...this.taskSubstitutions(NOTIFICATION_SUBSTITUTIONS, {
        Partition: this.partition,
        DeadLetterQueueUrl: data.notificationDeadLetters.queueUrl,
      }),
      logRetention: config.logRetention,
    });
    // The DeadLetter state sends to the encrypted queue: SendMessage there, and the key through SQS only.
    this.notificationWorkflow.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [data.notificationDeadLetters.queueArn],
      }),
    );
    this.notificationWorkflow.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [data.dataKey.keyArn],
        conditions: viaService('sqs'),
      }),
    );

    this.monitoring = new OperationsMonitoring(this, 'Operations', {
      stage: config.stage,
      api: this.api.restApi,
      stateMachines: [
        { name: 'ComplaintWorkflow', machine: this.complaintWorkflow.stateMachine },
        { name: 'NotificationWorkflow', machine: this.notificationWorkflow.stateMachine },
      ],
      functions: deployedFunctionSpecs(config).map((spec) => ({
        name: pascalCase(spec.functionName),
        fn: this.functionNamed(spec.functionName),
        // Workflow tasks throw VersionConflict on purpose to be retried; a burst of them is not an incident.
        // A refused token is an "error" of the authorizer (API Gateway needs the throw for its 401).
        errorAlarmThreshold: { api: 1, workflow: 5, ops: 5, auth: 100 }[spec.kind],
      })),
      deadLetters: data.notificationDeadLetters,
      executionEventDeadLetters: this.executionEventDeadLetters,
      // The reconciler's gauge (functions/ops/reconcile.ts), emitted by Powertools with its service dimension.
      needsOperator: new Metric({
        namespace: 'Complaints',
        metricName: 'ComplaintsNeedingOperator',
        dimensionsMap: { service: 'complaints' },
        statistic: 'Maximum',
        period: RECONCILE_INTERVAL.plus(RECONCILE_INTERVAL),
      }),
      opsTopic: data.opsTopic,
    });
    const sender = this.functionNamed('send-notification');
    this.operatorAlarms = new OperatorAlarms(this, 'OperatorAlarms', {
      stage: config.stage,
      api: this.api.restApi,
      customerLinkMethods: CUSTOMER_LINK_METHODS,
      table: data.complaints.table,
      sender,
      smsMonthlySpendLimit: config.smsMonthlySpendLimit,
      publicRateLimitPerIp: config.publicRateLimitPerIp,
      opsTopic: data.opsTopic,
    });
  }

  /** The bearer-token authorizer in front of the API (apiAuthorization `jwt`, the default). */
  private useTokenAuthorizer(config: DeploymentConfig, data: ComplaintsDataStack): void {
    const authorizer = this.functionNamed(AUTHORIZER_FUNCTION.functionName);
    // The user pool's tokens, of the app clients this deployment created (functions/auth/token-claims.ts),
    // or the operator's own issuer where Cognito has no user pools (the China regions).
    const trusted = config.externalIssuer ?? {
      issuer: data.identity?.issuer ?? '',
      clientIds: data.identity?.clientIds ?? [],
    };
    authorizer.addEnvironment('AUTH_ISSUER', trusted.issuer);
    if ('jwksUri' in trusted && trusted.jwksUri) authorizer.addEnvironment('AUTH_JWKS_URI', trusted.jwksUri);
    if (trusted.clientIds?.length) authorizer.addEnvironment('AUTH_CLIENT_IDS', trusted.clientIds.join(','));
    authorizer.addEnvironment('AUTH_RESOURCE_SERVER', DEFAULT_RESOURCE_SERVER);
    this.api.useAuthorizer(authorizer);
  }

  /** Every placeholder's value: a task function's ARN, or one of `others`; an unknown name fails synth. */
  private taskSubstitutions(
    placeholders: readonly string[],
    others: Readonly<Record<string, string>>,
  ): { substitutions: Record<string, string>; taskFunctions: ComplaintFunction[] } {
    const substitutions: Record<string, string> = {};
    const taskFunctions: ComplaintFunction[] = [];
    for (const placeholder of placeholders) {
      const functionName = taskFunctionName(placeholder);
      const other = others[placeholder];
      if (functionName !== undefined) {
        const fn = this.functionNamed(functionName);
        // The version this deploy published: a state machine version pins the code it runs with.
        substitutions[placeholder] = fn.currentVersion.functionArn;
        taskFunctions.push(fn);
      } else if (other !== undefined) {
        substitutions[placeholder] = other;
      } else {
        throw new Error(`state machine placeholder \${${placeholder}} has no value in the service stack`);
      }
    }
    return { substitutions, taskFunctions };
  }

  private functionNamed(functionName: string): ComplaintFunction {
    const fn = this.functions.get(functionName);
    if (!fn) throw new Error(`no function ${functionName}`);
    return fn;
  }

  /** What docs/ARCHITECTURE.md says every function reads. Names are not permissions: grants come per function. */
  private functionEnvironment(
    config: DeploymentConfig,
    data: ComplaintsDataStack,
    complaintMachine: StateMachineAddress,
    notificationMachine: StateMachineAddress,
  ): Record<string, string> {
    const optional = (name: string, value: string | number | undefined) =>
      value === undefined ? {} : { [name]: String(value) };
    return {
      TABLE_NAME: data.complaints.table.tableName,
      COMPLAINT_STATE_MACHINE_ARN: complaintMachine.aliasArn,
      NOTIFICATION_STATE_MACHINE_ARN: notificationMachine.aliasArn,
      STAFF_TOPIC_ARNS: this.toJsonString(data.staffTopics.map((topic) => topic.topicArn)),
      PUBLIC_BASE_URL: config.publicBaseUrl ?? this.api.baseUrl,
      STAFF_ALERT_CALENDAR: config.staffAlertCalendar,
      FOLLOW_UP_NEUTRAL_SCORE: String(config.followUpNeutralScore),
      ...optional('SLA_POLICY', config.slaPolicyOverride && JSON.stringify(config.slaPolicyOverride)),
      ...optional('SLA_HOLIDAY_SCHEDULE', config.holidaySchedule && JSON.stringify(config.holidaySchedule)),
      ...optional('COMPENSATION_RULES', config.compensationRules && JSON.stringify(config.compensationRules)),
      ...optional('INCIDENT_SPIKE', config.incidentSpike && JSON.stringify(config.incidentSpike)),
      ...optional('SMS_SENDER_ID', config.smsSenderId),
      ...optional('SMS_SIGNATURE', config.smsSignature),
      ...optional('SMS_MAX_PRICE', config.smsMaxPrice),
      ...optional('CUSTOMER_QUIET_HOURS', config.customerQuietHours),
      SMS_PROVIDER: config.sms.provider,
      MOBILE_PUSH: config.sms.push,
      ...optional(
        'SMS_TEMPLATE_CODES',
        config.sms.templates && JSON.stringify(templateCodes(config.sms.templates)),
      ),
      ...optional('SMS_ORIGINATION_IDENTITY', config.sms.originationIdentity),
      ...optional('SMS_CONFIGURATION_SET', config.sms.configurationSetName),
      POWERTOOLS_SERVICE_NAME: 'complaints',
      POWERTOOLS_METRICS_NAMESPACE: 'Complaints',
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    };
  }

  private defineFunction(
    spec: FunctionSpec,
    environment: Record<string, string>,
    config: DeploymentConfig,
    data: ComplaintsDataStack,
    machines: { complaintMachine: StateMachineAddress; notificationMachine: StateMachineAddress },
  ): ComplaintFunction {
    // The API functions' one mapping from request context to principal reads these (default: the authorizer's).
    const authorization: Record<string, string> =
      spec.kind === 'api' && config.apiAuthorization === 'iam'
        ? { API_AUTHORIZATION: 'iam', IAM_PRINCIPALS: JSON.stringify(config.iamPrincipals) }
        : {};
    const fn = new ComplaintFunction(this, pascalCase(spec.functionName), {
      entry: spec.entry,
      description: spec.description,
      environment: { ...environment, ...authorization },
      // The key's ARN, never its value: anyone who may read a function's configuration would see a value.
      secrets: {
        ...(spec.access.phoneHashKey ? { PHONE_HASH_SECRET_ID: data.phoneHashSecret } : {}),
        // Only the function that sends texts holds the mainland provider's AccessKey pair.
        ...(spec.access.textMessaging && data.smsCredentialsSecret
          ? { SMS_CREDENTIALS_SECRET_ID: data.smsCredentialsSecret }
          : {}),
      },
      secretsExtensionLayerArn: config.secretsExtensionLayerArn,
      logRetention: config.logRetention,
      // Workflow tasks may send or wait on SNS; API Gateway gives up on an integration after 29 s anyway;
      // the reconciler walks every open complaint.
      timeout: Duration.seconds({ api: 10, workflow: 30, ops: 900, auth: 5 }[spec.kind]),
      // The sender's bound (docs/deploy.md): a morning release never takes the account's whole concurrency.
      ...(spec.reservedConcurrency !== undefined && config.reserveSendConcurrency
        ? { reservedConcurrentExecutions: spec.reservedConcurrency }
        : {}),
    });
    const { access } = spec;
    if (access.table) {
      fn.useTable(data.complaints, access.table);
      // Every complaint read opens the customer's sealed phone and name; every write seals them.
      fn.usePersonalDataKey(data.personalDataKey, access.table, PERSONAL_DATA_PURPOSE);
    }
    for (const level of [access.complaintWorkflow ?? []].flat())
      fn.useStateMachine(machines.complaintMachine, level);
    if (access.notificationWorkflow)
      fn.useStateMachine(machines.notificationMachine, access.notificationWorkflow);
    if (access.staffTopics) fn.useStaffTopics(data.staffTopics, data.dataKey);
    if (access.staffTopicSubscriptions) fn.useStaffTopicSubscriptions(data.staffTopics);
    if (access.textMessaging) {
      // SNS for push and (provider sns) SMS; End User Messaging's SendTextMessage when it sends the SMS.
      if (config.sms.provider === 'sns' || config.sms.push === 'sns') fn.useTextMessaging();
      if (config.sms.provider === 'end-user-messaging') fn.useEndUserMessaging();
    }
    if (access.attachments) {
      fn.useAttachments(
        {
          name: attachmentsBucketName(config.stage),
          keyPrefix: ATTACHMENT_KEY_PREFIX,
          key: data.attachmentsKey,
          nagName: attachmentsBucketNagName(config.stage),
        },
        access.attachments,
      );
    }
    return fn;
  }
}

/**
 * aws-cdk-lib's table of Parameters and Secrets extension layers has no China region: there the layer ARN
 * must be given, or the deploy would fail on a missing mapping. Checked when the region is known at synth.
 */
/**
 * Amazon SNS sends no SMS and no mobile push in the China regions, and AWS End User Messaging SMS is not
 * offered there: a deployment there texts through a mainland provider and has no push (push customers are
 * texted instead). Checked when the region is known at synth.
 */
function requireSmsProviderWhereNoSns(region: string, config: DeploymentConfig): void {
  if (Token.isUnresolved(region) || !region.startsWith('cn-')) return;
  const problems: string[] = [];
  if (!isTemplateProvider(config.sms.provider))
    problems.push(
      `smsProvider: ${config.sms.provider} cannot text customers in ${region}: use a mainland provider (aliyun)`,
    );
  if (config.sms.push === 'sns')
    problems.push(`mobilePush: Amazon SNS has no mobile push in ${region}: leave it unset or set none`);
  if (problems.length > 0) throw new DeploymentConfigError(problems);
}

/** Amazon Cognito has no user pools in the China regions: there the deployment names its own issuer. */
function requireIssuerWhereNoUserPools(region: string, config: DeploymentConfig): void {
  if (Token.isUnresolved(region) || !region.startsWith('cn-') || config.externalIssuer) return;
  if (config.apiAuthorization === 'iam') return;
  throw new DeploymentConfigError([
    `authIssuer: required in ${region}: Amazon Cognito has no user pools there; give the https URL of the ` +
      "operator's OIDC issuer of access tokens (-c authIssuer=https://... -c authClientIds=a,b)",
  ]);
}

function requireSecretsExtensionWhereUnlisted(region: string, config: DeploymentConfig): void {
  if (Token.isUnresolved(region) || !region.startsWith('cn-') || config.secretsExtensionLayerArn) return;
  throw new DeploymentConfigError([
    `secretsExtensionLayerArn: required in ${region}: aws-cdk-lib knows no AWS Parameters and Secrets ` +
      'Lambda Extension layer there; give the arm64 layer version ARN AWS publishes for the region ' +
      `(-c secretsExtensionLayerArn=arn:aws-cn:lambda:${region}:ACCOUNT:layer:NAME:VERSION)`,
  ]);
}

/** The catalogue's functions this deployment runs: no token authorizer when API Gateway checks IAM. */
function deployedFunctionSpecs(config: DeploymentConfig): FunctionSpec[] {
  return functionSpecs().filter((spec) => spec.kind !== 'auth' || config.apiAuthorization === 'jwt');
}
