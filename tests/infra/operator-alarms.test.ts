// The alarms an operator needs and the web ACL on the public routes (docs/deploy.md, "Alarms"): each
// exists in the synthesised service stack with its documented threshold and pages the ops topic; the
// sender's concurrency is reserved; the web ACL's per-IP rule covers the customer link routes only.
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEND_CONCURRENCY } from '../../functions/workflow/tasks.ts';
import { OPERATOR_ALARM_THRESHOLDS as T } from '../../infra/constructs/operator-alarms.ts';
import { createComplaintsApp } from '../../infra/stacks/complaints-app.ts';
import type { ComplaintsServiceStack } from '../../infra/stacks/service-stack.ts';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

let service: ComplaintsServiceStack;
let resources: Record<string, CfnResource>;

beforeAll(() => {
  ({ service } = createComplaintsApp({ bundling: false }));
  resources = Template.fromStack(service).toJSON().Resources as Record<string, CfnResource>;
});

const alarms = () =>
  Object.entries(resources).filter(
    ([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith('OperatorAlarms'),
  );
const alarmNamed = (name: string) => {
  const found = alarms().find(([id]) => id.startsWith(`OperatorAlarms${name}`));
  if (!found) throw new Error(`no alarm ${name}`);
  return found[1].Properties;
};
/** Every metric an alarm reads: its own, or those of its math expression. */
const metricsOf = (alarm: Record<string, unknown>) => {
  if (alarm.MetricName) return [{ Namespace: alarm.Namespace, MetricName: alarm.MetricName }];
  return (alarm.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[])
    .filter((m) => m.MetricStat)
    .map((m) => m.MetricStat!.Metric);
};

describe('operator alarms', () => {
  it.each([
    ['SmsSpendAlarm', 'AWS/SNS', 'SMSMonthToDateSpentUSD', 1 * T.smsSpendShare],
    ['SmsFailuresAlarm', 'AWS/SNS', 'NumberOfNotificationsFailed', T.smsFailures],
    ['DeliveriesDeadLetteredAlarm', 'Complaints', 'DeliveriesDeadLettered', T.deadLettered],
    ['DeliveriesAwaitingOperatorAlarm', 'Complaints', 'DeliveriesAwaitingOperator', T.awaitingOperator],
    ['DeliveriesSkippedAlarm', 'Complaints', 'DeliveriesSkipped', T.skipped],
    ['SendsThrottledAlarm', 'Complaints', 'SendsThrottled', T.sendsThrottled],
    ['DynamoThrottlesAlarm', 'AWS/DynamoDB', 'WriteThrottleEvents', T.dynamoThrottles],
    ['LambdaThrottlesAlarm', 'AWS/Lambda', 'Throttles', T.lambdaThrottles],
    ['SenderThrottlesAlarm', 'AWS/Lambda', 'Throttles', T.senderThrottles],
    ['WafBlockedAlarm', 'AWS/WAFV2', 'BlockedRequests', T.wafBlocked],
  ])('%s watches %s %s at %s and pages the ops topic', (name, namespace, metric, threshold) => {
    const alarm = alarmNamed(name);
    expect(metricsOf(alarm)).toContainEqual(
      expect.objectContaining({ Namespace: namespace, MetricName: metric }),
    );
    expect(alarm.Threshold).toBe(threshold);
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    expect(alarm.TreatMissingData).toBe('notBreaching');
    expect(JSON.stringify(alarm.AlarmActions)).toContain('OpsAlarms');
  });

  it('watches the 4xx rate (429 included) of each customer link route, once it has traffic', () => {
    for (const name of ['Link', 'View', 'Feedback']) {
      const alarm = alarmNamed(`CustomerLink${name}4xxAlarm`);
      const expression = (alarm.Metrics as { Expression?: string }[]).find((m) => m.Expression);
      expect(expression?.Expression).toBe(
        `IF(requests >= ${T.customerLinkMinRequests}, errors / requests, 0)`,
      );
      expect(
        metricsOf(alarm)
          .map((m) => m.MetricName)
          .sort(),
      ).toEqual(['4XXError', 'Count']);
      expect(alarm.Threshold).toBe(T.customerLink4xxRate);
    }
  });

  it('sizes thresholds sensibly: money before the limit, every undelivered message, bursts tolerated', () => {
    expect(T.smsSpendShare).toBeGreaterThan(0.5);
    expect(T.smsSpendShare).toBeLessThan(1);
    expect(T.deadLettered).toBe(1);
    expect(T.awaitingOperator).toBe(1);
    expect(T.dynamoThrottles).toBe(1);
    expect(T.lambdaThrottles).toBe(1);
    // The sender is throttled on purpose in a burst: only sustained saturation pages.
    expect(T.senderThrottles).toBeGreaterThan(100);
  });
});

describe('the sender and the web ACL', () => {
  it('reserves the sender concurrency the local stack also enforces', () => {
    const fn = service.functions.get('send-notification')!;
    const id = service.getLogicalId(fn.node.defaultChild as CfnFunction);
    expect(resources[id]!.Properties.ReservedConcurrentExecutions).toBe(SEND_CONCURRENCY);
  });

  it('rate-limits the public routes per IP with 429, and is associated with the API stage', () => {
    const template = Template.fromStack(service);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
    });
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as CfnResource[];
    const [rule] = acl!.Properties.Rules as {
      Action: { Block: { CustomResponse: { ResponseCode: number } } };
      Statement: { RateBasedStatement: Record<string, unknown> };
    }[];
    expect(rule!.Action.Block.CustomResponse.ResponseCode).toBe(429);
    expect(rule!.Statement.RateBasedStatement).toMatchObject({
      Limit: 500,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    const scope = JSON.stringify(rule!.Statement.RateBasedStatement.ScopeDownStatement);
    expect(scope).toContain('/v1/public/');
    const [association] = Object.values(
      template.findResources('AWS::WAFv2::WebACLAssociation'),
    ) as CfnResource[];
    expect(JSON.stringify(association!.Properties.ResourceArn)).toContain('/stages/');
  });

  it('takes the per-IP limit, spend limit and reservation from the context', () => {
    const { service: configured } = createComplaintsApp({
      bundling: false,
      context: { publicRateLimitPerIp: '2000', smsMonthlySpendLimit: '500', reserveSendConcurrency: 'false' },
    });
    const template = Template.fromStack(configured);
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as CfnResource[];
    expect(JSON.stringify(acl!.Properties.Rules)).toContain('"Limit":2000');
    const spend = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([id]) =>
      id.startsWith('OperatorAlarmsSmsSpendAlarm'),
    )![1] as CfnResource;
    expect(spend.Properties.Threshold).toBe(400);
    const fn = configured.functions.get('send-notification')!;
    const id = configured.getLogicalId(fn.node.defaultChild as CfnFunction);
    expect(template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});
