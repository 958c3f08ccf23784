// What an ops engineer relies on in the stateless stack: every function runs the same way (Node 24, arm64,
// traced, logs kept), the state machines are the ASL files, and nothing is granted beyond what each part
// needs. Synthesised once without bundling (CDK's own switch); tests/infra/bundling.test.ts bundles for real.
import { readdirSync, readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, DEFAULT_SECRETS_EXTENSION_PORT, parseConfig } from '#commons/config';
import {
  complaintDefinitionTemplate,
  notificationDefinitionTemplate,
  renderDefinition,
} from '#workflows/definitions';
import { API_ROUTES } from '../../functions/api/routes.ts';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import type { ComplaintsDataStack } from '../../infra/stacks/data-stack.ts';
import { functionSpecs, OPS_FUNCTIONS } from '../../infra/stacks/function-catalog.ts';
import type { ComplaintsServiceStack } from '../../infra/stacks/service-stack.ts';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

type CfnResourceWithId = Parameters<ComplaintsDataStack['getLogicalId']>[0];

let data: ComplaintsDataStack;
let service: ComplaintsServiceStack;
let resources: Record<string, CfnResource>;
let allResources: Record<string, CfnResource>;

beforeAll(() => {
  ({ data, service } = createComplaintsApp({ bundling: false }));
  resources = Template.fromStack(service).toJSON().Resources as Record<string, CfnResource>;
  allResources = {
    ...(Template.fromStack(data).toJSON().Resources as Record<string, CfnResource>),
    ...resources,
  };
});

const ofType = (type: string, from = resources) =>
  Object.entries(from).filter(([, resource]) => resource.Type === type);
const functionId = (name: string): string => {
  const fn = service.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return service.getLogicalId(fn.node.defaultChild as CfnFunction);
};
const functionProps = (name: string) => resources[functionId(name)]!.Properties;
const getAttId = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
const roleIdOf = (name: string): string => getAttId(functionProps(name).Role)!;
const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const resourcesOf = (statement: Statement): unknown[] => [statement.Resource].flat();

function statementsOfRole(roleId: string): Statement[] {
  const attached = ofType('AWS::IAM::Policy', allResources)
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`{"Ref":"${roleId}"}`))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const inline = (
    (allResources[roleId]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  return [...attached, ...inline];
}

/** Resources on which a role may perform `action`. */
function grantedOn(roleId: string, action: string): unknown[] {
  return statementsOfRole(roleId)
    .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
    .flatMap(resourcesOf);
}
const actionsOfRole = (roleId: string): string[] => statementsOfRole(roleId).flatMap(actionsOf);
/** Every statement of every role on a resource. */
const everyStatementOn = (resource: unknown): Statement[] =>
  ofType('AWS::IAM::Role', allResources)
    .flatMap(([roleId]) => statementsOfRole(roleId))
    .filter((statement) =>
      resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
    );
const machineArn = (which: 'complaintMachine' | 'notificationMachine') => service.resolve(service[which].arn);
const aliasArn = (which: 'complaintMachine' | 'notificationMachine') =>
  service.resolve(service[which].aliasArn);
/** `{ Fn::Join: ['', [ first, ...rest ]] }` -> first and the literal rest. */
const joined = (value: unknown): { first: unknown; rest: unknown[] } | undefined => {
  const parts = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join']?.[1];
  return parts ? { first: parts[0], rest: parts.slice(1) } : undefined;
};

describe('every function', () => {
  it('is one of the catalogue: the API routes, the state machines’ tasks, the ops functions and the authorizer', () => {
    // Act
    const deployed = ofType('AWS::Lambda::Function').map(([id]) => id);

    // Prepare: one function per route handler and one per function placeholder in the ASL files.
    const routeHandlers = new Set(API_ROUTES.map((route) => route.functionName));
    const taskPlaceholders = new Set(
      [complaintDefinitionTemplate(), notificationDefinitionTemplate()].flatMap((asl) =>
        [...asl.matchAll(/\$\{(\w+)FunctionArn\}/g)].map((match) => match[1]),
      ),
    );

    // Assess
    expect(deployed.sort()).toEqual(
      functionSpecs()
        .map((spec) => functionId(spec.functionName))
        .sort(),
    );
    // ... and the API's authorizer.
    expect(deployed).toHaveLength(routeHandlers.size + taskPlaceholders.size + OPS_FUNCTIONS.length + 1);
  });

  it('runs the reconciler every 15 minutes with just the access it needs', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(JSON.stringify(rule.Properties.Targets)).toContain(functionId('reconcile'));
    const actions = actionsOfRole(roleIdOf('reconcile'));
    expect(actions).toEqual(
      expect.arrayContaining(['states:DescribeExecution', 'states:StartExecution', 'states:SendTaskSuccess']),
    );
    expect(actions.filter((a) => a.startsWith('sns:'))).toEqual([]);
    expect(functionProps('reconcile').Timeout).toBe(900);
  });

  it('runs Node.js 24 on arm64 with active tracing, ESM source maps and its own log group kept 90 days', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      expect(resources[logGroupId], id).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
      });
    }
  });

  it('gets every variable functions/commons/config.ts requires, and never the phone-hash key', () => {
    // Prepare: config.ts itself names what it cannot start without.
    let required: string[] = [];
    try {
      parseConfig({});
    } catch (error) {
      if (error instanceof ConfigurationError) required = error.variables;
    }

    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      // Act
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      expect(required.length).toBeGreaterThan(3);
      for (const name of required) expect(variables, `${id} ${name}`).toHaveProperty(name);
      expect(variables, id).not.toHaveProperty('PHONE_HASH_SECRET');
      // Executions start through the machines' `live` alias.
      expect(variables.COMPLAINT_STATE_MACHINE_ARN).toEqual(aliasArn('complaintMachine'));
      expect(variables.NOTIFICATION_STATE_MACHINE_ARN).toEqual(aliasArn('notificationMachine'));
    }
  });

  it('by default: no SLA override or SMS settings, the API’s own URL as base, staff alerts at any hour', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      expect(Object.keys(variables), id).not.toEqual(expect.arrayContaining(['SLA_POLICY']));
      expect(Object.keys(variables), id).not.toEqual(expect.arrayContaining(['SMS_SENDER_ID']));
      expect(variables.STAFF_ALERT_CALENDAR, id).toBe('24x7');
      expect(JSON.stringify(variables.PUBLIC_BASE_URL), id).toMatch(
        /"https:\/\/",\{"Ref":"Api\w+"\},".execute-api."/,
      );
    }
  });

  it('names the state machines by the ARNs the machines really get', () => {
    for (const [which, workflow] of [
      ['complaintMachine', service.complaintWorkflow],
      ['notificationMachine', service.notificationWorkflow],
    ] as const) {
      const machine =
        resources[service.getLogicalId(workflow.stateMachine.node.defaultChild as CfnStateMachine)]!;
      const arnParts = (machineArn(which) as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];

      expect(arnParts.at(-1)).toBe(`:stateMachine:${String(machine.Properties.StateMachineName)}`);
    }
  });
});

