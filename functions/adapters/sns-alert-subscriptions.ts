// AlertSubscriptions on Amazon SNS: a recipient is subscribed to each staff topic (one per escalation level)
// with a filter policy on the `unit` message attribute, so SNS delivers it only the alerts addressed to the
// units it serves. Changing which units a recipient serves rewrites the filter policy in place.
import {
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { AlertRecipient } from '#domain/organisation';
import type { AlertSubscriptions } from '#domain/ports';

/** The filter policy of a recipient serving these unit addresses. */
export function unitFilterPolicy(addresses: readonly string[]): string {
  return JSON.stringify({ unit: [...addresses] });
}

export class SnsAlertSubscriptions implements AlertSubscriptions {
  readonly #sns: SNSClient;
  readonly #topicArns: readonly string[];

  constructor(sns: SNSClient, staffTopicArns: readonly string[]) {
    if (staffTopicArns.length !== 4) throw new RangeError('staffTopicArns needs one topic per level 0..3');
    this.#sns = sns;
    this.#topicArns = staffTopicArns;
  }

  async subscribe(recipient: AlertRecipient, addresses: readonly string[]): Promise<string[]> {
    const arns: string[] = [];
    for (const topicArn of this.#topicArns) {
      // Subscribe is idempotent for the same topic, endpoint and attributes: a retried sync gets the same ARN.
      const output = await this.#sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: recipient.protocol,
          Endpoint: recipient.endpoint,
          Attributes: { FilterPolicy: unitFilterPolicy(addresses), FilterPolicyScope: 'MessageAttributes' },
          ReturnSubscriptionArn: true,
        }),
      );
      if (!output.SubscriptionArn) throw new Error('SNS accepted the subscription but returned no ARN');
      arns.push(output.SubscriptionArn);
    }
    return arns;
  }

  async setAddresses(subscriptionArns: readonly string[], addresses: readonly string[]): Promise<void> {
    for (const arn of subscriptionArns) {
      await this.#sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: arn,
          AttributeName: 'FilterPolicy',
          AttributeValue: unitFilterPolicy(addresses),
        }),
      );
    }
  }

  async unsubscribe(subscriptionArns: readonly string[]): Promise<void> {
    for (const arn of subscriptionArns) {
      try {
        await this.#sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
      } catch (error) {
        // Gone already (an earlier, interrupted sync): what we wanted.
        if (!(error instanceof Error && error.name === 'NotFoundException')) throw error;
      }
    }
  }
}
