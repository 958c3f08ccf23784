// MessageSender on Amazon SNS: SMS straight to the phone number, mobile push to the customer's platform
// endpoint, staff alerts to the topic of their escalation level. Every publish carries the complaint id
// and notification key as message attributes, so the local outbox (and delivery logs) can attribute it.
// The phone number is never logged and is scrubbed from any error this adapter lets through.
import {
  OptedOutException,
  PublishCommand,
  type MessageAttributeValue,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { MessageSender, OutboundMessage, OutboundPush } from '#domain/ports';
import { SendRejected, SendThrottled, SmsOptedOut } from '#domain/notifications/errors';

export interface SnsMessageSenderOptions {
  /** Index = escalation level 0..3. */
  staffTopicArns: readonly string[];
  /** Alphanumeric sender id, where the destination country supports one. */
  smsSenderId?: string;
  /** Highest price in USD the account pays for one SMS. */
  smsMaxPrice?: string | number;
}

type Attributes = Record<string, MessageAttributeValue>;
type Meta = { complaintId: string; key: string; event: string };

const SUBJECT_MAX = 99;

export class SnsMessageSender implements MessageSender {
  readonly #sns: SNSClient;
  readonly #options: SnsMessageSenderOptions;

  constructor(sns: SNSClient, options: SnsMessageSenderOptions) {
    if (options.staffTopicArns.length !== 4)
      throw new RangeError('staffTopicArns needs one topic per level 0..3');
    this.#sns = sns;
    this.#options = options;
  }

  async send(message: OutboundMessage, meta: Meta): Promise<{ messageId: string }> {
    try {
      return await this.#send(message, meta);
    } catch (error) {
      throw classified(error, meta);
    }
  }

  async #send(message: OutboundMessage, meta: Meta): Promise<{ messageId: string }> {
    switch (message.kind) {
      case 'sms':
        return this.#sendSms(message.phone, message.message, meta);
      case 'push':
        return this.#publish({
          TargetArn: message.targetArn,
          MessageStructure: 'json',
          Message: pushPayload(message),
          MessageAttributes: attribution(meta),
        });
      case 'topic': {
        const topicArn = this.#options.staffTopicArns[message.level];
        if (!topicArn) throw new RangeError(`no staff topic for level ${message.level}`);
        return this.#publish({
          TopicArn: topicArn,
          Subject: snsSubject(message.subject),
          Message: message.message,
          // Subscriptions filter on `unit`: each unit's recipients get only the alerts addressed to it.
          MessageAttributes: {
            ...attribution(meta),
            unit: text(message.unit),
            level: text(String(message.level)),
          },
        });
      }
    }
  }

  async #sendSms(phone: string, text: string, meta: Meta): Promise<{ messageId: string }> {
    try {
      return await this.#publish({
        PhoneNumber: phone,
        Message: text,
        MessageAttributes: { ...this.#smsAttributes(), ...attribution(meta) },
      });
    } catch (error) {
      if (isOptedOut(error)) throw new SmsOptedOut(meta.complaintId, meta.key);
      throw withoutPhoneNumber(error, phone);
    }
  }

  #smsAttributes(): Attributes {
    const attributes: Attributes = { 'AWS.SNS.SMS.SMSType': text('Transactional') };
    if (this.#options.smsSenderId) attributes['AWS.SNS.SMS.SenderID'] = text(this.#options.smsSenderId);
    if (this.#options.smsMaxPrice !== undefined) {
      attributes['AWS.SNS.SMS.MaxPrice'] = {
        DataType: 'Number',
        StringValue: String(this.#options.smsMaxPrice),
      };
    }
    return attributes;
  }

  async #publish(input: ConstructorParameters<typeof PublishCommand>[0]): Promise<{ messageId: string }> {
    const output = await this.#sns.send(new PublishCommand(input));
    if (!output.MessageId) throw new Error('SNS accepted the message but returned no MessageId');
    return { messageId: output.MessageId };
  }
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function attribution(meta: Meta): Attributes {
  return {
    complaintId: text(meta.complaintId),
    event: text(meta.event ?? meta.key.split('.')[0] ?? meta.key),
    key: text(meta.key),
  };
}

/** One payload per platform (MessageStructure 'json'): APNs alert, FCM notification, Baidu push. */
function pushPayload(push: OutboundPush): string {
  const notification = { title: push.title, body: push.message };
  const apns = JSON.stringify({ aps: { alert: notification, sound: 'default' } });
  return JSON.stringify({
    default: push.message,
    APNS: apns,
    APNS_SANDBOX: apns,
    // SNS's GCM key serves FCM; SNS turns this legacy-form payload into an FCM v1 message.
    GCM: JSON.stringify({ notification }),
    BAIDU: JSON.stringify({ title: push.title, description: push.message }),
  });
}

/**
 * SNS subjects must be printable ASCII, start with a letter, digit or punctuation, hold no line breaks
 * and stay under 100 characters: anything else is replaced or cut here rather than rejected by SNS.
 */
export function snsSubject(subject: string): string {
  const ascii = subject
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const cut = ascii.length > SUBJECT_MAX ? `${ascii.slice(0, SUBJECT_MAX - 3).trimEnd()}...` : ascii;
  return cut === '' ? 'Complaint alert' : cut;
}

/** SNS's answers that mean "slow down" (the SDK has retried them already) and "never": see docs/deploy.md. */
const THROTTLED = new Set([
  'Throttled',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  // KMS behind an encrypted topic
  'KMSThrottlingException',
]);
const REJECTED = new Set([
  'EndpointDisabled',
  'EndpointDisabledException',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
]);

/** Throttling and permanent refusals as the domain's typed errors; anything else as it came. */
function classified(error: unknown, meta: Meta): unknown {
  if (!(error instanceof Error) || error instanceof SmsOptedOut) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (THROTTLED.has(error.name) || status === 429) return new SendThrottled('sns', error.name, meta);
  if (REJECTED.has(error.name)) return new SendRejected('sns', error.name, meta);
  return error;
}

function isOptedOut(error: unknown): boolean {
  if (error instanceof OptedOutException) return true;
  const name = error instanceof Error ? error.name : undefined;
  return name === 'OptedOutException' || name === 'OptedOut';
}

/**
 * The SDK error may echo the number (e.g. InvalidParameter, in its message and its parsed body): a fresh
 * error carries the scrubbed message and what retry decisions use (name, $fault, $metadata), nothing else.
 */
function withoutPhoneNumber(error: unknown, phone: string): unknown {
  if (!(error instanceof Error)) return error;
  const masked = `${phone.slice(0, -8)}****${phone.slice(-4)}`;
  const numbers = [phone, phone.replace(/^\+86/, '')].filter((n) => n.length >= 5);
  const scrubbed = numbers.reduce((text, n) => text.split(n).join(masked), error.message);
  const safe = new Error(scrubbed);
  safe.name = error.name;
  const { $fault, $metadata } = error as { $fault?: unknown; $metadata?: unknown };
  return Object.assign(safe, { $fault, $metadata });
}