describe('the phone-hash key', () => {
  const hashing = () =>
    functionSpecs()
      .filter((spec) => spec.access.phoneHashKey)
      .map((spec) => spec.functionName);
  const variablesOf = (name: string) =>
    (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
  const secretLogicalId = () =>
    data.getLogicalId(data.phoneHashSecret.node.defaultChild as CfnResourceWithId);

  it('is read only by registration and erasure, the use cases that hash phone numbers', () => {
    expect(hashing()).toEqual(['create-complaint', 'post-erasure-request']);
  });

  it('is in no function’s environment, not even as a deploy-time reference', () => {
    // Act
    const templates = [Template.fromStack(service).toJSON(), Template.fromStack(data).toJSON()];

    // Assess
    for (const template of templates)
      expect(JSON.stringify(template)).not.toContain('resolve:secretsmanager');
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables), id).not.toContain('PHONE_HASH_SECRET');
    }
  });

  it('reaches create-complaint as the secret’s ARN, with the extension layer on the port the handler calls', () => {
    // Act
    const variables = variablesOf('create-complaint');
    const layers = JSON.stringify(functionProps('create-complaint').Layers);
    const mapping = JSON.stringify(Template.fromStack(service).toJSON().Mappings);

    // Assess
    expect(JSON.stringify(variables.PHONE_HASH_SECRET_ID)).toContain(`Ref${secretLogicalId()}`);
    expect(variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe(String(DEFAULT_SECRETS_EXTENSION_PORT));
    expect(layers).toMatch(
      /"Fn::FindInMap":\["Paramsandsecretslayer\w*Map",\{"Ref":"AWS::Region"\},"1x0x103xarm64"\]/,
    );
    expect(mapping).toContain(':layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:');
  });

  it('may be read (and its key decrypted through Secrets Manager) by create-complaint and post-erasure-request alone', () => {
    for (const spec of functionSpecs()) {
      // Act
      const roleId = roleIdOf(spec.functionName);
      const readable = grantedOn(roleId, 'secretsmanager:GetSecretValue');
      const decryptVia = statementsOfRole(roleId)
        .filter((statement) => actionsOf(statement).includes('kms:Decrypt'))
        .map((statement) => JSON.stringify(statement.Condition));
      const props = functionProps(spec.functionName);

      // Assess
      if (spec.functionName === 'create-complaint' || spec.functionName === 'post-erasure-request') {
        expect(readable.map((resource) => JSON.stringify(resource))).toEqual([
          JSON.stringify(variablesOf(spec.functionName).PHONE_HASH_SECRET_ID),
        ]);
        expect(decryptVia.some((condition) => condition.includes('"secretsmanager."'))).toBe(true);
      } else {
        expect(readable, spec.functionName).toEqual([]);
        expect(decryptVia.join(), spec.functionName).not.toContain('secretsmanager');
        expect(props.Layers, spec.functionName).toBeUndefined();
        expect(JSON.stringify(props.Environment), spec.functionName).not.toContain('PHONE_HASH_SECRET_ID');
      }
    }
  });
});

