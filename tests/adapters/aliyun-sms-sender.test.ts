// AliyunSmsSender against the local Alibaba Cloud SMS stand-in through the official SDK: every customer
// wording goes out as its registered template with its parameters, and the customer reads exactly the
// text SNS would have sent; the provider's codes become SendThrottled (retry later) or SendRejected
// (never); the AccessKey pair comes from Secrets Manager through the extension, as deployed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { aliyunSmsClient, AliyunSmsError, AliyunSmsSender } from '#adapters/aliyun-sms-sender';
import { parseConfig } from '#commons/config';
import { deploymentSender } from '#composition/message-sender';
import { CUSTOMER_EVENTS } from '#domain/complaint';
import { composeMessages } from '#domain/notifications/compose';
import { SendRejected, SendThrottled } from '#domain/notifications/errors';
import {
  exampleTemplateMapping,
  registrationText,
  templateCodes,
} from '#domain/notifications/provider-templates';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import type { CustomerTemplateName } from '#domain/notifications/templates';
import type { OutboundSms } from '#domain/ports';
import { startLocalAliyun, type LocalAliyun } from '../../infra/local/sms/aliyun-server.ts';
import { startLocalSecrets, type LocalSecrets } from '../../infra/local/secrets/server.ts';
import { startLocalSns, type LocalSns } from '../../infra/local/sns/server.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';

const BASE_URL = 'https://ts.example.cn';
const KEY = { accessKeyId: 'LTAItest', accessKeySecret: 'adapter-secret-0123456789' };
const MAPPING = exampleTemplateMapping();
const CODES = templateCodes(MAPPING);
let sns: LocalSns;
let aliyun: LocalAliyun;
let sender: AliyunSmsSender;

beforeAll(async () => {
  sns = await startLocalSns();
  const templates = Object.fromEntries(
    Object.entries(MAPPING['zh-CN']!).map(([name, t]) => [
      t.code,
      { text: registrationText('aliyun', name as CustomerTemplateName, 'zh-CN', BASE_URL) },
    ]),
  );
  aliyun = await startLocalAliyun({
    record: (e) => sns.record(e),
    ...KEY,
    signNames: ['邮政投诉'],
    templates,
  });
  const client = aliyunSmsClient(KEY, aliyun.endpoint);
  sender = new AliyunSmsSender(async () => client, {
    signName: '邮政投诉',
    codes: CODES,
    publicBaseUrl: BASE_URL,
  });
});
afterAll(async () => {
  await aliyun.close();
  await sns.close();
});

function composedText(event: (typeof CUSTOMER_EVENTS)[number], amount?: number): OutboundSms {
  const id = ulid();
  const complaint = complaintFixture({ id, shortId: shortComplaintNumber(id), closeReason: 'unresolved' });
  const [sms] = composeMessages(
    complaint,
    {
      key: `${event}.1`,
      audience: 'customer',
      event,
      createdAt: '2026-03-02T08:00:00.000Z',
      // A claim's texts name its remedy (money with an amount, otherwise goods); an incident's its cause.
      data: {
        dueAt: '2026-03-20T08:00:00.000Z',
        cause: 'flood',
        ...(amount ? { amount, remedy: 'money' } : { remedy: 'resend' }),
      },
    },
    { publicBaseUrl: BASE_URL, link: `${BASE_URL}/Ab3dE6gH9k` },
  );
  if (sms?.kind !== 'sms') throw new Error('no text');
  return sms;
}

const meta = (complaintId: string, key = 'received.1') => ({ complaintId, key, event: key.split('.')[0]! });

