// The alarms an operator needs beyond the dashboard's (docs/deploy.md, "Alarms"): SMS spend and
// failures, undelivered and skipped messages, DynamoDB and Lambda throttles, error rates on the
// customer link routes, and the per-IP rate rule of the web ACL in front of them. Each publishes to the
// ops topic; thresholds are exported so the synth tests and the docs name the same numbers.
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

/** The thresholds, by alarm (docs/deploy.md explains each). */
export const OPERATOR_ALARM_THRESHOLDS = {
  /** Share of the monthly SMS spend limit at which the spend alarm fires. */
  smsSpendShare: 0.8,
  /** Failed SMS deliveries reported by SNS in 5 minutes. */
  smsFailures: 5,
  /** Messages dead-lettered (given up) in 5 minutes. */
  deadLettered: 1,
  /** Deliveries listed for an operator (gauge of the reconciler's passes). */
  awaitingOperator: 1,
  /** Messages skipped (opted out, no channel) in 5 minutes: many at once means a provider-side block. */
  skipped: 20,
  /** Sends the provider throttled in 5 minutes: the SMS rate quota is too low for the traffic. */
  sendsThrottled: 100,
  /** Throttled DynamoDB requests in 5 minutes. */
  dynamoThrottles: 1,
  /** Throttled invocations of any function but the sender, in 5 minutes. */
  lambdaThrottles: 1,
  /** Throttled invocations of the sender in 5 minutes (bounded on purpose: only sustained saturation). */
  senderThrottles: 500,
  /** Share of a customer link route's requests answered 4xx (429 included), once it has this many. */
  customerLink4xxRate: 0.25,
  customerLinkMinRequests: 20,
  /** Requests the web ACL's per-IP rule blocked in 5 minutes. */
  wafBlocked: 100,
} as const;

export interface OperatorAlarmsProps {
  stage: string;
  api: RestApi;
  /** The customer link methods, as API Gateway names them in metrics. */
  customerLinkMethods: readonly { method: string; resource: string }[];
  table: ITable;
  /** The send-notification function: its throttles are expected in bursts and alarmed apart. */
  sender: IFunction;
  /** USD a month the account may spend on SMS (SNS's spend quota; context smsMonthlySpendLimit). */
  smsMonthlySpendLimit: number;
  /** Requests per IP in 5 minutes the web ACL lets through to the public routes. */
  publicRateLimitPerIp: number;
  opsTopic: ITopic;
}

export class OperatorAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: OperatorAlarmsProps) {
    super(scope, id);
    const t = OPERATOR_ALARM_THRESHOLDS;
    const page = new SnsAction(props.opsTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: `${description} (docs/deploy.md, "Alarms")`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(page);
      this.alarms.push(created);
      return created;
    };
    const complaintsMetric = (metricName: string, statistic = 'Sum', period = PERIOD) =>
      new Metric({
        namespace: 'Complaints',
        metricName,
        dimensionsMap: { service: 'complaints' },
        statistic,
        period,
      });

