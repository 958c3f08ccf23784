// A local Amazon SNS endpoint (AWS Query protocol: form-encoded `Action=Publish&...`, XML replies) that
// delivers nothing: every published message lands in an outbox (JSON lines at outboxPath, reloaded at
// start) and is echoed through `log`. Handlers reach it only through AWS_ENDPOINT_URL_SNS.
// Topic subscriptions are honoured as SNS does: a message published to a topic is also recorded once per
// subscription whose filter policy matches its message attributes (kind `alert`, to the subscriber), so
// the outbox shows who got which staff alert.
import { randomUUID } from 'node:crypto';
import { LINK_TOKEN_LENGTH } from '#domain/link-token';
import { maskPhone, maskPhonesIn } from '#domain/masking';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { closeServer, listen, readBody } from '../shared/http-util.ts';
import { forgetOutboxCleanStop, readOutboxFile, recordOutboxCleanStop } from './outbox-file.ts';

export type OutboxKind = 'sms' | 'push' | 'topic' | 'alert' | 'unknown';

export interface OutboxEntry {
  /** ISO time the message was accepted (or dead-lettered). */
  at: string;
  kind: OutboxKind;
  /** Phone number, endpoint ARN, topic ARN, or (alert) the subscriber's endpoint. */
  to: string;
  /** alert: the topic it came through and the subscription that matched. */
  topicArn?: string;
  subscriptionArn?: string;
  /** The text; for MessageStructure=json the `default` text. */
  message: string;
  /** For MessageStructure=json: the per-platform texts as sent. */
  structured?: Record<string, unknown>;
  subject?: string;
  /** From the String message attributes of the same names, when present. */
  complaintId?: string;
  event?: string;
  key?: string;
  messageId: string;
  status: 'sent' | 'failed';
  /** Why a message was dead-lettered. */
  reason?: string;
  /** All String message attributes as sent. */
  attributes?: Record<string, string>;
  /** Which provider's stand-in took the message (absent: SNS). */
  provider?: 'end-user-messaging' | 'aliyun';
  /** A registered template's code and parameters, when the provider sends templates (the text is filled). */
  template?: { code: string; params: Record<string, string> };
}

export interface LocalSnsOptions {
  /** JSON lines file; in memory when absent. */
  outboxPath?: string;
  /** JSON file holding topic subscriptions across restarts; in memory when absent. */
  subscriptionsPath?: string;
  /** 0 or absent: a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Numbers (E.164) that opted out of SMS: Publish to them fails with OptedOut. */
  optedOutNumbers?: readonly string[];
  /** Source of randomness for setFailureRate (tests pass a deterministic one). */
  random?: () => number;
  /** The topics that exist (on AWS: created by the deployment); a Publish to any other answers NotFound. */
  topics?: readonly string[];
  /**
   * Publish requests per second the account may send (LOCAL_SNS_MAX_RATE), as SNS's SMS rate quota: above it
   * Publish answers Throttled (HTTP 429). Absent or 0: no limit.
   */
  maxRate?: number;
}

export interface LocalSns {
  /** Base URL for AWS_ENDPOINT_URL_SNS. */
  endpoint: string;
  outbox(filter?: { complaintId?: string }): OutboxEntry[];
  /** Topic subscriptions as they stand. */
  subscriptions(): LocalSubscription[];
  /** Records that delivery of the message `key` of a complaint was given up (dead letter). */
  markFailed(
    complaintId: string,
    key: string,
    reason: string,
    details?: Partial<Pick<OutboxEntry, 'kind' | 'to' | 'message' | 'event'>>,
  ): OutboxEntry;
  /** Appends a message another provider's stand-in accepted to the same outbox (and echoes it). */
  record(entry: OutboxEntry): void;
  /** The next n Publish requests fail with this AWS error code (default InternalError). */
  failNext(n: number, code?: string): void;
  /** Each Publish fails with this probability (0 turns it off). */
  setFailureRate(rate: number, code?: string): void;
  /** Publish requests per second before Throttled (0: no limit). */
  setMaxRate(perSecond: number): void;
  /** Publish requests answered Throttled so far. */
  throttledCount(): number;
  close(): Promise<void>;
}

