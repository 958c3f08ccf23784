// A Standard state machine whose definition is one of the ASL files in workflows/, kept inline in the
// template (DefinitionBody.fromString + definitionSubstitutions) so the deployed definition is the file.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StateMachineAddress } from './complaint-function.ts';

export interface WorkflowStateMachineProps {
  address: StateMachineAddress;
  /** The ASL text with `${Name}` placeholders. */
  definitionTemplate: string;
  substitutions: Readonly<Record<string, string>>;
  /** The task functions: the only functions this machine may invoke. */
  taskFunctions: readonly IFunction[];
  logRetention: RetentionDays;
}

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
    executionsArn: arn('execution', `${name}:*`),
    environmentVariable,
  };
}

export class WorkflowStateMachine extends Construct {
  readonly stateMachine: StateMachine;

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

    // The definition calls lambda:invoke with each function's unqualified ARN, so nothing else is granted.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: props.taskFunctions.map((fn) => fn.functionArn),
      }),
    );

    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason: 'Logs ERROR only, without execution data: inputs and outputs carry personal data (PIPL).',
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The CloudWatch Logs delivery and X-Ray actions behind logging and tracing support no resource-level permissions.',
    });
  }
}