describe('the personal-data key', () => {
  const keyArn = () => service.resolve(data.personalDataKey.keyArn);
  const variablesOf = (name: string) =>
    (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
  const onKey = (name: string) =>
    statementsOfRole(roleIdOf(name)).filter((statement) =>
      resourcesOf(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(keyArn())),
    );

  it('is named to every function that reads or writes complaints, and to no other', () => {
    for (const spec of functionSpecs()) {
      const variable = variablesOf(spec.functionName).PERSONAL_DATA_KEY_ARN;
      if (spec.access.table) expect(variable, spec.functionName).toEqual(keyArn());
      else expect(variable, spec.functionName).toBeUndefined();
    }
  });

  it('lets readers Decrypt and writers also GenerateDataKey, only for sealed personal data', () => {
    for (const spec of functionSpecs()) {
      // Act
      const statements = onKey(spec.functionName);

      // Assess
      const actions = statements.flatMap(actionsOf).sort();
      const expected = { read: ['kms:Decrypt'], readwrite: ['kms:Decrypt', 'kms:GenerateDataKey'] };
      expect(actions, spec.functionName).toEqual(spec.access.table ? expected[spec.access.table] : []);
      for (const statement of statements) {
        expect(statement.Condition, spec.functionName).toEqual({
          StringEquals: { 'kms:EncryptionContext:purpose': 'complaint-personal-data' },
        });
      }
    }
    expect(onKey('get-complaint').flatMap(actionsOf)).toEqual(['kms:Decrypt']);
    expect(onKey('create-complaint').flatMap(actionsOf).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
  });

  it('is a key of its own, not the table’s, so the table key stays usable through DynamoDB only', () => {
    expect(JSON.stringify(keyArn())).not.toEqual(JSON.stringify(service.resolve(data.dataKey.keyArn)));
    const direct = everyStatementOn(service.resolve(data.dataKey.keyArn)).filter(
      (statement) => statement.Condition === undefined,
    );
    expect(direct).toEqual([]);
  });
});

describe('the state machines', () => {
  const machineProps = (workflow: 'complaintWorkflow' | 'notificationWorkflow') =>
    resources[service.getLogicalId(service[workflow].stateMachine.node.defaultChild as CfnStateMachine)]!
      .Properties;

  /** What a substitution value refers to, in words: which function, or which data-stack output. */
  function referent(value: unknown): string {
    if ((value as { Ref?: string }).Ref === 'AWS::Partition') return 'partition';
    // A published version: its Ref is the version's ARN.
    const version = resources[(value as { Ref?: string }).Ref ?? ''];
    if (version?.Type === 'AWS::Lambda::Version') {
      const functionRef = (version.Properties.FunctionName as { Ref?: string }).Ref;
      const name = [...service.functions.keys()].find((fn) => functionId(fn) === functionRef);
      return `version:${name ?? 'unknown'}`;
    }
    const id = getAttId(value);
    if (id !== undefined) {
      const name = [...service.functions.keys()].find((fn) => functionId(fn) === id);
      return `function:${name ?? id}`;
    }
    const output = (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
      'Fn::GetStackOutput'
    ];
    const queueId = data.getLogicalId(data.notificationDeadLetters.node.defaultChild as CfnStateMachine);
    // The queue's URL is its Ref, published by the data stack as an output named after it.
    if (output?.StackName === data.stackName && output.OutputName.includes(`Ref${queueId}`)) {
      return 'queue-url:notification-dead-letters';
    }
    return `unknown:${JSON.stringify(value).replaceAll('"', "'")}`;
  }

  const deployedDefinition = (workflow: 'complaintWorkflow' | 'notificationWorkflow') => {
    const props = machineProps(workflow);
    const substitutions = props.DefinitionSubstitutions as Record<string, unknown>;
    return renderDefinition(
      props.DefinitionString as string,
      Object.fromEntries(Object.entries(substitutions).map(([name, value]) => [name, referent(value)])),
    );
  };

  it('deploy workflows/complaint.asl.json inline, each task calling the function docs/ARCHITECTURE.md names', () => {
    const expected = renderDefinition(complaintDefinitionTemplate(), {
      Partition: 'partition',
      OpenStageFunctionArn: 'version:open-stage',
      AwaitStageFunctionArn: 'version:await-stage',
      StageTimerFunctionArn: 'version:stage-timer',
      FinishComplaintFunctionArn: 'version:finish-complaint',
      RecordFailureFunctionArn: 'version:record-failure',
    });

    expect(deployedDefinition('complaintWorkflow')).toEqual(expected);
  });

  it('deploy workflows/notification.asl.json inline, sending through send-notification to the dead-letter queue', () => {
    const expected = renderDefinition(notificationDefinitionTemplate(), {
      Partition: 'partition',
      SendNotificationFunctionArn: 'version:send-notification',
      DeadLetterQueueUrl: 'queue-url:notification-dead-letters',
    });

    expect(deployedDefinition('notificationWorkflow')).toEqual(expected);
  });

  it('publish a version per deploy, kept for the executions running on it, behind a `live` alias', () => {
    for (const workflow of ['complaintWorkflow', 'notificationWorkflow'] as const) {
      const machineId = service.getLogicalId(
        service[workflow].stateMachine.node.defaultChild as CfnStateMachine,
      );
      const versionId = service.getLogicalId(service[workflow].version);
      const version = resources[versionId] as CfnResource & {
        DeletionPolicy?: string;
        UpdateReplacePolicy?: string;
      };

      // A new revision of the definition replaces the version resource; the old version stays.
      expect(version.Properties).toMatchObject({
        StateMachineArn: { Ref: machineId },
        StateMachineRevisionId: { 'Fn::GetAtt': [machineId, 'StateMachineRevisionId'] },
      });
      expect([version.DeletionPolicy, version.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
      expect(resources[service.getLogicalId(service[workflow].alias)]!.Properties).toEqual(
        expect.objectContaining({
          Name: 'live',
          RoutingConfiguration: [
            { StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 },
          ],
        }),
      );
      const aliasParts = (
        aliasArn(workflow === 'complaintWorkflow' ? 'complaintMachine' : 'notificationMachine') as {
          'Fn::Join': [string, unknown[]];
        }
      )['Fn::Join'][1];
      expect(aliasParts.at(-1)).toMatch(/:stateMachine:complaints-dev-(complaint|notification):live$/);
    }
  });

  it('invoke task function versions that outlive the deploy that replaced them', () => {
    const versions = ofType('AWS::Lambda::Version') as [string, CfnResource & { DeletionPolicy?: string }][];

    expect(
      versions
        .map(
          ([, version]) =>
            getAttId((version.Properties.FunctionName as unknown) ?? {}) ??
            (version.Properties.FunctionName as { Ref: string }).Ref,
        )
        .sort(),
    ).toEqual(
      ['open-stage', 'await-stage', 'stage-timer', 'finish-complaint', 'record-failure', 'send-notification']
        .map(functionId)
        .sort(),
    );
    for (const [id, version] of versions) expect(version.DeletionPolicy, id).toBe('Retain');
  });

  it('are Standard, traced, and log errors without execution data (it holds personal data)', () => {
    for (const workflow of ['complaintWorkflow', 'notificationWorkflow'] as const) {
      expect(machineProps(workflow)).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      });
    }
  });

  it('may invoke only their own task functions; the notification machine may also dead-letter', () => {
    const roleOf = (workflow: 'complaintWorkflow' | 'notificationWorkflow') =>
      getAttId(machineProps(workflow).RoleArn)!;
    // Every version of each task function (`<function ARN>:*`): running executions keep theirs.
    const invokable = (workflow: 'complaintWorkflow' | 'notificationWorkflow') =>
      grantedOn(roleOf(workflow), 'lambda:InvokeFunction').map((arn) => {
        const parts = joined(arn);
        return `function:${getAttId(parts?.first)}${parts?.rest.join('') ?? ''}`;
      });
    const queueArnOutput = data.getLogicalId(
      data.notificationDeadLetters.node.defaultChild as CfnStateMachine,
    );

    expect(invokable('complaintWorkflow').sort()).toEqual(
      ['open-stage', 'await-stage', 'stage-timer', 'finish-complaint', 'record-failure']
        .map((name) => `function:${functionId(name)}:*`)
        .sort(),
    );
    expect(invokable('notificationWorkflow')).toEqual([`function:${functionId('send-notification')}:*`]);
    expect(JSON.stringify(grantedOn(roleOf('notificationWorkflow'), 'sqs:SendMessage'))).toContain(
      `FnGetAtt${queueArnOutput}Arn`,
    );
    expect(actionsOfRole(roleOf('complaintWorkflow'))).not.toContain('sqs:SendMessage');
    for (const workflow of ['complaintWorkflow', 'notificationWorkflow'] as const) {
      const services = new Set(actionsOfRole(roleOf(workflow)).map((action) => action.split(':')[0]));
      expect([...services].sort()).toEqual(
        workflow === 'complaintWorkflow'
          ? ['lambda', 'logs', 'xray']
          : ['kms', 'lambda', 'logs', 'sqs', 'xray'],
      );
    }
  });
});

describe('IAM', () => {
  // AWS documents these actions as supporting no resource-level permissions: "*" is the only resource.
  const TRACING = [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
  ];
  const LOG_DELIVERY = [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ];
  const everyStatement = () =>
    ofType('AWS::IAM::Role', allResources).flatMap(([roleId]) =>
      statementsOfRole(roleId).map((statement) => ({ roleId, statement })),
    );

  it('grants no wildcard action anywhere', () => {
    const actions = everyStatement().flatMap(({ statement }) => actionsOf(statement));

    expect(actions.length).toBeGreaterThan(50);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('uses the resource "*" only for tracing, state machine log delivery and the documented SMS publish', () => {
    const smsSender = roleIdOf('send-notification');
    const machineRoles = [service.complaintWorkflow, service.notificationWorkflow].map((workflow) =>
      getAttId(
        resources[service.getLogicalId(workflow.stateMachine.node.defaultChild as CfnStateMachine)]!
          .Properties.RoleArn,
      ),
    );

    const unexpected = everyStatement()
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .flatMap(({ roleId, statement }) =>
        actionsOf(statement)
          .filter(
            (action) =>
              !TRACING.includes(action) &&
              !(machineRoles.includes(roleId) && LOG_DELIVERY.includes(action)) &&
              !(roleId === smsSender && action === 'sns:Publish'),
          )
          .map((action) => `${roleId}: ${action}`),
      );

    expect(unexpected).toEqual([]);
    expect(grantedOn(smsSender, 'sns:Publish')).toContain('*');
  });

  it('attaches no AWS-managed policy to function or state machine roles', () => {
    const withManaged = ofType('AWS::IAM::Role')
      .filter(([, role]) => role.Properties.ManagedPolicyArns !== undefined)
      .map(([id, role]) => `${id} ${JSON.stringify(role.Properties.ManagedPolicyArns)}`);

    // API Gateway's account-wide CloudWatch role is the one role built on an AWS-managed policy.
    expect(withManaged).toHaveLength(1);
    expect(withManaged[0]).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('lets the read-only API functions read, and nothing else', () => {
    for (const name of ['get-complaint', 'list-complaints', 'get-timeline']) {
      const actions = actionsOfRole(roleIdOf(name));

      expect(actions, name).toContain('dynamodb:GetItem');
      expect(
        actions.filter(
          (action) =>
            /^(dynamodb|states|sns|sqs):/.test(action) && !/:(GetItem|BatchGetItem|Query)$/.test(action),
        ),
        name,
      ).toEqual([]);
      expect([...new Set(actions.filter((action) => action.startsWith('kms:')))].sort(), name).toEqual([
        'kms:Decrypt',
        'kms:DescribeKey',
      ]);
    }
  });

  it('lets create-complaint start complaint executions and post-action/post-feedback answer their task tokens', () => {
    const complaint = machineArn('complaintMachine');

    expect(grantedOn(roleIdOf('create-complaint'), 'states:StartExecution')).toEqual([complaint]);
    expect(grantedOn(roleIdOf('create-complaint'), 'states:SendTaskSuccess')).toEqual([]);
    // An action that finds the execution ended restarts it (functions/use-cases/act-on-complaint.ts).
    for (const name of ['post-action', 'post-feedback', 'post-public-feedback']) {
      expect(grantedOn(roleIdOf(name), 'states:SendTaskSuccess'), name).toEqual([complaint]);
      // post-action also hands the texts of a claim offered or paid to the notification workflow.
      const started = name === 'post-action' ? [complaint, machineArn('notificationMachine')] : [complaint];
      expect(grantedOn(roleIdOf(name), 'states:StartExecution').sort(), name).toEqual(started.sort());
      expect(grantedOn(roleIdOf(name), 'states:DescribeExecution'), name).toEqual([
        service.resolve(service.complaintMachine.executionsArn),
      ]);
    }
  });

  it('lets the complaint workflow’s tasks start notification executions, and stage-timer hand over', () => {
    for (const name of ['open-stage', 'await-stage', 'finish-complaint', 'record-failure']) {
      expect(grantedOn(roleIdOf(name), 'states:StartExecution'), name).toEqual([
        machineArn('notificationMachine'),
      ]);
    }
    // Continue-as-new: the timer task starts the complaint's next execution.
    expect(grantedOn(roleIdOf('stage-timer'), 'states:StartExecution').sort()).toEqual(
      [machineArn('complaintMachine'), machineArn('notificationMachine')].sort(),
    );
  });

  it('lets send-notification publish to exactly the four staff topics, plus SMS and push', () => {
    // Prepare: the topics the function is told about are the ones it may publish to.
    const topics = (functionProps('send-notification').Environment as { Variables: Record<string, unknown> })
      .Variables.STAFF_TOPIC_ARNS as { 'Fn::Join': [string, unknown[]] };
    const announced = topics['Fn::Join'][1].filter((part) => typeof part !== 'string');

    // Act
    const publishable = grantedOn(roleIdOf('send-notification'), 'sns:Publish').filter((arn) => arn !== '*');

    // Assess
    expect(announced).toHaveLength(4);
    expect(publishable).toEqual(announced);
    const others = functionSpecs()
      .map((spec) => spec.functionName)
      .filter(
        (name) => name !== 'send-notification' && actionsOfRole(roleIdOf(name)).includes('sns:Publish'),
      );
    expect(others).toEqual([]);
  });

  it('gives health, openapi, the SLA preview and the link redirect no data access at all', () => {
    for (const name of ['health', 'openapi', 'sla-preview', 'follow-link']) {
      expect(
        actionsOfRole(roleIdOf(name)).filter((action) => !/^(logs|xray):/.test(action)),
        name,
      ).toEqual([]);
    }
  });

  it('covers every DynamoDB call the adapters make with the read-write grant', () => {
    // Prepare: the commands the DynamoDB adapters send, as IAM actions.
    const adapters = new URL('../../functions/adapters/', import.meta.url);
    const commands = readdirSync(adapters)
      .filter((file) => file.startsWith('dynamo-'))
      .flatMap((file) => [...readFileSync(new URL(file, adapters), 'utf8').matchAll(/new (\w+)Command\(/g)])
      .map(
        (match) => `dynamodb:${match[1]!.replace(/^(Get|Put|Update|Delete|BatchGet|BatchWrite)$/, '$1Item')}`,
      );

    // Act
    const granted = actionsOfRole(roleIdOf('open-stage'));

    // Assess
    expect(commands.length).toBeGreaterThan(3);
    expect([...new Set(commands)].filter((action) => !granted.includes(action))).toEqual([]);
  });
});

describe('the REST API', () => {
  function pathOf(resourceId: unknown): string {
    const ref = (resourceId as { Ref?: string }).Ref;
    if (ref === undefined) return '';
    const resource = resources[ref]!.Properties;
    return `${pathOf(resource.ParentId)}/${String(resource.PathPart)}`;
  }

  it('serves every route of functions/api/routes.ts with a proxy integration to its own function', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, method]) => method.Properties);

    expect(methods).toHaveLength(API_ROUTES.length);
    for (const route of API_ROUTES) {
      const method = methods.find(
        (m) => m.HttpMethod === route.method && pathOf(m.ResourceId) === route.resource,
      );
      expect(method, `${route.method} ${route.resource}`).toMatchObject({
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method?.Integration)).toContain(
        `{"Fn::GetAtt":["${functionId(route.functionName)}","Arn"]}`,
      );
    }
  });

  it('runs the bearer-token authorizer on every route but health, the description and the customer link', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, method]) => method.Properties);
    const [[authorizerId, authorizer]] = ofType('AWS::ApiGateway::Authorizer') as [[string, CfnResource]];
    const open = new Set<string>(API_ROUTES.filter((r) => 'public' in r && r.public).map((r) => r.resource));

    expect(authorizer.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(functionId('authorizer'));
    expect([...open].sort()).toEqual(
      [
        '/v1/health',
        '/v1/openapi.json',
        '/{token}',
        '/v1/public/complaints/{token}',
        '/v1/public/complaints/{token}/feedback',
        '/v1/public/complaints/{token}/reply',
        '/v1/public/complaints/{token}/uploads',
      ].sort(),
    );
    for (const method of methods) {
      const path = pathOf(method.ResourceId);
      expect(method.AuthorizationType, path).toBe(open.has(path) ? 'NONE' : 'CUSTOM');
      if (!open.has(path)) expect(method.AuthorizerId, path).toEqual({ Ref: authorizerId });
      expect(method.ApiKeyRequired ?? false).toBe(false);
    }
    expect(ofType('AWS::ApiGateway::UsagePlan')).toEqual([]);
  });

  it("gives the authorizer the user pool's issuer and app clients, and answers its refusal as a 401 problem", () => {
    const environment = functionProps('authorizer').Environment as { Variables: Record<string, unknown> };
    const refusal = ofType('AWS::ApiGateway::GatewayResponse').find(
      ([, r]) => r.Properties.ResponseType === 'UNAUTHORIZED',
    )?.[1];

    expect(JSON.stringify(environment.Variables.AUTH_ISSUER)).toContain('cognito-idp');
    expect(JSON.stringify(environment.Variables.AUTH_CLIENT_IDS)).toContain('StaffConsole');
    expect(environment.Variables.AUTH_RESOURCE_SERVER).toBe('complaints');
    expect(refusal?.Properties).toMatchObject({
      StatusCode: '401',
      ResponseParameters: {
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.WWW-Authenticate': "'Bearer'",
      },
    });
    expect(JSON.stringify(refusal?.Properties.ResponseTemplates)).toContain(
      'urn:complaints:problem:unauthorized',
    );
  });

  it('leaves a route open only where its handler declares itself public (checks its own credential)', () => {
    const openRoutes = API_ROUTES.filter((route) => 'public' in route && route.public);

    expect(openRoutes.map((route) => route.resource)).toContain('/v1/health');
    for (const route of openRoutes) {
      const handlerSource = readFileSync(new URL(`../../${route.entry}`, import.meta.url), 'utf8');
      expect(handlerSource, route.entry).toMatch(/\bpublic: true\b/);
    }
  });

  it('logs access and errors (never bodies) on every method, traces, and throttles the stage', () => {
    const [[, stage]] = ofType('AWS::ApiGateway::Stage') as [[string, CfnResource]];
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];

    expect(stage.Properties).toMatchObject({ StageName: 'dev', TracingEnabled: true });
    expect(settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*')).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    for (const setting of settings) {
      expect(setting, String(setting.ResourcePath)).toMatchObject({
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
      });
      expect(Number(setting.ThrottlingRateLimit)).toBeLessThanOrEqual(50);
    }
    expect(JSON.stringify(stage.Properties.AccessLogSetting)).toContain('$context.requestId');
  });

  it('answers its own 4xx and 5xx as problem details, like the handlers', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([, response]) => response.Properties);

    expect(responses.map((r) => r.ResponseType).sort()).toEqual([
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'MISSING_AUTHENTICATION_TOKEN',
      'UNAUTHORIZED',
    ]);
    for (const response of responses) {
      expect(response.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
    }
  });
});