    // SMS spend and failures, as SNS reports them for the account and region.
    alarm(
      'SmsSpendAlarm',
      `SMS spend this month reached ${t.smsSpendShare * 100}% of the ${props.smsMonthlySpendLimit} USD limit: SNS stops texting at the limit`,
      new Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSMonthToDateSpentUSD',
        statistic: 'Maximum',
        period: PERIOD,
      }),
      props.smsMonthlySpendLimit * t.smsSpendShare,
    );
    alarm(
      'SmsFailuresAlarm',
      'SNS reports failed SMS deliveries (carrier refusals, unreachable numbers)',
      new Metric({
        namespace: 'AWS/SNS',
        metricName: 'NumberOfNotificationsFailed',
        dimensionsMap: { PhoneNumber: 'PhoneNumber' },
        statistic: 'Sum',
        period: PERIOD,
      }),
      t.smsFailures,
    );

    // Undelivered and skipped messages, from the functions' own metrics.
    alarm(
      'DeliveriesDeadLetteredAlarm',
      'A message was dead-lettered: retries ran out or the provider rejected it; re-send from GET /v1/deliveries',
      complaintsMetric('DeliveriesDeadLettered'),
      t.deadLettered,
    );
    alarm(
      'DeliveriesAwaitingOperatorAlarm',
      'Undelivered messages (dead-lettered, uncertain, stuck in sending) wait for an operator',
      complaintsMetric('DeliveriesAwaitingOperator', 'Maximum', Duration.minutes(30)),
      t.awaitingOperator,
    );
    alarm(
      'DeliveriesSkippedAlarm',
      'Many messages were skipped (customer opted out, no channel): check the provider for a block',
      complaintsMetric('DeliveriesSkipped'),
      t.skipped,
    );
    alarm(
      'SendsThrottledAlarm',
      "The SMS provider throttled many sends: raise the account's SMS rate quota",
      complaintsMetric('SendsThrottled'),
      t.sendsThrottled,
    );

    // DynamoDB and Lambda throttles.
    alarm(
      'DynamoThrottlesAlarm',
      'DynamoDB throttled requests to the complaints table (a hot partition or an account limit)',
      new MathExpression({
        label: 'throttled reads and writes',
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { statistic: 'Sum', period: PERIOD }),
          writes: props.table.metric('WriteThrottleEvents', { statistic: 'Sum', period: PERIOD }),
        },
        period: PERIOD,
      }),
      t.dynamoThrottles,
    );
    alarm(
      'LambdaThrottlesAlarm',
      "Lambda throttled a function other than the sender: the account's concurrency is exhausted",
      new MathExpression({
        label: 'throttles outside the sender',
        expression: 'all - sender',
        usingMetrics: {
          all: new Metric({
            namespace: 'AWS/Lambda',
            metricName: 'Throttles',
            statistic: 'Sum',
            period: PERIOD,
          }),
          sender: props.sender.metricThrottles({ statistic: 'Sum', period: PERIOD }),
        },
        period: PERIOD,
      }),
      t.lambdaThrottles,
    );
    alarm(
      'SenderThrottlesAlarm',
      'The sender ran at its reserved concurrency for long: messages wait (they are retried)',
      props.sender.metricThrottles({ statistic: 'Sum', period: PERIOD }),
      t.senderThrottles,
    );

    // 4xx (429 included) rates on the customer link routes: per method, once there is traffic.
    for (const { method, resource } of props.customerLinkMethods) {
      const dimensionsMap = {
        ApiName: props.api.restApiName,
        Method: method,
        Resource: resource,
        Stage: props.stage,
      };
      const route =
        resource === '/{token}'
          ? 'Link'
          : resource.endsWith('/feedback')
            ? 'Feedback'
            : resource.endsWith('/reply')
              ? 'Reply'
              : resource.endsWith('/uploads')
                ? 'Upload'
                : 'View';
      // GET and POST keep the route's name; another method (HEAD for link previews) is named too.
      const name =
        method === 'GET' || method === 'POST'
          ? route
          : `${method[0]}${method.slice(1).toLowerCase()}${route}`;
      alarm(
        `CustomerLink${name}4xxAlarm`,
        `A quarter or more of ${method} ${resource} requests were refused (4xx, 429 included): token guessing or a broken link`,
        new MathExpression({
          label: `${method} ${resource} 4xx rate`,
          expression: `IF(requests >= ${t.customerLinkMinRequests}, errors / requests, 0)`,
          usingMetrics: {
            errors: new Metric({
              namespace: 'AWS/ApiGateway',
              metricName: '4XXError',
              dimensionsMap,
              statistic: 'Sum',
              period: PERIOD,
            }),
            requests: new Metric({
              namespace: 'AWS/ApiGateway',
              metricName: 'Count',
              dimensionsMap,
              statistic: 'Sum',
              period: PERIOD,
            }),
          },
          period: PERIOD,
        }),
        t.customerLink4xxRate,
      );
    }

    // The web ACL: a per-IP rate limit on the public routes (the customer's link), answered 429.
    const ruleName = 'PublicRoutesPerIp';
    const metricPrefix = `complaints-${props.stage}`;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${metricPrefix}-api`,
      description: 'Per-IP rate limit on the customer link routes',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `${metricPrefix}-api`,
        sampledRequestsEnabled: false,
      },
      customResponseBodies: {
        'too-many-requests': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'about:blank',
            title: 'Too many requests',
            status: 429,
            detail: 'Too many requests from this address; try again in a few minutes.',
          }),
        },
      },
      rules: [
        {
          name: ruleName,
          priority: 0,
          action: {
            block: {
              customResponse: { responseCode: 429, customResponseBodyKey: 'too-many-requests' },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.publicRateLimitPerIp,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              // The public routes: the link at the root (`/{stage}/{token}`) and everything under
              // /v1/public/. Health and the API description are public too, but only read.
              scopeDownStatement: {
                orStatement: {
                  statements: [
                    {
                      notStatement: {
                        statement: byteMatch('/v1/', 'CONTAINS'),
                      },
                    },
                    byteMatch('/v1/public/', 'CONTAINS'),
                  ],
                },
              },
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: `${metricPrefix}-${ruleName}`,
            sampledRequestsEnabled: false,
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: props.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    alarm(
      'WafBlockedAlarm',
      'The web ACL blocked many requests to the customer link routes from single addresses (429)',
      new Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: {
          WebACL: `${metricPrefix}-api`,
          Rule: `${metricPrefix}-${ruleName}`,
          Region: props.api.stack.region,
        },
        statistic: 'Sum',
        period: PERIOD,
      }),
      t.wafBlocked,
    );
  }
}

function byteMatch(searchString: string, positionalConstraint: string): CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      searchString,
      positionalConstraint,
      fieldToMatch: { uriPath: {} },
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}
