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
import { httpApi, TEST_INTAKE, type ApiResponse, type HttpApi, type Identity } from './http-api.ts';

export { TEST_INTAKE, type ApiResponse, type Identity };

/** The embedded stack and the one test HTTP client (http-api.ts) on it, with tokens of its issuer. */
export interface TestApi extends HttpApi {
  stack: EmbeddedStack;
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
  const client = httpApi(stack.url, {
    mint: (identity) =>
      stack.issuer.mint({
        role: identity.role,
        user: identity.user,
        ...(identity.delegation ? { delegation: true } : {}),
      }),
  });
  return { ...client, stack, close: () => stack.close() };
}

/**
 * Resolves once no execution of the named state machines (default: every one of the stack) is running,
 * or with `namePrefix`, none whose name starts with it (a complaint's id: its workflow and its deliveries):
 * the end signal for "and nothing more was sent or written", instead of a fixed sleep.
 */
export async function untilNoRunningExecutions(
  stack: EmbeddedStack,
  machines?: readonly string[],
  timeoutMs = 20_000,
  namePrefix?: string,
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
        let nextToken: string | undefined;
        do {
          const running = await sfn.send(
            new ListExecutionsCommand({
              stateMachineArn,
              statusFilter: 'RUNNING',
              maxResults: namePrefix === undefined ? 1 : 100,
              ...(nextToken ? { nextToken } : {}),
            }),
          );
          const executions = running.executions ?? [];
          if (executions.some((e) => namePrefix === undefined || (e.name ?? '').startsWith(namePrefix))) {
            return undefined;
          }
          nextToken = namePrefix === undefined ? undefined : running.nextToken;
        } while (nextToken);
      }
      return true;
    },
    timeoutMs,
    `no running executions of ${machines?.join(', ') ?? 'any state machine'}${namePrefix ? ` named ${namePrefix}…` : ''}`,
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
  api: Pick<HttpApi, 'as'>,
  complaintId: string,
  body: Record<string, unknown>,
): Promise<ApiResponse<T>> {
  const { as, action } = splitActor(body);
  return api.as(as).post<T>(`/v1/complaints/${complaintId}/actions`, action);
}
