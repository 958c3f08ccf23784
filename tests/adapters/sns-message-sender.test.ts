import { SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SnsMessageSender, snsSubject } from '#adapters/sns-message-sender';
import { SendRejected, SendThrottled, SmsOptedOut } from '#domain/notifications/errors';
import { startLocalSns, type LocalSns } from '../../infra/local/sns/server.ts';

const OPTED_OUT = '+8613900000000';
const PHONE = '+8613812345678';
const TOPICS = [0, 1, 2, 3].map((level) => `arn:aws:sns:ap-east-1:123456789012:complaints-staff-l${level}`);
const PUSH_ARN = 'arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/complaints-app/5f1c2d3e';

let sns: LocalSns;
let outboxSize = 0;

function client(maxAttempts = 3): SNSClient {
  return new SNSClient({
    endpoint: sns.endpoint,
    region: 'ap-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
}

/** What the local SNS recorded since the test began. */
function published() {
  return sns.outbox().slice(outboxSize);
}

beforeAll(async () => {
  sns = await startLocalSns({ optedOutNumbers: [OPTED_OUT], topics: TOPICS });
});
afterAll(async () => {
  await sns.close();
});
beforeEach(() => {
  outboxSize = sns.outbox().length;
});

describe('SnsMessageSender, SMS', () => {
  it('publishes a transactional text to the number, attributed to the complaint and notification', async () => {
    // Prepare
    const sender = new SnsMessageSender(client(), {
      staffTopicArns: TOPICS,
      smsSenderId: 'POSTCS',
      smsMaxPrice: '0.05',
    });
    // Act
    const { messageId } = await sender.send(
      {
        kind: 'sms',
        phone: PHONE,
        message: '【邮政投诉】已收到您的投诉，编号K7Q2M-9X4TB，预计10月3日18:00前答复。',
      },
      { complaintId: '01JA2B3C4D5E6F7G8H9JK7Q2M9', key: 'received.1', event: 'received' },
    );
    // Assess
    const [entry, ...others] = published();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      kind: 'sms',
      to: PHONE,
      message: '【邮政投诉】已收到您的投诉，编号K7Q2M-9X4TB，预计10月3日18:00前答复。',
      complaintId: '01JA2B3C4D5E6F7G8H9JK7Q2M9',
      event: 'received',
      key: 'received.1',
      messageId,
      status: 'sent',
    });
    expect(entry?.attributes).toMatchObject({
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.SNS.SMS.SenderID': 'POSTCS',
      'AWS.SNS.SMS.MaxPrice': '0.05',
    });
  });

  it('sets no sender id or price cap that the deployment did not configure', async () => {
    const sender = new SnsMessageSender(client(), { staffTopicArns: TOPICS });
    await sender.send({ kind: 'sms', phone: PHONE, message: 'Complaint K7Q2M-9X4TB is closed.' }, meta());
    const attributes = published()[0]?.attributes ?? {};
    expect(attributes['AWS.SNS.SMS.SMSType']).toBe('Transactional');
    expect(Object.keys(attributes)).not.toContain('AWS.SNS.SMS.SenderID');
    expect(Object.keys(attributes)).not.toContain('AWS.SNS.SMS.MaxPrice');
  });

  it('turns an opted-out number into SmsOptedOut, which names the complaint but not the number', async () => {
    // Prepare
    const sender = new SnsMessageSender(client(), { staffTopicArns: TOPICS });
    // Act
    const failure = await sender
      .send({ kind: 'sms', phone: OPTED_OUT, message: 'hello' }, meta('C-OPTED', 'accepted.2'))
      .catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(SmsOptedOut);
    expect(failure).toMatchObject({
      code: 'sms-opted-out',
      details: { complaintId: 'C-OPTED', key: 'accepted.2' },
    });
    expect(JSON.stringify(failure) + String((failure as Error).stack)).not.toContain('13900000000');
    expect(published()).toEqual([]);
  });

  it('maps an OptedOut error code however SNS raises it', async () => {
    const sender = new SnsMessageSender(client(1), { staffTopicArns: TOPICS });
    sns.failNext(1, 'OptedOut');
    await expect(sender.send({ kind: 'sms', phone: PHONE, message: 'hello' }, meta())).rejects.toBeInstanceOf(
      SmsOptedOut,
    );
  });

  it('raises SendThrottled when SNS throttles (what reaches it once the SDK gives up)', async () => {
    // Prepare: Throttled answers 429 (ThrottledException).
    const sender = new SnsMessageSender(client(1), { staffTopicArns: TOPICS });
    sns.failNext(1, 'Throttled');
    // Act
    const failure = await sender
      .send({ kind: 'sms', phone: PHONE, message: 'hello' }, meta())
      .catch((e: unknown) => e);
    const topic = await sender
      .send({ kind: 'topic', level: 1, unit: 'outlet:x', subject: 's', message: 'm' }, meta())
      .then(() => 'sent');
    // Assess
    expect(failure).toBeInstanceOf(SendThrottled);
    expect(failure).toMatchObject({ name: 'SendThrottled', providerCode: 'ThrottledException' });
    expect(JSON.stringify(failure)).not.toContain('13812345678');
    expect(topic).toBe('sent');
  });

  it('answers throttling as SendThrottled and a refused number as SendRejected, without the number', async () => {
    // Prepare: SDK retries off, so the throttled answer reaches the adapter at once.
    const sender = new SnsMessageSender(client(1), { staffTopicArns: TOPICS });
    const malformed = '+86138123456789999'; // not E.164: SNS echoes it in its error message
    sns.failNext(1, 'Throttled');
    // Act
    const throttled = await sender
      .send({ kind: 'sms', phone: PHONE, message: 'hi' }, meta())
      .catch((e: unknown) => e);
    const invalid = await sender
      .send({ kind: 'sms', phone: malformed, message: 'hi' }, meta())
      .catch((e: unknown) => e);
    // Assess
    expect(throttled).toBeInstanceOf(SendThrottled);
    expect(throttled).toMatchObject({
      name: 'SendThrottled',
      details: { providerCode: 'ThrottledException' },
    });
    expect(invalid).toBeInstanceOf(SendRejected);
    expect(invalid).toMatchObject({
      name: 'SendRejected',
      details: { providerCode: 'InvalidParameterException' },
    });
    const invalidText = `${(invalid as Error).message}\n${(invalid as Error).stack}\n${JSON.stringify(invalid)}`;
    expect(invalidText).not.toContain('13812345678');
    expect(published()).toEqual([]);
  });

  it('lets other failures through for the workflow to retry, without the phone number in them', async () => {
    // Prepare
    const sender = new SnsMessageSender(client(1), { staffTopicArns: TOPICS });
    const malformed = '+86138123456789999'; // not E.164: SNS echoes it in its error message
    sns.failNext(1, 'InternalError');
    // Act
    const internal = await sender
      .send({ kind: 'sms', phone: PHONE, message: 'hi' }, meta())
      .catch((e: unknown) => e);
    const invalid = await sender
      .send({ kind: 'sms', phone: malformed, message: 'hi' }, meta())
      .catch((e: unknown) => e);
    // Assess
    expect(internal).toMatchObject({ name: 'InternalErrorException', $fault: 'server' });
    expect(internal).not.toBeInstanceOf(SmsOptedOut);
    expect(invalid).toBeInstanceOf(SendRejected);
    const invalidText = `${(invalid as Error).message}\n${(invalid as Error).stack}\n${JSON.stringify(invalid)}`;
    expect(invalidText).not.toContain('13812345678');
    expect(published()).toEqual([]);
  });
});