/** SNS error codes the SDK maps to named exceptions, with their HTTP status and fault side. */
const FAULTS: Record<string, { status: number; type: 'Sender' | 'Receiver' }> = {
  InternalError: { status: 500, type: 'Receiver' },
  Throttled: { status: 429, type: 'Sender' },
  Throttling: { status: 400, type: 'Sender' },
  ServiceUnavailable: { status: 503, type: 'Receiver' },
  InvalidParameter: { status: 400, type: 'Sender' },
  OptedOut: { status: 400, type: 'Sender' },
  EndpointDisabled: { status: 400, type: 'Sender' },
  NotFound: { status: 404, type: 'Sender' },
};

const E164 = /^\+[1-9]\d{1,14}$/;
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

class SnsFault extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export async function startLocalSns(options: LocalSnsOptions = {}): Promise<LocalSns> {
  const log = options.log ?? (() => undefined);
  const random = options.random ?? Math.random;
  const optedOut = new Set(options.optedOutNumbers ?? []);
  const topics = [...new Set(options.topics ?? [])];
  const outbox = new Outbox(options.outboxPath);
  const injected = { remaining: 0, nextCode: 'InternalError', rate: 0, rateCode: 'InternalError' };
  const limiter = new RateLimiter(options.maxRate ?? 0);

  const injectedFault = (): SnsFault | undefined => {
    if (injected.remaining > 0) {
      injected.remaining -= 1;
      return new SnsFault(injected.nextCode, `Injected failure (${injected.nextCode})`);
    }
    if (injected.rate > 0 && random() < injected.rate) {
      return new SnsFault(injected.rateCode, `Injected failure (${injected.rateCode})`);
    }
    return undefined;
  };

  const subscriptions = new Subscriptions(options.subscriptionsPath);

  const publish = (params: URLSearchParams): string => {
    if (!limiter.take()) throw new SnsFault('Throttled', 'Rate exceeded');
    const fault = injectedFault();
    if (fault) throw fault;
    const topicArn = params.get('TopicArn');
    if (topicArn && !topics.includes(topicArn)) throw new SnsFault('NotFound', 'Topic does not exist');
    const entry = publishedEntry(params, optedOut);
    outbox.append(entry);
    log(describe(entry));
    if (entry.kind === 'topic') {
      for (const subscription of subscriptions.matching(entry.to, entry.attributes ?? {})) {
        const delivered: OutboxEntry = {
          ...entry,
          kind: 'alert',
          to: subscription.endpoint,
          topicArn: entry.to,
          subscriptionArn: subscription.arn,
          messageId: randomUUID(),
        };
        outbox.append(delivered);
        log(describe(delivered));
      }
    }
    return `<PublishResult><MessageId>${entry.messageId}</MessageId></PublishResult>`;
  };

  const checkOptOut = (params: URLSearchParams): string => {
    const phone = params.get('phoneNumber') ?? '';
    return `<CheckIfPhoneNumberIsOptedOutResult><isOptedOut>${optedOut.has(phone)}</isOptedOut></CheckIfPhoneNumberIsOptedOutResult>`;
  };

  const actions: Record<string, (params: URLSearchParams) => string> = {
    Publish: publish,
    CheckIfPhoneNumberIsOptedOut: checkOptOut,
    Subscribe: (params) => {
      const arn = subscriptions.subscribe(params);
      return `<SubscribeResult><SubscriptionArn>${escapeXml(arn)}</SubscriptionArn></SubscribeResult>`;
    },
    SetSubscriptionAttributes: (params) => {
      subscriptions.setAttribute(params);
      return '';
    },
    Unsubscribe: (params) => {
      subscriptions.unsubscribe(params.get('SubscriptionArn') ?? '');
      return '';
    },
    ListSubscriptionsByTopic: (params) => {
      const members = subscriptions
        .list()
        .filter((s) => s.topicArn === params.get('TopicArn'))
        .map(
          (s) =>
            `<member><TopicArn>${escapeXml(s.topicArn)}</TopicArn><Protocol>${s.protocol}</Protocol>` +
            `<SubscriptionArn>${escapeXml(s.arn)}</SubscriptionArn><Owner>000000000000</Owner>` +
            `<Endpoint>${escapeXml(s.endpoint)}</Endpoint></member>`,
        )
        .join('');
      return `<ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions></ListSubscriptionsByTopicResult>`;
    },
    ListTopics: (params) => listTopics(topics, params),
    GetTopicAttributes: (params) => topicAttributes(topics, params),
  };
  const server = createServer((request, response) => void serve(actions, request, response, log));
  const endpoint = await listen(server, options.port);

