// EumSmsSender against the local End User Messaging stand-in through the real SDK client: the text goes
// out transactional and attributed; the service's refusals become the domain's errors.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EumSmsSender } from '#adapters/eum-sms-sender';
import { SendRejected, SendThrottled, SmsOptedOut } from '#domain/notifications/errors';
import { startLocalEum, type LocalEum } from '../../infra/local/sms/eum-server.ts';
import { startLocalSns, type LocalSns } from '../../infra/local/sns/server.ts';

const PHONE = '+8613812345678';
const OPTED_OUT = '+8613900000000';
const meta = { complaintId: 'C-7', key: 'accepted.2', event: 'accepted' };
let sns: LocalSns;
let eum: LocalEum;
let client: PinpointSMSVoiceV2Client;
let sender: EumSmsSender;

beforeAll(async () => {
  sns = await startLocalSns();
  eum = await startLocalEum({ record: (entry) => sns.record(entry), optedOutNumbers: [OPTED_OUT] });
  client = new PinpointSMSVoiceV2Client({
    endpoint: eum.endpoint,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  sender = new EumSmsSender(client, { originationIdentity: 'pool-0123456789abcdef' });
});
afterAll(async () => {
  client.destroy();
  await eum.close();
  await sns.close();
});

const sms = (phone = PHONE) => ({
  kind: 'sms' as const,
  phone,
  message: '【邮政投诉】您的投诉K7Q2M-9X4TB已有专人处理。',
});

describe('EumSmsSender', () => {
  it('sends the composed text as is, attributed to the complaint and notification', async () => {
    const { messageId } = await sender.sendSms(sms(), meta);

    expect(sns.outbox({ complaintId: 'C-7' }).at(-1)).toMatchObject({
      provider: 'end-user-messaging',
      to: PHONE,
      message: sms().message,
      key: 'accepted.2',
      event: 'accepted',
      messageId,
    });
  });

  it('maps an opted-out number to SmsOptedOut', async () => {
    await expect(sender.sendSms(sms(OPTED_OUT), meta)).rejects.toBeInstanceOf(SmsOptedOut);
  });

  it('maps throttling and spend caps to SendThrottled (retry later)', async () => {
    eum.failNext(1, 'ThrottlingException');
    const throttled = await sender.sendSms(sms(), meta).catch((e: unknown) => e);
    eum.failNext(1, 'ServiceQuotaExceededException', 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT');
    const capped = await sender.sendSms(sms(), meta).catch((e: unknown) => e);

    expect(throttled).toBeInstanceOf(SendThrottled);
    expect(throttled).toMatchObject({ name: 'SendThrottled', providerCode: 'ThrottlingException' });
    expect(capped).toMatchObject({
      name: 'SendThrottled',
      providerCode: 'ServiceQuotaExceededException:MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
    });
  });

  it('maps an invalid request or a blocked destination to SendRejected (never retried), without the number', async () => {
    const invalid = await sender.sendSms(sms('+86 138 1234 5678'), meta).catch((e: unknown) => e);
    eum.failNext(1, 'ConflictException', 'DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION');
    const blocked = await sender.sendSms(sms(), meta).catch((e: unknown) => e);

    expect(invalid).toBeInstanceOf(SendRejected);
    expect(invalid).toMatchObject({
      name: 'SendRejected',
      providerCode: 'ValidationException:INVALID_PARAMETER',
    });
    expect(blocked).toMatchObject({
      name: 'SendRejected',
      providerCode: 'ConflictException:DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION',
    });
    expect(JSON.stringify(invalid) + String((invalid as Error).stack)).not.toContain('1234');
  });

  it('lets a service fault through for the workflow to retry', async () => {
    eum.failNext(1, 'InternalServerException');
    const failure = await sender.sendSms(sms(), meta).catch((e: unknown) => e);

    expect(failure).toMatchObject({ name: 'InternalServerException' });
    expect(failure).not.toBeInstanceOf(SendThrottled);
    expect(failure).not.toBeInstanceOf(SendRejected);
  });
});
