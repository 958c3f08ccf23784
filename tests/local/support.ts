// Helpers for the tests of the local AWS stand-ins: names of fixtures and fake ARNs, SDK clients that
// talk to a local endpoint, and polling for things that happen asynchronously.
import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { eventually } from '../support/eventually.ts';

export const region = 'us-east-1';
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const stateMachineArn = (name: string) => `arn:aws:states:${region}:123456789012:stateMachine:${name}`;
export const functionArn = (name: string) => `arn:aws:lambda:${region}:123456789012:function:${name}`;

export function fixture(name: string): object {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.asl.json`, import.meta.url), 'utf8')) as object;
}

/** The execution once it is no longer RUNNING. */
export function finished(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 5_000,
): Promise<DescribeExecutionCommandOutput> {
  return eventually(
    async () => {
      const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    },
    timeoutMs,
    `execution ${executionArn} to end`,
    10,
  );
}

/** A Lambda handler that records the payloads it is called with (callback tasks hand their token over). */
export class Inbox<T = Record<string, unknown>> {
  readonly payloads: T[] = [];
  readonly handler = async (payload: unknown): Promise<void> => {
    this.payloads.push(payload as T);
  };

  /** The n-th payload (0-based), once it has arrived. */
  nth(index: number): Promise<T> {
    return eventually(() => this.payloads[index], 5_000, `payload ${index}`, 10);
  }
}

/** What the promise rejected with (undefined if it fulfilled): lets Act collect failures for Assess. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
