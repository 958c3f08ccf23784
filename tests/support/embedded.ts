// Tests drive the embedded stack the way an upstream system does: over HTTP, with real local servers.
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { inject } from 'vitest';
import { eventually } from './eventually.ts';

export { eventually };
import {
  startEmbeddedStack,
  type EmbeddedStack,
  type EmbeddedStackOptions,
} from '../../infra/local/stack.ts';
import type { PrincipalRole } from '#domain/permissions';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Who a test client calls as: a staff user (agent, supervisor, auditor, admin), an upstream system
 * (`intake`, its client id as `user`, optionally with the delegation scope and a named agent), or a
 * principal with no role at all (`none`).
 */
export interface Identity {
  role: PrincipalRole | 'none';
  user: string;
  /** intake only: the delegation scope. */
  delegation?: boolean;
  /** Sent as X-On-Behalf-Of (a delegating client names the agent it acts for). */
  onBehalfOf?: string;
}

/** The default caller of test clients: an upstream intake system (registers, reads its own, relays feedback). */
export const TEST_INTAKE: Identity = { role: 'intake', user: 'test-intake' };

export interface ApiClient {
  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** The same stack as another principal. */
  as(identity: Identity): ApiClient;
}

export interface TestApi extends ApiClient {
  stack: EmbeddedStack;
  url: string;
  /** A bearer token of the stack's issuer for the identity (tests forge others with stack.issuer.mint). */
  tokenFor(identity: Identity): Promise<string>;
  /** Without any Authorization header. */
  anonymous: Pick<ApiClient, 'get' | 'post'>;
  close(): Promise<void>;
}

/** The embedded stack on the TypeScript sources, or in the bundled tier on the deployed bundles. */
export async function startTestApi(options: Partial<EmbeddedStackOptions> = {}): Promise<TestApi> {
  const functionBundles = inject('functionBundles');
  const stack = await startEmbeddedStack({
    port: 0,
    ...(functionBundles ? { functionBundles } : {}),
    ...options,
    // A test's outcome must not depend on the hour it runs at: customer texts go out at once unless the
    // test sets its own window (tests/workflow/quiet-hours.test.ts).
    environment: { CUSTOMER_QUIET_HOURS: 'off', ...options.environment },
  });
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (identity: Identity) => {
    const key = JSON.stringify([identity.role, identity.user, identity.delegation ?? false]);
    let token = tokens.get(key);
    if (!token) {
      token = stack.issuer.mint({
        role: identity.role,
        user: identity.user,
        ...(identity.delegation ? { delegation: true } : {}),
      });
      tokens.set(key, token);
    }
    return token;
  };
  const call = async <T>(method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  const authorized = async (identity: Identity, headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${await tokenFor(identity)}`,
    ...(identity.onBehalfOf ? { 'x-on-behalf-of': identity.onBehalfOf } : {}),
    ...headers,
  });
  const client = (identity: Identity): ApiClient => ({
    post: async (path, body, headers) => call('POST', path, body, await authorized(identity, headers)),
    get: async (path, headers) => call('GET', path, undefined, await authorized(identity, headers)),
    as: client,
  });
  return {
    ...client(TEST_INTAKE),
    stack,
    url: stack.url,
    tokenFor,
    anonymous: {
      post: (path, body, headers = {}) => call('POST', path, body, headers),
      get: (path, headers = {}) => call('GET', path, undefined, headers),
    },
    close: () => stack.close(),
  };
}

/**
 * Resolves once no execution of the named state machines (default: every one of the stack) is running:
 * the end signal for "and nothing more was sent or written", instead of a fixed sleep.
 */
export async function untilNoRunningExecutions(
  stack: EmbeddedStack,
  machines?: readonly string[],
  timeoutMs = 20_000,
): Promise<void> {
  const sfn = new SFNClient({
    endpoint: stack.sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const arns = stateMachines
    .filter((m) => machines === undefined || machines.includes(m.name ?? ''))
    .map((m) => m.stateMachineArn ?? '');
  await eventually(
    async () => {
      for (const stateMachineArn of arns) {
        const running = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }),
        );
        if ((running.executions ?? []).length > 0) return undefined;
      }
      return true;
    },
    timeoutMs,
    `no running executions of ${machines?.join(', ') ?? 'any state machine'}`,
  );
}

/**
 * The customer's link token, read from the link in a text the stack sent for the complaint (the `event`'s,
 * or any), as the customer would find it.
 */
export function textedLinkToken(stack: EmbeddedStack, complaintId: string, event?: string): Promise<string> {
  return eventually(
    () => {
      for (const sent of stack.sns.outbox({ complaintId })) {
        if (sent.status !== 'sent' || sent.kind !== 'sms' || (event && sent.event !== event)) continue;
        const token = /\/([0-9A-Za-z]{10})(?![0-9A-Za-z])/.exec(sent.message)?.[1];
        if (token) return token;
      }
      return undefined;
    },
    15_000,
    `a${event ? ` ${event}` : ''} text with the link`,
  );
}

export const sampleComplaint = (overrides: Record<string, unknown> = {}) => ({
  channel: 'hotline',
  description: '快递寄出五天了还没到，物流信息一直不更新',
  customer: { phone: '13812345678', name: '张三' },
  trackingNumber: 'SF1234567890',
  ...overrides,
});

/**
 * The identity a test signs in as for a person it names: supervisors (`sup…`), the customer (their reply
 * relayed by the intake system that registered the complaint), otherwise an agent of that name.
 */
export function identityOf(person: string): Identity {
  if (person === 'customer') return TEST_INTAKE;
  if (person.startsWith('sup')) return { role: 'supervisor', user: person };
  return { role: 'agent', user: person };
}

/** An action body as the tests write it (`{ action, actor, ... }`): the actor signs in, the rest is sent. */
export function splitActor(body: Record<string, unknown>): { as: Identity; action: Record<string, unknown> } {
  const { actor, ...action } = body;
  if (typeof actor !== 'string') throw new Error('a test action names its actor');
  return { as: identityOf(actor), action };
}

/** POSTs an action written as the tests write it (`{ action, actor, ... }`), signed in as that actor. */
export function postAction<T = Record<string, unknown>>(
  api: Pick<ApiClient, 'as'>,
  complaintId: string,
  body: Record<string, unknown>,
): Promise<ApiResponse<T>> {
  const { as, action } = splitActor(body);
  return api.as(as).post<T>(`/v1/complaints/${complaintId}/actions`, action);
}
