// cdk-nag's AWS Solutions rules over the whole app: every finding is either fixed or acknowledged in the
// stack code with a reason, next to the resource it concerns. Run here rather than in infra/app.ts so a
// deploy is never blocked by a rule pack upgrade, while CI still is.
import { App, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ComplaintFunction } from '../../infra/constructs/complaint-function.ts';
import { stateMachineAddress } from '../../infra/constructs/workflow-state-machine.ts';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';

function findings(scope: IConstruct): string[] {
  return new AwsSolutionsChecks(scope)
    .validateScope(scope)
    .violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in either stack', () => {
    // Prepare
    const { app } = createComplaintsApp({ bundling: false });

    // Act
    const violations = findings(app);

    // Assess
    expect(violations).toEqual([]);
  });

  it('acknowledges a wildcard only where it is documented: another machine’s executions are still flagged', () => {
    // Prepare: a function that may describe the executions of the machine it is bound to (acknowledged),
    // and, granted by hand, of another machine (not acknowledged).
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Probe');
    const fn = new ComplaintFunction(stack, 'Reconciler', {
      entry: 'functions/api/health.ts',
      description: 'probe',
      environment: {},
      logRetention: RetentionDays.ONE_WEEK,
    });
    fn.useStateMachine(stateMachineAddress(stack, 'bound-machine', 'COMPLAINT_STATE_MACHINE_ARN'), 'observe');
    const other = stateMachineAddress(stack, 'other-machine', 'COMPLAINT_STATE_MACHINE_ARN');
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [other.executionsArn] }),
    );

    // Act
    const probeFindings = findings(app);

    // Assess
    expect(probeFindings).toHaveLength(1);
    expect(probeFindings[0]).toContain('AwsSolutions-IAM5[Resource::');
    expect(probeFindings[0]).toContain(':execution:other-machine:*]');
  });
});