describe('SnsMessageSender, push', () => {
  it('publishes one JSON message with APNs, FCM and Baidu payloads and a default text', async () => {
    // Prepare
    const sender = new SnsMessageSender(client(), { staffTopicArns: TOPICS });
    // Act
    await sender.send(
      { kind: 'push', targetArn: PUSH_ARN, title: '投诉已答复', message: '您的投诉K7Q2M-9X4TB已答复' },
      meta('C-PUSH', 'answered.5'),
    );
    // Assess
    const [entry] = published();
    expect(entry).toMatchObject({ kind: 'push', to: PUSH_ARN, message: '您的投诉K7Q2M-9X4TB已答复' });
    expect(entry).toMatchObject({ complaintId: 'C-PUSH', event: 'answered', key: 'answered.5' });
    const structured = entry?.structured as Record<string, string>;
    const notification = { title: '投诉已答复', body: '您的投诉K7Q2M-9X4TB已答复' };
    expect(JSON.parse(structured.APNS ?? '')).toMatchObject({ aps: { alert: notification } });
    expect(JSON.parse(structured.APNS_SANDBOX ?? '')).toMatchObject({ aps: { alert: notification } });
    expect(JSON.parse(structured.GCM ?? '')).toEqual({ notification });
    expect(JSON.parse(structured.BAIDU ?? '')).toEqual({
      title: '投诉已答复',
      description: '您的投诉K7Q2M-9X4TB已答复',
    });
  });
});

describe('SnsMessageSender, staff topics', () => {
  it("publishes to the level's topic with subject and message", async () => {
    // Prepare
    const sender = new SnsMessageSender(client(), { staffTopicArns: TOPICS });
    // Act
    for (const level of [0, 1, 2, 3] as const) {
      await sender.send(
        {
          kind: 'topic',
          level,
          unit: 'outlet:SH-01',
          subject: `[L${level}] Escalation: complaint K7Q2M-9X4TB`,
          message: '投诉已超时升级',
        },
        meta('C-STAFF', `staff-escalation.${level}`),
      );
    }
    // Assess
    expect(published().map((e) => [e.kind, e.to, e.subject, e.event, e.attributes?.unit])).toEqual(
      [0, 1, 2, 3].map((level) => [
        'topic',
        TOPICS[level],
        `[L${level}] Escalation: complaint K7Q2M-9X4TB`,
        'staff-escalation',
        'outlet:SH-01',
      ]),
    );
  });

  it('makes any subject acceptable to SNS: ASCII, one line, under 100 characters', async () => {
    const sender = new SnsMessageSender(client(), { staffTopicArns: TOPICS });
    await sender.send(
      { kind: 'topic', level: 2, unit: 'hq', subject: `投诉\n${'x'.repeat(200)}`, message: 'm' },
      meta(),
    );
    const subject = published()[0]?.subject ?? '';
    expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
    expect(subject.length).toBeLessThan(100);
  });

  it('refuses a configuration without one topic per level', () => {
    expect(() => new SnsMessageSender(client(), { staffTopicArns: TOPICS.slice(0, 3) })).toThrow(RangeError);
  });
});

describe('snsSubject', () => {
  it('turns any text into a valid SNS subject', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const subject = snsSubject(text);
        expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
        expect(subject.length).toBeLessThan(100);
      }),
    );
  });

  it('keeps a valid subject as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9[][\x20-\x7e]{0,97}[A-Za-z0-9)]$/), (text) => {
        expect(snsSubject(text)).toBe(text);
      }),
    );
  });
});

function meta(complaintId = 'C-1', key = 'accepted.2'): { complaintId: string; key: string; event: string } {
  return { complaintId, key, event: key.split('.')[0] ?? key };
}
