// What the on-call engineer looks at and is paged by: one dashboard (API, workflows, functions, dead
// letters) and alarms that publish to the ops topic.
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoredFunction {
  name: string;
  fn: IFunction;
  /** Errors per 5 minutes that page: 1 for API handlers; more where errors drive workflow retries. */
  errorAlarmThreshold: number;
}

export interface OperationsMonitoringProps {
  stage: string;
  api: RestApi;
  stateMachines: readonly { name: string; machine: IStateMachine }[];
  functions: readonly MonitoredFunction[];
  deadLetters: IQueue;
  /** Execution status events the self-healing function never took. */
  executionEventDeadLetters: IQueue;
  /** Complaints parked in needs-operator (a gauge; its alarm stays up while any waits). */
  needsOperator: IMetric;
  opsTopic: ITopic;
}

const PERIOD = Duration.minutes(5);

export class OperationsMonitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const { api } = props;
    const page = new SnsAction(props.opsTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(page);
      this.alarms.push(created);
    };

    const api5xx = api.metricServerError({ period: PERIOD, statistic: 'Sum' });
    alarm('Api5xxAlarm', 'The API answered 5xx: a handler crashed or a dependency failed.', api5xx, 1);

    const workflowFailures = props.stateMachines.map(({ name, machine }) => {
      // Metric ids must be unique across a graph that shows both machines.
      const id = name.charAt(0).toLowerCase() + name.slice(1);
      const failures = new MathExpression({
        label: `${name} failed or timed out`,
        expression: `${id}Failed + ${id}TimedOut`,
        usingMetrics: {
          [`${id}Failed`]: machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
          [`${id}TimedOut`]: machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
        },
        period: PERIOD,
      });
      alarm(
        `${name}ExecutionsFailedAlarm`,
        `A ${name} execution failed or timed out: see the complaint's timeline and the reconciler.`,
        failures,
        1,
      );
      return failures;
    });

    alarm(
      'NeedsOperatorAlarm',
      'Complaints wait for an operator: their workflow kept failing and restarts stopped (docs/deploy.md).',
      props.needsOperator,
      1,
    );
    const eventDeadLetters = props.executionEventDeadLetters.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: 'Maximum',
    });
    alarm(
      'ExecutionEventDeadLettersAlarm',
      'A status event of a complaint execution was not handled: that complaint waits for the reconciler.',
      eventDeadLetters,
      1,
    );

    for (const { name, fn, errorAlarmThreshold } of props.functions) {
      alarm(
        `${name}ErrorsAlarm`,
        `Function ${name} threw ${errorAlarmThreshold} or more errors in 5 minutes.`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        errorAlarmThreshold,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `complaints-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          api.metricCount({ period: PERIOD, statistic: 'Sum' }),
          api.metricClientError({ period: PERIOD, statistic: 'Sum' }),
          api5xx,
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          api.metricLatency({ period: PERIOD, statistic: 'p50' }),
          api.metricLatency({ period: PERIOD, statistic: 'p99' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: props.stateMachines.flatMap(({ machine }) => [
          machine.metricStarted({ period: PERIOD, statistic: 'Sum' }),
          machine.metricSucceeded({ period: PERIOD, statistic: 'Sum' }),
        ]),
        right: workflowFailures,
        width: 12,
      }),
      new SingleValueWidget({
        title: 'Undelivered notifications (dead-letter queue)',
        metrics: [props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Complaints waiting for an operator',
        metrics: [props.needsOperator],
        width: 12,
      }),
      new SingleValueWidget({
        title: 'Unhandled execution status events (dead-letter queue)',
        metrics: [eventDeadLetters],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map(({ name, fn }) => fn.metricErrors({ period: PERIOD, label: name })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: props.functions.map(({ name, fn }) => fn.metricThrottles({ period: PERIOD, label: name })),
        width: 12,
      }),
    );
  }
}
