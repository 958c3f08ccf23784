// A MessageSender assembled per deployment: customer SMS through the chosen SMS provider (AWS End User
// Messaging SMS, Alibaba Cloud SMS), staff alerts through the SNS topics, and mobile push through SNS where
// the deployment has it (Amazon SNS has no mobile push in the China regions). The composition root
// (functions/composition/message-sender.ts) builds it; use cases see one MessageSender.
import type { MessageSender, OutboundMessage, OutboundSms } from '#domain/ports';
import { SendRejected } from '#domain/notifications/errors';

export type SendMeta = { complaintId: string; key: string; event: string };

/** Sends one customer SMS; throws SmsOptedOut, SendRejected, SendThrottled, or a retryable error. */
export interface SmsSender {
  readonly provider: string;
  sendSms(sms: OutboundSms, meta: SendMeta): Promise<{ messageId: string }>;
}

export interface RoutedMessageSenderOptions {
  sms: SmsSender;
  /** Staff topics (and push, when `push` is true). */
  sns: MessageSender;
  /** Whether the deployment has mobile push. */
  push: boolean;
}

export class RoutedMessageSender implements MessageSender {
  readonly #options: RoutedMessageSenderOptions;

  constructor(options: RoutedMessageSenderOptions) {
    this.#options = options;
  }

  async send(message: OutboundMessage, meta: SendMeta): Promise<{ messageId: string }> {
    if (message.kind === 'sms') return this.#options.sms.sendSms(message, meta);
    if (message.kind === 'push' && !this.#options.push) {
      // compose.ts texts such customers instead; a push reaching here has nowhere to go.
      throw new SendRejected('push', 'PushUnavailable', meta);
    }
    return this.#options.sns.send(message, meta);
  }
}

/**
 * Provider errors may echo the number: a fresh error carries the scrubbed message and what retry decisions
 * use (name, $fault, $metadata, code), nothing else.
 */
export function withoutPhoneNumber(error: unknown, phone: string): unknown {
  if (!(error instanceof Error)) return error;
  const masked = `${phone.slice(0, -8)}****${phone.slice(-4)}`;
  const numbers = [phone, phone.replace(/^\+/, ''), phone.replace(/^\+86/, '')].filter((n) => n.length >= 5);
  const scrubbed = numbers.reduce((text, n) => text.split(n).join(masked), error.message);
  const safe = new Error(scrubbed);
  safe.name = error.name;
  const { $fault, $metadata, code } = error as { $fault?: unknown; $metadata?: unknown; code?: unknown };
  return Object.assign(safe, { $fault, $metadata, ...(code !== undefined ? { code } : {}) });
}
