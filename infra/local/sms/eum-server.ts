// A local AWS End User Messaging SMS endpoint (pinpoint-sms-voice-v2, AWS JSON 1.0: POST / with
// X-Amz-Target PinpointSMSVoiceV2.SendTextMessage) that delivers nothing: every accepted text lands in the
// same outbox as the SNS stand-in's (kind sms, provider end-user-messaging), attributed by the message
// Context. Handlers reach it only through AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from '../shared/http-util.ts';
import type { OutboxEntry } from '../sns/server.ts';

export interface LocalEumOptions {
  /** Where accepted texts go: the SNS stand-in's outbox (LocalSns.record). */
  record: (entry: OutboxEntry) => void;
  /** Numbers (E.164) on the account's opt-out list: SendTextMessage answers ConflictException. */
  optedOutNumbers?: readonly string[];
  port?: number;
  log?: (line: string) => void;
}

export interface LocalEum {
  /** Base URL for AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2. */
  endpoint: string;
  /** The next n SendTextMessage requests fail with this exception (default ThrottlingException). */
  failNext(n: number, type?: string, reason?: string): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'PinpointSMSVoiceV2.';
const E164 = /^\+[1-9]\d{1,14}$/;
/** SendTextMessage's MessageBody limit (characters). */
const MESSAGE_BODY_MAX = 1600;

/** HTTP status of each exception, as the service model declares it. */
const STATUS: Record<string, number> = {
  ThrottlingException: 400,
  ServiceQuotaExceededException: 402,
  ValidationException: 400,
  ConflictException: 409,
  ResourceNotFoundException: 404,
  AccessDeniedException: 400,
  InternalServerException: 500,
};

class EumFault extends Error {
  readonly type: string;
  readonly fields: Record<string, string>;
  constructor(type: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.type = type;
    this.fields = fields;
  }
}

export async function startLocalEum(options: LocalEumOptions): Promise<LocalEum> {
  const log = options.log ?? (() => undefined);
  const optedOut = new Set(options.optedOutNumbers ?? []);
  const injected = { remaining: 0, type: 'ThrottlingException', reason: '' };

  const sendTextMessage = (input: Record<string, unknown>): Record<string, unknown> => {
    if (injected.remaining > 0) {
      injected.remaining -= 1;
      throw new EumFault(
        injected.type,
        `Injected failure (${injected.type})`,
        injected.reason ? { Reason: injected.reason } : {},
      );
    }
    const to = input.DestinationPhoneNumber;
    const body = input.MessageBody;
    if (typeof to !== 'string' || !E164.test(to))
      throw new EumFault('ValidationException', 'DestinationPhoneNumber must be E.164', {
        Reason: 'INVALID_PARAMETER',
      });
    if (typeof body !== 'string' || body === '' || body.length > MESSAGE_BODY_MAX)
      throw new EumFault('ValidationException', `MessageBody must have 1-${MESSAGE_BODY_MAX} characters`, {
        Reason: 'INVALID_PARAMETER',
      });
    if (
      input.MessageType !== undefined &&
      input.MessageType !== 'TRANSACTIONAL' &&
      input.MessageType !== 'PROMOTIONAL'
    )
      throw new EumFault('ValidationException', 'MessageType', { Reason: 'INVALID_PARAMETER' });
    if (optedOut.has(to))
      throw new EumFault('ConflictException', 'The destination phone number is opted out', {
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        ResourceType: 'opt-out-list',
        ResourceId: 'Default',
      });
    const context = contextOf(input.Context);
    const messageId = randomUUID();
    options.record({
      at: new Date().toISOString(),
      kind: 'sms',
      provider: 'end-user-messaging',
      to,
      message: body,
      ...(context.complaintId !== undefined ? { complaintId: context.complaintId } : {}),
      ...(context.event !== undefined ? { event: context.event } : {}),
      ...(context.key !== undefined ? { key: context.key } : {}),
      messageId,
      status: 'sent',
      ...(Object.keys(context).length > 0 ? { attributes: context } : {}),
    });
    return { MessageId: messageId };
  };

  const server = createServer((request, response) => void serve(request, response, sendTextMessage, log));
  const endpoint = await listen(server, options.port);
  return {
    endpoint,
    failNext: (n, type = 'ThrottlingException', reason = '') => {
      injected.remaining = n;
      injected.type = type;
      injected.reason = reason;
    },
    close: () => closeServer(server),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  sendTextMessage: (input: Record<string, unknown>) => Record<string, unknown>,
  log: (line: string) => void,
): Promise<void> {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX))
      throw new EumFault('UnknownOperationException', `unknown target ${target}`);
    const operation = target.slice(TARGET_PREFIX.length);
    if (operation !== 'SendTextMessage')
      throw new EumFault('UnknownOperationException', `${operation} is not served by this stand-in`);
    let input: unknown;
    try {
      input = JSON.parse((await readBody(request)) || '{}');
    } catch {
      throw new EumFault('SerializationException', 'the body is not JSON');
    }
    reply(response, 200, sendTextMessage((input ?? {}) as Record<string, unknown>));
  } catch (error) {
    const fault =
      error instanceof EumFault ? error : new EumFault('InternalServerException', 'Internal server error');
    if (!(error instanceof EumFault)) log(`[end-user-messaging] internal error: ${String(error)}`);
    reply(response, STATUS[fault.type] ?? 400, {
      __type: `com.amazonaws.pinpointsmsvoicev2#${fault.type}`,
      Message: fault.message,
      ...fault.fields,
    });
  }
}

function contextOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}
