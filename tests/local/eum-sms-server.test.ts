// The End User Messaging stand-in speaks pinpoint-sms-voice-v2's protocol as the real SDK client expects
// it (AWS JSON 1.0, X-Amz-Target, typed exceptions with their Reason), and records texts in the SNS outbox.
import {
  ConflictException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  SendVoiceMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEum, type LocalEum } from '../../infra/local/sms/eum-server.ts';
import { startLocalSns, type LocalSns } from '../../infra/local/sns/server.ts';

const OPTED_OUT = '+447700900123';
let sns: LocalSns;
let eum: LocalEum;
let client: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  sns = await startLocalSns();
  eum = await startLocalEum({ record: (entry) => sns.record(entry), optedOutNumbers: [OPTED_OUT] });
  client = new PinpointSMSVoiceV2Client({
    endpoint: eum.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await eum.close();
  await sns.close();
});

describe('local End User Messaging SMS', () => {
  it('answers SendTextMessage with a MessageId and records the text with its Context', async () => {
    const before = sns.outbox().length;
    const output = await client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: '+447911123456',
        MessageBody: 'Complaint K7Q2M-9X4TB is closed.',
        MessageType: 'TRANSACTIONAL',
        Context: { complaintId: 'C-1', key: 'closed.1', event: 'closed' },
      }),
    );

    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sns.outbox().slice(before)).toEqual([
      expect.objectContaining({
        kind: 'sms',
        provider: 'end-user-messaging',
        to: '+447911123456',
        message: 'Complaint K7Q2M-9X4TB is closed.',
        complaintId: 'C-1',
        key: 'closed.1',
        event: 'closed',
        messageId: output.MessageId,
        status: 'sent',
      }),
    ]);
  });

  it('refuses as the service does: an opted-out number, a malformed one, throttling, an unserved operation', async () => {
    const send = (to: string) =>
      client
        .send(new SendTextMessageCommand({ DestinationPhoneNumber: to, MessageBody: 'hi' }))
        .catch((e: unknown) => e);

    const optedOut = await send(OPTED_OUT);
    const malformed = await send('07911123456');
    eum.failNext(1, 'ThrottlingException');
    const throttled = await send('+447911123456');
    const voice = await client
      .send(
        new SendVoiceMessageCommand({ DestinationPhoneNumber: '+447911123456', OriginationIdentity: 'x' }),
      )
      .catch((e: unknown) => e);

    expect(optedOut).toBeInstanceOf(ConflictException);
    expect(optedOut).toMatchObject({
      Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      ResourceType: 'opt-out-list',
    });
    expect(malformed).toBeInstanceOf(ValidationException);
    expect(malformed).toMatchObject({ Reason: 'INVALID_PARAMETER' });
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(voice).toMatchObject({ name: 'UnknownOperationException' });
  });
});