describe('self-healing', () => {
  it('sends the complaint machine’s failed, timed-out and aborted status events to the handler, with a DLQ', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
    expect(rules).toHaveLength(1);
    const { EventPattern, Targets } = rules[0]![1].Properties as {
      EventPattern: { source: string[]; 'detail-type': string[]; detail: Record<string, unknown[]> };
      Targets: { Arn: unknown; DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: Record<string, number> }[];
    };
    expect(EventPattern.source).toEqual(['aws.states']);
    expect(EventPattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(EventPattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(EventPattern.detail.stateMachineArn).toEqual([machineArn('complaintMachine')]);
    expect(Targets).toHaveLength(1);
    const [target] = Targets;
    expect(getAttId(target!.Arn)).toBe(functionId('execution-status-changed'));
    const dlq = getAttId(target!.DeadLetterConfig?.Arn);
    expect(resources[dlq!]?.Type).toBe('AWS::SQS::Queue');
    expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 });
    // EventBridge may send to the queue, over TLS only.
    const queuePolicy = ofType('AWS::SQS::QueuePolicy').find(([, p]) =>
      JSON.stringify(p.Properties.Queues).includes(dlq!),
    );
    expect(JSON.stringify(queuePolicy?.[1].Properties.PolicyDocument)).toContain('events.amazonaws.com');
    expect(JSON.stringify(queuePolicy?.[1].Properties.PolicyDocument)).toContain('aws:SecureTransport');
  });

  it('lets the handler restart executions and park complaints, and nothing more on Step Functions', () => {
    const actions = actionsOfRole(roleIdOf('execution-status-changed')).filter((a) =>
      a.startsWith('states:'),
    );
    expect([...new Set(actions)].sort()).toEqual(['states:StartExecution']);
    expect(grantedOn(roleIdOf('execution-status-changed'), 'states:StartExecution').sort()).toEqual(
      [machineArn('complaintMachine'), machineArn('notificationMachine')].sort(),
    );
  });

  it('alarms while complaints wait for an operator and when a status event was dead-lettered', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const parked = alarms.find((alarm) => alarm.MetricName === 'ComplaintsNeedingOperator');
    expect(parked).toMatchObject({
      Namespace: 'Complaints',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'service', Value: 'complaints' }],
    });
    const deadLettered = alarms.filter(
      (alarm) =>
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(alarm.Dimensions).includes(
          service.getLogicalId(service.executionEventDeadLetters.node.defaultChild as CfnStateMachine),
        ),
    );
    expect(deadLettered).toHaveLength(1);
  });
});

