// Customer SMS through AWS End User Messaging SMS (the pinpoint-sms-voice-v2 API, SendTextMessage): where
// AWS directs new SMS workloads outside China. Transactional, from the deployment's origination identity
// (a phone number, sender id or pool) and configuration set when given. The complaint id, key and event go
// as the message Context, which event destinations (and the local outbox) attribute the text by.
// Error mapping: an opted-out number is SmsOptedOut; throttling and spend or daily caps are SendThrottled
// (retry later); an invalid request, a blocked destination or a missing identity is SendRejected.
import { SendTextMessageCommand, type PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { OutboundSms } from '#domain/ports';
import { SendRejected, SendThrottled, SmsOptedOut } from '#domain/notifications/errors';
import { withoutPhoneNumber, type SendMeta, type SmsSender } from './routed-message-sender.ts';

export interface EumSmsSenderOptions {
  /** Phone number, sender id, pool (id or ARN); unset: the account picks one. */
  originationIdentity?: string;
  configurationSetName?: string;
  /** Highest price in USD the account pays for one message part. */
  maxPrice?: string | number;
}

const PROVIDER = 'end-user-messaging';

/** ConflictException reasons that refuse this destination for good. */
const BLOCKED_REASONS = new Set([
  'DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION',
  'DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE',
  'DESTINATION_PHONE_NUMBER_NOT_VERIFIED',
  'MESSAGE_TYPE_MISMATCH',
]);

export class EumSmsSender implements SmsSender {
  readonly provider = PROVIDER;
  readonly #client: PinpointSMSVoiceV2Client;
  readonly #options: EumSmsSenderOptions;

  constructor(client: PinpointSMSVoiceV2Client, options: EumSmsSenderOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  async sendSms(sms: OutboundSms, meta: SendMeta): Promise<{ messageId: string }> {
    const { originationIdentity, configurationSetName, maxPrice } = this.#options;
    let output;
    try {
      output = await this.#client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: sms.phone,
          MessageBody: sms.message,
          MessageType: 'TRANSACTIONAL',
          ...(originationIdentity ? { OriginationIdentity: originationIdentity } : {}),
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
          ...(maxPrice !== undefined ? { MaxPrice: String(maxPrice) } : {}),
          Context: { complaintId: meta.complaintId, key: meta.key, event: meta.event },
        }),
      );
    } catch (error) {
      throw classify(error, sms.phone, meta);
    }
    if (!output.MessageId)
      throw new Error('End User Messaging accepted the message but returned no MessageId');
    return { messageId: output.MessageId };
  }
}

function classify(error: unknown, phone: string, meta: SendMeta): unknown {
  const name = error instanceof Error ? error.name : '';
  const reason = (error as { Reason?: unknown } | null)?.Reason;
  const code = typeof reason === 'string' ? `${name}:${reason}` : name;
  if (name === 'ConflictException' && reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT')
    return new SmsOptedOut(meta.complaintId, meta.key);
  if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException')
    return new SendThrottled(PROVIDER, code, meta);
  if (
    name === 'ValidationException' ||
    name === 'ResourceNotFoundException' ||
    (name === 'ConflictException' && typeof reason === 'string' && BLOCKED_REASONS.has(reason))
  )
    return new SendRejected(PROVIDER, code, meta);
  return withoutPhoneNumber(error, phone);
}