  return {
    endpoint,
    outbox: (filter) => outbox.list(filter?.complaintId),
    record: (entry) => {
      outbox.append(entry);
      log(describe(entry));
    },
    subscriptions: () => subscriptions.list(),
    markFailed: (complaintId, key, reason, details = {}) => {
      const entry: OutboxEntry = {
        at: new Date().toISOString(),
        kind: details.kind ?? 'unknown',
        to: details.to ?? '',
        message: details.message ?? '',
        complaintId,
        key,
        ...(details.event !== undefined && { event: details.event }),
        messageId: randomUUID(),
        status: 'failed',
        reason,
      };
      outbox.append(entry);
      log(describe(entry));
      return entry;
    },
    failNext: (n, code = 'InternalError') => {
      injected.remaining = n;
      injected.nextCode = code;
    },
    setFailureRate: (rate, code = 'InternalError') => {
      injected.rate = rate;
      injected.rateCode = code;
    },
    setMaxRate: (perSecond) => limiter.setRate(perSecond),
    throttledCount: () => limiter.refused,
    close: async () => {
      await closeServer(server);
      outbox.recordCleanStop();
    },
  };
}

async function serve(
  actions: Record<string, (params: URLSearchParams) => string>,
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const params = new URLSearchParams(await readBody(request));
    const action = params.get('Action') ?? '';
    const handle = actions[action];
    if (!handle) throw new SnsFault('InvalidAction', `Could not find operation ${action}`);
    const result = handle(params);
    reply(
      response,
      200,
      `<${action}Response xmlns="${XMLNS}">${result}${metadata(requestId)}</${action}Response>`,
    );
  } catch (error) {
    const fault = error instanceof SnsFault ? error : new SnsFault('InternalError', 'Internal error');
    if (!(error instanceof SnsFault))
      log(`[sns] internal error: ${error instanceof Error ? error.message : String(error)}`);
    const { status, type } = FAULTS[fault.code] ?? { status: 400, type: 'Sender' };
    reply(
      response,
      status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(fault.code)}</Code>` +
        `<Message>${escapeXml(fault.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

const TOPICS_PER_PAGE = 100;

/** ListTopics: 100 a page, NextToken the offset of the next one, as opaque to callers as AWS's. */
function listTopics(topics: readonly string[], params: URLSearchParams): string {
  const token = params.get('NextToken');
  const offset = token ? Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new SnsFault('InvalidParameter', 'Invalid parameter: NextToken');
  }
  const end = offset + TOPICS_PER_PAGE;
  const members = topics
    .slice(offset, end)
    .map((arn) => `<member><TopicArn>${escapeXml(arn)}</TopicArn></member>`)
    .join('');
  const next =
    end < topics.length ? `<NextToken>${Buffer.from(String(end)).toString('base64url')}</NextToken>` : '';
  return `<ListTopicsResult><Topics>${members}</Topics>${next}</ListTopicsResult>`;
}

/** GetTopicAttributes of an existing topic: no subscriptions here, messages go to the outbox instead. */
function topicAttributes(topics: readonly string[], params: URLSearchParams): string {
  const arn = params.get('TopicArn') ?? '';
  if (arn === '') throw new SnsFault('InvalidParameter', 'Invalid parameter: TopicArn');
  if (!topics.includes(arn)) throw new SnsFault('NotFound', 'Topic does not exist');
  const attributes: Record<string, string> = {
    TopicArn: arn,
    Owner: arn.split(':')[4] ?? '',
    DisplayName: '',
    SubscriptionsConfirmed: '0',
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
  };
  const entries = Object.entries(attributes)
    .map(([key, value]) => `<entry><key>${key}</key><value>${escapeXml(value)}</value></entry>`)
    .join('');
  return `<GetTopicAttributesResult><Attributes>${entries}</Attributes></GetTopicAttributesResult>`;
}

function reply(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

function metadata(requestId: string): string {
  return `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
}

/** Validates a Publish request the way SNS does (one target, a message) and turns it into an outbox entry. */
function publishedEntry(params: URLSearchParams, optedOut: ReadonlySet<string>): OutboxEntry {
  const phone = params.get('PhoneNumber');
  const targetArn = params.get('TargetArn');
  const topicArn = params.get('TopicArn');
  const targets = [phone, targetArn, topicArn].filter((target) => target);
  if (targets.length !== 1) {
    throw new SnsFault(
      'InvalidParameter',
      'Invalid parameter: exactly one of TopicArn, TargetArn or PhoneNumber is required',
    );
  }
  const raw = params.get('Message') ?? '';
  if (raw === '') throw new SnsFault('InvalidParameter', 'Invalid parameter: Empty message');
  if (phone && !E164.test(phone)) {
    throw new SnsFault(
      'InvalidParameter',
      `Invalid parameter: PhoneNumber Reason: ${phone} is not valid to publish to`,
    );
  }
  // Real SNS accepts the call and drops the SMS later; answering OptedOut lets callers see it at once.
  if (phone && optedOut.has(phone))
    throw new SnsFault('OptedOut', `Phone number ${phone} has opted out of SMS`);
  const attributes = messageAttributes(params);
  const subject = params.get('Subject');
  return {
    at: new Date().toISOString(),
    kind: phone ? 'sms' : targetArn ? 'push' : 'topic',
    to: (phone ?? targetArn ?? topicArn)!,
    ...(params.get('MessageStructure') === 'json' ? structuredMessage(raw) : { message: raw }),
    ...(subject && { subject }),
    ...(attributes.complaintId !== undefined && { complaintId: attributes.complaintId }),
    ...(attributes.event !== undefined && { event: attributes.event }),
    ...(attributes.key !== undefined && { key: attributes.key }),
    messageId: randomUUID(),
    status: 'sent',
    ...(Object.keys(attributes).length > 0 && { attributes }),
  };
}

/** MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue (String and Number kept). */
function messageAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const value = params.get(`${prefix}.Value.StringValue`);
    if (value !== null) attributes[params.get(`${prefix}.Name`)!] = value;
  }
  return attributes;
}

/** MessageStructure=json carries one text per platform and a mandatory `default`. */
function structuredMessage(raw: string): { message: string; structured: Record<string, unknown> } {
  let structured: unknown;
  try {
    structured = JSON.parse(raw);
  } catch {
    throw new SnsFault(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  const text = (structured as { default?: unknown } | null)?.default;
  if (typeof text !== 'string') {
    throw new SnsFault(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
  return { message: text, structured: structured as Record<string, unknown> };
}

function describe(entry: OutboxEntry): string {
  const about = [entry.complaintId && `complaint ${entry.complaintId}`, entry.event, entry.key]
    .filter(Boolean)
    .join(', ');
  const via = entry.provider ?? 'sns';
  const head =
    entry.status === 'failed' ? `[${via}] FAILED ${entry.kind}` : `[${via}] ${entry.kind.toUpperCase()}`;
  const subject = entry.subject ? ` "${entry.subject}"` : '';
  const tail = entry.status === 'failed' ? ` (${entry.reason})` : '';
  // The console is a log: a customer's number appears masked, as everywhere else (the outbox keeps it), and
  // so does a staff member's who gets alerts by SMS.
  const to =
    entry.kind === 'sms' && entry.to
      ? maskPhone(entry.to)
      : entry.kind === 'alert' && entry.to
        ? maskPhonesIn(entry.to)
        : entry.to || '?';
  const message = maskLinkTokens(entry.message.replace(/\s+/g, ' '));
  return `${head} -> ${to}${about ? ` [${about}]` : ''}${subject}: ${message}${tail}`;
}

/**
 * A link in a text carries the customer's token, their only credential: the console shows it masked. The
 * token is always the link's last path segment (`${PUBLIC_BASE_URL}/${token}`), so a word of that length
 * further up a path (`/v1/complaints/01M8...` in a staff alert) is an address, not a credential: it stays.
 */
const LINK_TOKEN_IN_URL = new RegExp(
  `(https?://\\S*?/)[0-9A-Za-z]{${LINK_TOKEN_LENGTH}}(?![0-9A-Za-z/_~%-]|\\.[0-9A-Za-z])`,
  'g',
);

export function maskLinkTokens(text: string): string {
  return text.replace(LINK_TOKEN_IN_URL, `$1${'*'.repeat(LINK_TOKEN_LENGTH)}`);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Entries in memory, indexed by complaint, and appended to a JSON lines file when there is one. */
class Outbox {
  readonly #path: string | undefined;
  readonly #entries: OutboxEntry[] = [];
  readonly #byComplaint = new Map<string, OutboxEntry[]>();

  constructor(path: string | undefined) {
    this.#path = path;
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    // A damaged file stops the start (OutboxDamaged): skipping lines would lose records without a word.
    for (const entry of readOutboxFile<OutboxEntry>(path)) this.#index(entry);
    forgetOutboxCleanStop(path);
    // Texts carry link tokens and phone numbers: only the owner may read the file (tightened if it exists).
    if (existsSync(path)) chmodSync(path, 0o600);
    else writeFileSync(path, '', { mode: 0o600 });
  }

  /** After the server closed, so nothing appends any more. */
  recordCleanStop(): void {
    if (this.#path) recordOutboxCleanStop(this.#path, this.#entries.length);
  }

  append(entry: OutboxEntry): void {
    // Synchronous on purpose: an entry acknowledged to the caller is on disk before the reply goes out.
    if (this.#path) appendFileSync(this.#path, `${JSON.stringify(entry)}\n`);
    this.#index(entry);
  }

  list(complaintId?: string): OutboxEntry[] {
    return complaintId === undefined ? [...this.#entries] : [...(this.#byComplaint.get(complaintId) ?? [])];
  }

  #index(entry: OutboxEntry): void {
    this.#entries.push(entry);
    if (entry.complaintId === undefined) return;
    const entries = this.#byComplaint.get(entry.complaintId) ?? [];
    entries.push(entry);
    this.#byComplaint.set(entry.complaintId, entries);
  }
}

// ---- subscriptions -------------------------------------------------------------------------------------

export interface LocalSubscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** The FilterPolicy attribute as given (JSON), applied to message attributes. */
  filterPolicy?: string;
}

const SUBSCRIPTION_PROTOCOLS = new Set(['email', 'email-json', 'sms', 'https', 'http', 'sqs', 'lambda']);

/** Topic subscriptions, kept in a JSON file when there is one so they outlive a restart like SNS's do. */
class Subscriptions {
  readonly #path: string | undefined;
  #items: LocalSubscription[] = [];

  constructor(path: string | undefined) {
    this.#path = path;
    if (path && existsSync(path)) {
      try {
        this.#items = JSON.parse(readFileSync(path, 'utf8')) as LocalSubscription[];
      } catch {
        this.#items = [];
      }
    }
  }

  list(): LocalSubscription[] {
    return this.#items.map((s) => ({ ...s }));
  }

  subscribe(params: URLSearchParams): string {
    const topicArn = params.get('TopicArn') ?? '';
    const protocol = params.get('Protocol') ?? '';
    const endpoint = params.get('Endpoint') ?? '';
    if (!topicArn.startsWith('arn:')) throw new SnsFault('InvalidParameter', 'Invalid parameter: TopicArn');
    if (!SUBSCRIPTION_PROTOCOLS.has(protocol))
      throw new SnsFault('InvalidParameter', `Invalid parameter: Protocol ${protocol}`);
    if (endpoint === '') throw new SnsFault('InvalidParameter', 'Invalid parameter: Endpoint');
    const attributes = mapEntries(params, 'Attributes');
    const filterPolicy = attributes.FilterPolicy;
    if (filterPolicy !== undefined) parseFilterPolicy(filterPolicy);
    const existing = this.#items.find(
      (s) => s.topicArn === topicArn && s.protocol === protocol && s.endpoint === endpoint,
    );
    if (existing) {
      // SNS: the same subscription again answers its ARN; other attributes are an error.
      if ((existing.filterPolicy ?? '') !== (filterPolicy ?? '')) {
        throw new SnsFault(
          'InvalidParameter',
          'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
        );
      }
      return existing.arn;
    }
    const arn = `${topicArn}:${randomUUID()}`;
    this.#items.push({
      arn,
      topicArn,
      protocol,
      endpoint,
      ...(filterPolicy !== undefined ? { filterPolicy } : {}),
    });
    this.#save();
    return arn;
  }

  setAttribute(params: URLSearchParams): void {
    const subscription = this.#find(params.get('SubscriptionArn') ?? '');
    const name = params.get('AttributeName');
    const value = params.get('AttributeValue') ?? '';
    if (name !== 'FilterPolicy')
      throw new SnsFault('InvalidParameter', `Invalid parameter: AttributeName ${name}`);
    parseFilterPolicy(value);
    subscription.filterPolicy = value;
    this.#save();
  }

  unsubscribe(arn: string): void {
    this.#find(arn);
    this.#items = this.#items.filter((s) => s.arn !== arn);
    this.#save();
  }

  matching(topicArn: string, attributes: Record<string, string>): LocalSubscription[] {
    return this.#items.filter(
      (s) =>
        s.topicArn === topicArn &&
        (s.filterPolicy === undefined || policyMatches(parseFilterPolicy(s.filterPolicy), attributes)),
    );
  }

  #find(arn: string): LocalSubscription {
    const found = this.#items.find((s) => s.arn === arn);
    if (!found) throw new SnsFault('NotFound', 'Subscription does not exist');
    return found;
  }

  #save(): void {
    if (!this.#path) return;
    mkdirSync(dirname(this.#path), { recursive: true });
    writeFileSync(this.#path, JSON.stringify(this.#items));
  }
}

/** Attributes.entry.N.key / .value (the Query protocol's map encoding). */
function mapEntries(params: URLSearchParams, name: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let n = 1; params.has(`${name}.entry.${n}.key`); n++) {
    entries[params.get(`${name}.entry.${n}.key`)!] = params.get(`${name}.entry.${n}.value`) ?? '';
  }
  return entries;
}

type Matcher =
  string | number | { prefix: string } | { exists: boolean } | { 'anything-but': string | string[] };
type FilterPolicy = Record<string, Matcher[]>;

/**
 * The subset of SNS filter policies (on message attributes) the stand-in evaluates: exact strings and
 * numbers, prefix, exists and anything-but. Anything else is refused, so a policy is never silently ignored.
 */
export function parseFilterPolicy(text: string): FilterPolicy {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw new SnsFault('InvalidParameter', 'Invalid parameter: FilterPolicy: not JSON');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy))
    throw new SnsFault('InvalidParameter', 'Invalid parameter: FilterPolicy: must be an object');
  for (const [key, matchers] of Object.entries(policy)) {
    const valid =
      Array.isArray(matchers) &&
      matchers.every(
        (m) =>
          typeof m === 'string' ||
          typeof m === 'number' ||
          (typeof m === 'object' &&
            m !== null &&
            Object.keys(m).length === 1 &&
            ['prefix', 'exists', 'anything-but'].includes(Object.keys(m)[0]!)),
      );
    if (!valid)
      throw new SnsFault(
        'InvalidParameter',
        `Invalid parameter: FilterPolicy: unsupported matcher for ${key}`,
      );
  }
  return policy as FilterPolicy;
}

export function policyMatches(policy: FilterPolicy, attributes: Record<string, string>): boolean {
  return Object.entries(policy).every(([key, matchers]) => {
    const value = attributes[key];
    return matchers.some((m) => {
      if (typeof m === 'string') return value === m;
      if (typeof m === 'number') return value !== undefined && Number(value) === m;
      if ('exists' in m) return (value !== undefined) === m.exists;
      if (value === undefined) return false;
      if ('prefix' in m) return value.startsWith(m.prefix);
      const excluded = [m['anything-but']].flat();
      return !excluded.includes(value);
    });
  });
}

/**
 * At most `rate` requests in any rolling second (the accepted ones' instants are kept): the local stand-in
 * for the account's SMS rate quota. A refused request does not count.
 */
class RateLimiter {
  #rate: number;
  readonly #accepted: number[] = [];
  refused = 0;

  constructor(rate: number) {
    this.#rate = rate;
  }

  setRate(rate: number): void {
    this.#rate = rate;
  }

  take(): boolean {
    if (!(this.#rate > 0)) return true;
    const now = performance.now();
    while (this.#accepted.length > 0 && now - this.#accepted[0]! >= 1000) this.#accepted.shift();
    if (this.#accepted.length < this.#rate) {
      this.#accepted.push(now);
      return true;
    }
    this.refused++;
    return false;
  }
}