describe('monitoring', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
  const opsTopicOutput = () => `Ref${data.getLogicalId(data.opsTopic.node.defaultChild as CfnStateMachine)}`;

  it('alarms on API 5xx, on failed executions of each machine and on errors of each function', () => {
    const all = alarms();
    const metricNames = all.map((alarm) =>
      alarm.MetricName
        ? String(alarm.MetricName)
        : JSON.stringify(alarm.Metrics)
            .match(/"MetricName":"(\w+)"/g)
            ?.join(),
    );

    expect(metricNames.filter((name) => name === '5XXError')).toHaveLength(1);
    expect(
      metricNames.filter((name) => name?.includes('ExecutionsFailed') && name.includes('ExecutionsTimedOut')),
    ).toHaveLength(2);
    const errorAlarms = all.filter((alarm) => alarm.MetricName === 'Errors');
    expect(errorAlarms.map((alarm) => JSON.stringify(alarm.Dimensions)).sort()).toEqual(
      functionSpecs()
        .map((spec) =>
          JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(spec.functionName) } }]),
        )
        .sort(),
    );
  });

  it('sends every alarm to the ops topic', () => {
    for (const alarm of alarms()) {
      const actions = alarm.AlarmActions as unknown[];
      expect(actions).toHaveLength(1);
      expect(JSON.stringify(actions[0])).toContain(opsTopicOutput());
    }
  });

  it('has one dashboard with API, workflow, function and dead-letter panels', () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, CfnResource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);

    for (const metric of [
      '5XXError',
      '4XXError',
      'Latency',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'Errors',
      'Throttles',
    ]) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
  });
});

