// A local Alibaba Cloud SMS endpoint (dysmsapi 2017-05-25, RPC style: the action and its parameters in the
// query string, x-acs-action / x-acs-version headers, signed ACS3-HMAC-SHA256 with the AccessKey pair) that
// delivers nothing. SendSms is checked as the provider checks it (the signature, the template code, every
// template parameter present and within its length, the number) and the text the customer would read,
// 【signature】 plus the registered template filled with the parameters, lands in the same outbox as the
// SNS stand-in's (kind sms, provider aliyun). Handlers reach it through ALIYUN_SMS_ENDPOINT.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from '../shared/http-util.ts';
import type { OutboxEntry } from '../sns/server.ts';

export interface LocalAliyunTemplate {
  /** The registered text, with ${name} variables. */
  text: string;
}

export interface LocalAliyunOptions {
  record: (entry: OutboxEntry) => void;
  /** The AccessKey pair requests must be signed with. */
  accessKeyId: string;
  accessKeySecret: string;
  /** Registered signatures (without 【】). */
  signNames: readonly string[];
  /** Registered templates by code. */
  templates: Readonly<Record<string, LocalAliyunTemplate>>;
  /** The longest value a template parameter may have (Alibaba: 35 characters). */
  maxParamLength?: number;
  port?: number;
  log?: (line: string) => void;
}

export interface LocalAliyun {
  /** For ALIYUN_SMS_ENDPOINT (http://127.0.0.1:PORT). */
  endpoint: string;
  /** The next n SendSms requests answer this Code (default isv.BUSINESS_LIMIT_CONTROL). */
  failNext(n: number, code?: string): void;
  close(): Promise<void>;
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const INTERNATIONAL = /^[1-9]\d{6,14}$/;
const VARIABLE = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** Alibaba's message for some business codes (SendSms answers them with HTTP 200). */
const MESSAGES: Record<string, string> = {
  'isv.BUSINESS_LIMIT_CONTROL': '触发分钟级流控Permits:1',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量中存在未赋值变量',
  'isv.PARAM_LENGTH_LIMIT': '参数超出长度限制',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法',
};

class HttpFault extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startLocalAliyun(options: LocalAliyunOptions): Promise<LocalAliyun> {
  const log = options.log ?? (() => undefined);
  const maxLength = options.maxParamLength ?? 35;
  const injected = { remaining: 0, code: 'isv.BUSINESS_LIMIT_CONTROL' };

  const sendSms = (query: URLSearchParams): Record<string, string> => {
    const requestId = randomUUID().toUpperCase();
    const refuse = (code: string) => ({ Code: code, Message: MESSAGES[code] ?? code, RequestId: requestId });
    if (injected.remaining > 0) {
      injected.remaining -= 1;
      return refuse(injected.code);
    }
    const phones = (query.get('PhoneNumbers') ?? '').split(',');
    const signName = query.get('SignName') ?? '';
    const code = query.get('TemplateCode') ?? '';
    if (phones.length !== 1 || !(MAINLAND_MOBILE.test(phones[0]!) || INTERNATIONAL.test(phones[0]!)))
      return refuse('isv.MOBILE_NUMBER_ILLEGAL');
    if (!options.signNames.includes(signName)) return refuse('isv.SMS_SIGNATURE_ILLEGAL');
    const template = options.templates[code];
    if (!template) return refuse('isv.SMS_TEMPLATE_ILLEGAL');
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(query.get('TemplateParam') ?? '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      params = parsed as Record<string, unknown>;
    } catch {
      return refuse('isv.INVALID_JSON_PARAM');
    }
    const variables = [...template.text.matchAll(VARIABLE)].map((m) => m[1]!);
    if (variables.some((v) => typeof params[v] !== 'string' || params[v] === ''))
      return refuse('isv.TEMPLATE_MISSING_PARAMETERS');
    if (variables.some((v) => [...(params[v] as string)].length > maxLength))
      return refuse('isv.PARAM_LENGTH_LIMIT');
    const text = template.text.replace(VARIABLE, (_all, v: string) => params[v] as string);
    const [complaintId, key, event] = (query.get('OutId') ?? '').split('|');
    const phone = phones[0]!;
    const bizId = `${Date.now()}^${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    options.record({
      at: new Date().toISOString(),
      kind: 'sms',
      provider: 'aliyun',
      to: MAINLAND_MOBILE.test(phone) ? `+86${phone}` : `+${phone}`,
      message: `【${signName}】${text}`,
      ...(complaintId ? { complaintId } : {}),
      ...(event ? { event } : {}),
      ...(key ? { key } : {}),
      messageId: bizId,
      status: 'sent',
      template: { code, params: Object.fromEntries(variables.map((v) => [v, params[v] as string])) },
    });
    return { Code: 'OK', Message: 'OK', BizId: bizId, RequestId: requestId };
  };

  const server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request);
        const url = new URL(request.url ?? '/', 'http://localhost');
        verifySignature(request, url, body, options);
        const action = String(request.headers['x-acs-action'] ?? url.searchParams.get('Action') ?? '');
        if (action !== 'SendSms')
          throw new HttpFault(404, 'InvalidAction.NotFound', `${action} is not served here`);
        // RPC style: parameters in the query string, or form-encoded in the body.
        const query = new URLSearchParams(url.search);
        for (const [k, v] of new URLSearchParams(body)) query.set(k, v);
        reply(response, 200, sendSms(query));
      } catch (error) {
        const fault =
          error instanceof HttpFault ? error : new HttpFault(500, 'InternalError', 'internal error');
        if (!(error instanceof HttpFault)) log(`[aliyun] internal error: ${String(error)}`);
        reply(response, fault.status, {
          Code: fault.code,
          Message: fault.message,
          RequestId: randomUUID().toUpperCase(),
        });
      }
    })();
  });
  const endpoint = await listen(server, options.port);
  return {
    endpoint,
    failNext: (n, code = 'isv.BUSINESS_LIMIT_CONTROL') => {
      injected.remaining = n;
      injected.code = code;
    },
    close: () => closeServer(server),
  };
}

/** RFC 3986 encoding, as ACS3 canonicalisation wants it. */
function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/** ACS3-HMAC-SHA256: the signature over the canonical request, with the configured AccessKey secret. */
function verifySignature(
  request: IncomingMessage,
  url: URL,
  body: string,
  options: LocalAliyunOptions,
): void {
  const authorization = String(request.headers.authorization ?? '');
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(
    authorization,
  );
  if (!match)
    throw new HttpFault(400, 'IncompleteSignature', 'the Authorization header is not ACS3-HMAC-SHA256');
  const [, accessKeyId, signedHeaders, signature] = match;
  if (accessKeyId !== options.accessKeyId)
    throw new HttpFault(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`)
    .join('');
  const canonicalRequest = [
    request.method ?? 'POST',
    url.pathname || '/',
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    String(request.headers['x-acs-content-sha256'] ?? sha256Hex(body)),
  ].join('\n');
  const expected = createHmac('sha256', options.accessKeySecret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`)
    .digest('hex');
  const given = Buffer.from(signature!, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8')))
    throw new HttpFault(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.');
  if (sha256Hex(body) !== request.headers['x-acs-content-sha256'])
    throw new HttpFault(400, 'SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body.');
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