describe('AliyunSmsSender', () => {
  it('sends every customer wording as its template; the customer reads the text SNS would have sent', async () => {
    const texts = [
      ...CUSTOMER_EVENTS.map((event) => composedText(event)),
      composedText('answered', 88.5),
      composedText('claim-offered', 88.5),
      composedText('claim-paid', 88.5),
    ];
    for (const [n, sms] of texts.entries()) {
      const complaintId = `C-ALL-${n}`;
      const { messageId } = await sender.sendSms(sms, meta(complaintId));
      expect(sns.outbox({ complaintId })).toEqual([
        expect.objectContaining({
          provider: 'aliyun',
          to: sms.phone,
          message: sms.message,
          messageId,
          template: expect.objectContaining({
            code: CODES['zh-CN']![sms.template!.name as CustomerTemplateName],
          }),
        }),
      ]);
    }
    expect(texts.map((t) => t.template?.name)).toEqual(
      expect.arrayContaining(['answered-goodwill', 'claim-offered-goodwill', 'claim-paid-goodwill']),
    );
  });

  it("maps Alibaba's flow control and send caps to SendThrottled", async () => {
    for (const code of ['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL']) {
      aliyun.failNext(1, code);
      const failure = await sender.sendSms(composedText('received'), meta('C-T')).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SendThrottled);
      expect(failure).toMatchObject({ name: 'SendThrottled', providerCode: code });
    }
  });

  it('maps a refused template, signature, number or content to SendRejected, without the number', async () => {
    for (const code of [
      'isv.SMS_TEMPLATE_ILLEGAL',
      'isv.SMS_SIGNATURE_ILLEGAL',
      'isv.MOBILE_NUMBER_ILLEGAL',
      'isv.SMS_CONTENT_ILLEGAL',
    ]) {
      aliyun.failNext(1, code);
      const failure = await sender.sendSms(composedText('received'), meta('C-R')).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SendRejected);
      expect(failure).toMatchObject({ name: 'SendRejected', providerCode: code });
      expect(JSON.stringify(failure) + String((failure as Error).stack)).not.toMatch(/13812345678|1381234/);
    }
    // Refused by the stand-in itself, not injected: a template code Alibaba does not know.
    const unknown = new AliyunSmsSender(async () => aliyunSmsClient(KEY, aliyun.endpoint), {
      signName: '邮政投诉',
      codes: { 'zh-CN': { ...CODES['zh-CN']!, received: 'SMS_1' } },
      publicBaseUrl: BASE_URL,
    });
    await expect(unknown.sendSms(composedText('received'), meta('C-R'))).rejects.toMatchObject({
      providerCode: 'isv.SMS_TEMPLATE_ILLEGAL',
    });
  });

  it('refuses before sending what the provider never could: no template for the locale, a foreign link', async () => {
    const english = {
      ...composedText('received'),
      template: { ...composedText('received').template!, locale: 'en' as const },
    };
    const foreignLink = composedText('answered');
    foreignLink.template = {
      ...foreignLink.template!,
      params: { ...foreignLink.template!.params, link: 'https://evil.example/x' },
    };

    await expect(sender.sendSms(english, meta('C-N'))).rejects.toMatchObject({
      name: 'SendRejected',
      providerCode: 'NoTemplateFor:en.received',
    });
    await expect(sender.sendSms(foreignLink, meta('C-N'))).rejects.toMatchObject({
      providerCode: 'ParameterRefused',
    });
    expect(sns.outbox({ complaintId: 'C-N' })).toEqual([]);
  });

  it('lets an unknown code through as a retryable AliyunSmsError', async () => {
    aliyun.failNext(1, 'isp.SYSTEM_ERROR');
    const failure = await sender.sendSms(composedText('received'), meta('C-U')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AliyunSmsError);
    expect(failure).toMatchObject({ name: 'AliyunSmsError', code: 'isp.SYSTEM_ERROR' });
  });
});

describe('the composition root with SMS_PROVIDER=aliyun', () => {
  let secrets: LocalSecrets;
  beforeAll(async () => {
    secrets = await startLocalSecrets({
      secrets: { 'complaints/test/sms': JSON.stringify(KEY) },
      sessionToken: 'session-1',
    });
  });
  afterAll(() => secrets.close());

  it('fetches the AccessKey pair from Secrets Manager on first send and texts through Alibaba, no push', async () => {
    const cfg = parseConfig({
      TABLE_NAME: 'complaints',
      COMPLAINT_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:c',
      NOTIFICATION_STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:n',
      STAFF_TOPIC_ARNS: JSON.stringify([0, 1, 2, 3].map((l) => `arn:aws:sns:cn-north-1:123456789012:t${l}`)),
      PUBLIC_BASE_URL: BASE_URL,
      SMS_PROVIDER: 'aliyun',
      SMS_SIGNATURE: '【邮政投诉】',
      SMS_TEMPLATE_CODES: JSON.stringify(CODES),
      SMS_CREDENTIALS_SECRET_ID: 'complaints/test/sms',
      ALIYUN_SMS_ENDPOINT: aliyun.endpoint,
    });
    const { sender: deployed, pushAvailable } = deploymentSender(cfg, () => ({
      port: secrets.port,
      sessionToken: 'session-1',
    }));

    await deployed.send(composedText('accepted'), meta('C-ROOT', 'accepted.1'));

    expect(pushAvailable).toBe(false);
    expect(sns.outbox({ complaintId: 'C-ROOT' })).toEqual([
      expect.objectContaining({ provider: 'aliyun', event: 'accepted' }),
    ]);
  });
});
