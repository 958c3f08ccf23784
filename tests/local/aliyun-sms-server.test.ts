// The Alibaba Cloud SMS stand-in speaks dysmsapi's protocol as the official SDK client sends it (RPC style,
// signed ACS3-HMAC-SHA256), checks SendSms as the provider does and records the text the customer reads.
import { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliyunSmsClient } from '#adapters/aliyun-sms-sender';
import { startLocalAliyun, type LocalAliyun } from '../../infra/local/sms/aliyun-server.ts';
import { startLocalSns, type LocalSns } from '../../infra/local/sns/server.ts';

const KEY = { accessKeyId: 'LTAItest', accessKeySecret: 'test-secret-0123456789' };
let sns: LocalSns;
let aliyun: LocalAliyun;

/** The official SDK client, configured by the adapter's own helper (endpoint, protocol, region). */
function client(credentials = KEY) {
  return aliyunSmsClient(credentials, aliyun.endpoint);
}

const request = (overrides: Partial<Record<string, string>> = {}) =>
  new SendSmsRequest({
    phoneNumbers: '13812345678',
    signName: '邮政投诉',
    templateCode: 'SMS_900000001',
    templateParam: JSON.stringify({ shortId: 'K7Q2M-9X4TB', answerBy: '10月3日18:00' }),
    outId: 'C-9|received.1|received',
    ...overrides,
  });

beforeAll(async () => {
  sns = await startLocalSns();
  aliyun = await startLocalAliyun({
    record: (entry) => sns.record(entry),
    ...KEY,
    signNames: ['邮政投诉'],
    templates: { SMS_900000001: { text: '已收到您的投诉，编号${shortId}，预计${answerBy}前答复。' } },
  });
});
afterAll(async () => {
  await aliyun.close();
  await sns.close();
});

describe('local Alibaba Cloud SMS', () => {
  it('accepts a signed SendSms and records 【signature】 plus the filled template', async () => {
    const response = await client().sendSms(request());

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ code: 'OK', message: 'OK' });
    expect(sns.outbox({ complaintId: 'C-9' })).toEqual([
      expect.objectContaining({
        kind: 'sms',
        provider: 'aliyun',
        to: '+8613812345678',
        message: '【邮政投诉】已收到您的投诉，编号K7Q2M-9X4TB，预计10月3日18:00前答复。',
        key: 'received.1',
        event: 'received',
        messageId: response.body?.bizId,
        template: { code: 'SMS_900000001', params: { shortId: 'K7Q2M-9X4TB', answerBy: '10月3日18:00' } },
      }),
    ]);
  });

  it('refuses a request signed with another secret or an unknown AccessKey id, as HTTP errors', async () => {
    const wrongSecret = await client({ ...KEY, accessKeySecret: 'guess' })
      .sendSms(request())
      .catch((e: unknown) => e);
    const unknownKey = await client({ ...KEY, accessKeyId: 'LTAIother' })
      .sendSms(request())
      .catch((e: unknown) => e);

    expect(wrongSecret).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(unknownKey).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });

  it('answers business refusals with HTTP 200 and a Code, recording nothing', async () => {
    const before = sns.outbox().length;
    const codeOf = async (overrides: Partial<Record<string, string>>) =>
      (await client().sendSms(request(overrides))).body?.code;

    expect(await codeOf({ templateCode: 'SMS_1' })).toBe('isv.SMS_TEMPLATE_ILLEGAL');
    expect(await codeOf({ signName: '快递投诉' })).toBe('isv.SMS_SIGNATURE_ILLEGAL');
    expect(await codeOf({ templateParam: JSON.stringify({ shortId: 'K7Q2M-9X4TB' }) })).toBe(
      'isv.TEMPLATE_MISSING_PARAMETERS',
    );
    expect(await codeOf({ templateParam: JSON.stringify({ shortId: 'K'.repeat(36), answerBy: 'x' }) })).toBe(
      'isv.PARAM_LENGTH_LIMIT',
    );
    expect(await codeOf({ templateParam: '{shortId' })).toBe('isv.INVALID_JSON_PARAM');
    expect(await codeOf({ phoneNumbers: '12345' })).toBe('isv.MOBILE_NUMBER_ILLEGAL');
    aliyun.failNext(1);
    expect(await codeOf({})).toBe('isv.BUSINESS_LIMIT_CONTROL');
    expect(sns.outbox().length).toBe(before);
  });
});
