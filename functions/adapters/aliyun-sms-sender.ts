// Customer SMS through Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms), the licensed mainland provider:
// the operator's registered signature (SignName), the registered template of the wording compose.ts chose
// (TemplateCode, from the deployment's mapping) and the wording's variables as TemplateParam JSON
// (provider-templates.ts). The AccessKey pair comes from Secrets Manager through the extension on first
// use, never from the environment. OutId carries complaint id, key and event for attribution.
// Error mapping (SendSms answers HTTP 200 with a Code): flow control and send caps are SendThrottled
// (retry later); an unregistered or refused template or signature, bad parameters, an invalid or blocked
// number or refused content are SendRejected (never retried); anything else is a retryable error.
import dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Locale } from '#domain/complaint';
import type { OutboundSms } from '#domain/ports';
import { SendRejected, SendThrottled } from '#domain/notifications/errors';
import { templateParams, type TemplateCodes } from '#domain/notifications/provider-templates';
import type { CustomerTemplateName } from '#domain/notifications/templates';
import { withoutPhoneNumber, type SendMeta, type SmsSender } from './routed-message-sender.ts';

const PROVIDER = 'aliyun';

/** Codes meaning "not now": Alibaba's flow control per number, the account's day/month caps, API throttling. */
export const ALIYUN_THROTTLED = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.MONTH_LIMIT_CONTROL',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
]);

/** Codes meaning "never": the same request will be refused every time. */
export const ALIYUN_REJECTED = new Set([
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.SIGN_STATE_ILLEGAL',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'isv.INVALID_JSON_PARAM',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.SMS_CONTENT_ILLEGAL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
]);

/** The Alibaba Cloud AccessKey pair, as the secret holds it (JSON). */
export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** SendSms as the SDK client offers it (the adapter's only call). */
export type AliyunSmsClient = Pick<InstanceType<typeof Dysmsapi>, 'sendSms'>;

type DysmsapiClass = typeof dysmsapi.default;
// A CommonJS module: Node's default import is its exports object (the class under `default`); esbuild's
// bundle and vitest follow __esModule and hand the class itself.
const Dysmsapi: DysmsapiClass =
  (dysmsapi as unknown as { default?: DysmsapiClass }).default ?? (dysmsapi as unknown as DysmsapiClass);

export interface AliyunSmsSenderOptions {
  /** The registered signature, without 【】. */
  signName: string;
  codes: TemplateCodes;
  /** Links in texts start with it; the template holds it and the parameter only the path. */
  publicBaseUrl: string;
}

export class AliyunSmsSender implements SmsSender {
  readonly provider = PROVIDER;
  readonly #client: () => Promise<AliyunSmsClient>;
  readonly #options: AliyunSmsSenderOptions;

  constructor(client: () => Promise<AliyunSmsClient>, options: AliyunSmsSenderOptions) {
    this.#client = client;
    this.#options = options;
  }

  async sendSms(sms: OutboundSms, meta: SendMeta): Promise<{ messageId: string }> {
    const template = sms.template;
    if (!template) throw new SendRejected(PROVIDER, 'NoTemplate', meta);
    const code = this.#options.codes[template.locale as Locale]?.[template.name as CustomerTemplateName];
    if (!code) throw new SendRejected(PROVIDER, `NoTemplateFor:${template.locale}.${template.name}`, meta);
    const params = templateParams(PROVIDER, template.params, this.#options.publicBaseUrl);
    if ('problem' in params) throw new SendRejected(PROVIDER, 'ParameterRefused', meta);
    let body;
    try {
      const client = await this.#client();
      const response = await client.sendSms(
        new SendSmsRequest({
          phoneNumbers: aliyunPhoneNumber(sms.phone),
          signName: this.#options.signName,
          templateCode: code,
          templateParam: JSON.stringify(params.params),
          outId: `${meta.complaintId}|${meta.key}|${meta.event}`,
        }),
      );
      body = response.body;
    } catch (error) {
      // Errors the SDK throws (HTTP 4xx/5xx: throttling, signature, permission) carry the code too.
      const thrown = (error as { code?: unknown } | null)?.code;
      if (typeof thrown === 'string') throw classify(thrown, meta) ?? withoutPhoneNumber(error, sms.phone);
      throw withoutPhoneNumber(error, sms.phone);
    }
    const result = body?.code ?? 'NoCode';
    if (result === 'OK' && body?.bizId) return { messageId: body.bizId };
    throw classify(result, meta) ?? new AliyunSmsError(result);
  }
}

/** An answer of Alibaba Cloud SMS that is neither success nor a known refusal: retryable. */
export class AliyunSmsError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`Alibaba Cloud SMS refused the message (${code})`);
    this.name = 'AliyunSmsError';
    this.code = code;
  }
}

function classify(code: string, meta: SendMeta): Error | undefined {
  if (ALIYUN_THROTTLED.has(code)) return new SendThrottled(PROVIDER, code, meta);
  if (ALIYUN_REJECTED.has(code)) return new SendRejected(PROVIDER, code, meta);
  return undefined;
}

/** Mainland numbers go without their country code; others as country code and number (no +). */
export function aliyunPhoneNumber(e164: string): string {
  return e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+/, '');
}

/**
 * The SDK client for an endpoint: a host name (dysmsapi.aliyuncs.com, over https) or a URL with scheme
 * and port (the local stand-in's http://127.0.0.1:PORT).
 */
export function aliyunSmsClient(credentials: AliyunCredentials, endpoint: string): AliyunSmsClient {
  const url = /^https?:\/\//.test(endpoint) ? new URL(endpoint) : undefined;
  const config = new $OpenApiUtil.Config({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    endpoint: url ? url.host : endpoint,
    protocol: url ? url.protocol.replace(':', '') : 'https',
    regionId: 'cn-hangzhou',
  });
  return new Dysmsapi(config);
}

/** Parses the secret's JSON; never echoes it. */
export function parseAliyunCredentials(secretId: string, text: string): AliyunCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const { accessKeyId, accessKeySecret } = (value ?? {}) as Partial<Record<string, unknown>>;
  if (
    typeof accessKeyId !== 'string' ||
    typeof accessKeySecret !== 'string' ||
    !accessKeyId ||
    !accessKeySecret
  )
    throw new Error(`secret ${secretId} must be JSON {"accessKeyId": "...", "accessKeySecret": "..."}`);
  return { accessKeyId, accessKeySecret };
}
