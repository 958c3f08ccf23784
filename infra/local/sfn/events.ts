// What EventBridge does for Step Functions on AWS, in the small: every execution status change becomes an
// "Execution Status Change" event (the same shape AWS sends), matched against rules (source, detail-type,
// state machine, statuses) and delivered to each rule's target, retried with backoff, and logged as
// dead-lettered when every attempt failed (on AWS: the rule target's SQS dead-letter queue).
import { randomUUID } from 'node:crypto';
import type { ExecutionRecord } from './executions.ts';

export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionRecord['status'];
    /** Epoch milliseconds, as AWS sends them. */
    startDate: number;
    stopDate: number | null;
    input: string;
    inputDetails: { included: boolean };
    output: string | null;
    outputDetails: { included: boolean } | null;
    error: string | null;
    cause: string | null;
  };
}

/** A rule as EventBridge matches it: every listed field must hold one of the listed values. */
export interface LocalEventRule {
  name: string;
  pattern: {
    source: readonly string[];
    detailType: readonly string[];
    stateMachineArns?: readonly string[];
    statuses?: readonly string[];
  };
  target: (event: ExecutionStatusChangeEvent) => Promise<unknown>;
  /** Delivery attempts before the event is dead-lettered (default 3). */
  attempts?: number;
}

export interface EventDispatchOptions {
  rules: readonly LocalEventRule[];
  log?: (line: string) => void;
  /** Delay before the second attempt; doubles each time (default 200 ms). */
  retryDelayMs?: number;
}

export class LocalEventDispatch {
  readonly #options: EventDispatchOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #open = true;

  constructor(options: EventDispatchOptions) {
    this.#options = options;
  }

  /** Publishes the status change of an execution to every matching rule (asynchronously, as AWS does). */
  publish(record: ExecutionRecord): void {
    if (!this.#open) return;
    const event = statusChangeEvent(record);
    for (const rule of this.#options.rules) {
      if (!matches(rule, event)) continue;
      const delivery = this.#deliver(rule, event).finally(() => this.#inFlight.delete(delivery));
      this.#inFlight.add(delivery);
    }
  }

  /** Stops publishing (the stack is closing: executions aborted now are not incidents) and drains. */
  async close(): Promise<void> {
    this.#open = false;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #deliver(rule: LocalEventRule, event: ExecutionStatusChangeEvent): Promise<void> {
    const log = this.#options.log ?? (() => undefined);
    const attempts = rule.attempts ?? 3;
    let delay = this.#options.retryDelayMs ?? 200;
    // Off the caller's stack: the execution that changed status must not wait for its own event.
    await new Promise((resolve) => setImmediate(resolve));
    for (let attempt = 1; this.#open; attempt++) {
      try {
        await rule.target(event);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          log(
            `[events] ${rule.name}: dead-lettered ${event.detail.name} ${event.detail.status}: ${error instanceof Error ? error.name : String(error)}`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }
}

function matches(rule: LocalEventRule, event: ExecutionStatusChangeEvent): boolean {
  const { pattern } = rule;
  return (
    pattern.source.includes(event.source) &&
    pattern.detailType.includes(event['detail-type']) &&
    (!pattern.stateMachineArns || pattern.stateMachineArns.includes(event.detail.stateMachineArn)) &&
    (!pattern.statuses || pattern.statuses.includes(event.detail.status))
  );
}

export function statusChangeEvent(record: ExecutionRecord): ExecutionStatusChangeEvent {
  const [, , , region = '', account = ''] = record.executionArn.split(':');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date().toISOString(),
    region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.getTime(),
      stopDate: record.stopDate ? record.stopDate.getTime() : null,
      input: record.input,
      inputDetails: { included: true },
      output: record.output ?? null,
      outputDetails: record.output === undefined ? null : { included: true },
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}