describe('the attachments bucket', () => {
  const attachmentFunctions = functionSpecs().filter((spec) => spec.access.attachments !== undefined);

  it('is reached only by the attachment routes, on its objects under the complaints prefix only', () => {
    expect(attachmentFunctions.map((spec) => spec.functionName).sort()).toEqual(
      [
        'get-attachments',
        'get-public-complaint',
        'post-attachment',
        'post-attachment-upload',
        'post-public-feedback',
        'post-public-reply',
        'post-public-upload',
        'post-erasure-request',
      ].sort(),
    );
    for (const spec of functionSpecs()) {
      const roleId = roleIdOf(spec.functionName);
      const s3Actions = actionsOfRole(roleId).filter((action) => action.startsWith('s3:'));
      const expected = {
        read: ['s3:GetObject'],
        presign: ['s3:GetObject', 's3:PutObject'],
        check: ['s3:DeleteObject', 's3:GetObject'],
      };
      expect(s3Actions.sort(), spec.functionName).toEqual(
        spec.access.attachments ? expected[spec.access.attachments] : [],
      );
      for (const resource of grantedOn(roleId, 's3:GetObject')) {
        expect(JSON.stringify(resource), spec.functionName).toMatch(/attachments-.*\/complaints\/\*"\]\]\}$/);
      }
      const environment = (
        functionProps(spec.functionName).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect('ATTACHMENTS_BUCKET' in environment, spec.functionName).toBe(
        spec.access.attachments !== undefined,
      );
    }
  });
});

describe('the customer link methods', () => {
  it('each have their own token bucket, the reply, the uploads and HEAD included', () => {
    const [[, stage]] = ofType('AWS::ApiGateway::Stage') as [[string, CfnResource]];
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    const linkRoutes = API_ROUTES.filter((r) => r.resource.includes('{token}'));

    expect(linkRoutes).toHaveLength(7);
    for (const route of linkRoutes) {
      const path = `/${route.resource.replace(/\//g, '~1')}`;
      const setting = settings.find((s) => s.ResourcePath === path && s.HttpMethod === route.method);
      expect(setting, `${route.method} ${route.resource}`).toMatchObject({
        ThrottlingRateLimit: 10,
        ThrottlingBurstLimit: 20,
      });
    }
  });
});
