// A Standard state machine whose definition is one of the ASL files in workflows/, kept inline in the
// template (DefinitionBody.fromString + definitionSubstitutions) so the deployed definition is the file.
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StateMachineAddress } from './complaint-function.ts';

export interface WorkflowStateMachineProps {
  address: StateMachineAddress;
  /** The ASL text with `${Name}` placeholders. */
  definitionTemplate: string;
  substitutions: Readonly<Record<string, string>>;
  /** The task functions: the only functions this machine may invoke (any of their versions). */
  taskFunctions: readonly IFunction[];
  logRetention: RetentionDays;
}

/** The alias executions start through; every deploy points it at the version it publishes. */
export const LIVE_ALIAS = 'live';

/** The ARN a state machine of this name will have, known before the machine exists. */
export function stateMachineAddress(
  scope: Construct,
  name: string,
  environmentVariable: StateMachineAddress['environmentVariable'],
): StateMachineAddress {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return {
    name,
    arn: arn('stateMachine', name),
    aliasArn: arn('stateMachine', `${name}:${LIVE_ALIAS}`),
    executionsArn: arn('execution', `${name}:*`),
    environmentVariable,
  };
}

export class WorkflowStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  /** The version this deploy published (a new one whenever the definition changed). */
  readonly version: CfnStateMachineVersion;
  /** `live`, on `version`: what executions start through. */
  readonly alias: CfnStateMachineAlias;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    // The vendedlogs prefix keeps CloudWatch Logs' resource policy small however many machines log.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.address.name}`,
      retention: props.logRetention,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.address.name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(props.definitionTemplate),
      definitionSubstitutions: { ...props.substitutions },
      // Execution data holds customers' personal data: errors are logged, inputs and outputs never.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
    });

    // The definition invokes published function versions, and an execution keeps invoking the versions
    // its state machine version names for as long as it runs: every version of the task functions,
    // nothing else. (A grant on the unqualified ARN does not cover qualified invocations.)
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: props.taskFunctions.map((fn) => `${fn.functionArn}:*`),
      }),
    );

    // A version per definition revision, kept when the next deploy publishes another: executions that
    // started on it (they live for weeks) run to their end on the definition and function versions it names.
    this.version = new CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: (this.stateMachine.node.defaultChild as CfnStateMachine)
        .attrStateMachineRevisionId,
      description: 'Published by the deploy; running executions keep it',
    });
    this.version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.alias = new CfnStateMachineAlias(this, 'LiveAlias', {
      name: LIVE_ALIAS,
      description: 'New executions start on the version the last deploy published',
      routingConfiguration: [{ stateMachineVersionArn: this.version.attrArn, weight: 100 }],
    });

    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason: 'Logs ERROR only, without execution data: inputs and outputs carry personal data (PIPL).',
    });
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy') ?? this.stateMachine.role;
    for (const fn of props.taskFunctions) {
      Validations.of(policy).acknowledge({
        // cdk-nag names the finding after the resource with the function's ARN as its GetAtt.
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          'Every published version of this task function: running executions invoke the versions their state machine version names.',
      });
    }
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The CloudWatch Logs delivery and X-Ray actions behind logging and tracing support no resource-level permissions.',
    });
  }
}
