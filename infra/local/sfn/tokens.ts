// Task tokens for callback (.waitForTaskToken) tasks. The engine has one context object per execution, so
// it cannot tell two callbacks apart; the server mints a fresh unguessable token per task invocation here.
// Tokens are signed, which lets a token that is no longer waiting (timed out, answered, execution over)
// be told apart from one that was never issued without remembering every token ever minted.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface PendingTask {
  readonly token: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** Epoch ms after which the engine has timed the task out; undefined = never. */
  readonly deadline: number | undefined;
  /** Settles when the task is answered, fails, or its execution ends. */
  readonly result: Promise<unknown>;
}

interface PendingEntry extends PendingTask {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** live: waiting now; gone: issued here but no longer waiting; invalid: never issued by this server. */
export type TokenState = { kind: 'live'; task: PendingTask } | { kind: 'gone' } | { kind: 'invalid' };

export class TaskTokens {
  readonly #secret: Buffer;
  readonly #pending = new Map<string, PendingEntry>();
  readonly #byExecution = new Map<string, Set<string>>();

  /** `secret` signs the tokens: a restarted endpoint that keeps it still accepts the tokens it issued. */
  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  /** Issues a token for one task invocation; its result settles through succeed/fail/retire. */
  mint(executionArn: string, stateName: string, deadline: number | undefined): PendingTask {
    this.#dropExpired(executionArn);
    const nonce = randomBytes(24).toString('base64url');
    return this.#add(`${nonce}.${this.#sign(nonce)}`, executionArn, stateName, deadline);
  }

  /**
   * Waits again on a token issued before a restart (its task was waiting when the process stopped).
   * @returns undefined when the token was not signed with this secret.
   */
  adopt(
    token: string,
    executionArn: string,
    stateName: string,
    deadline: number | undefined,
  ): PendingTask | undefined {
    if (!this.#isOurs(token)) return undefined;
    return this.#add(token, executionArn, stateName, deadline);
  }

  #add(token: string, executionArn: string, stateName: string, deadline: number | undefined): PendingTask {
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const result = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be listening any more (the engine stopped waiting at the timeout); never crash on that.
    result.catch(() => undefined);
    this.#pending.set(token, { token, executionArn, stateName, deadline, result, resolve, reject });
    const tokens = this.#byExecution.get(executionArn) ?? new Set<string>();
    tokens.add(token);
    this.#byExecution.set(executionArn, tokens);
    return this.#pending.get(token)!;
  }

  lookup(token: string): TokenState {
    const entry = this.#pending.get(token);
    if (entry && !isExpired(entry)) return { kind: 'live', task: entry };
    if (entry) this.#forget(entry);
    return this.#isOurs(token) ? { kind: 'gone' } : { kind: 'invalid' };
  }

  succeed(token: string, output: unknown): TokenState {
    const state = this.lookup(token);
    if (state.kind === 'live') this.#settle(token, (entry) => entry.resolve(output));
    return state;
  }

  fail(token: string, error: Error): TokenState {
    const state = this.lookup(token);
    if (state.kind === 'live') this.#settle(token, (entry) => entry.reject(error));
    return state;
  }

  /** The task's deadline passed: it fails with `error` (the engine's States.Timeout) if it still waits. */
  expire(token: string, error: Error): void {
    this.#settle(token, (entry) => entry.reject(error));
  }

  /** Ends every task still waiting in the execution (it stopped or finished): their tokens go stale. */
  retire(executionArn: string, reason: Error): void {
    for (const token of this.#byExecution.get(executionArn) ?? []) {
      this.#settle(token, (entry) => entry.reject(reason));
    }
    this.#byExecution.delete(executionArn);
  }

  /** Tasks waiting now, over all executions. */
  get size(): number {
    return this.#pending.size;
  }

  #settle(token: string, settle: (entry: PendingEntry) => void): void {
    const entry = this.#pending.get(token);
    if (!entry) return;
    this.#forget(entry);
    settle(entry);
  }

  #forget(entry: PendingEntry): void {
    this.#pending.delete(entry.token);
    const tokens = this.#byExecution.get(entry.executionArn);
    tokens?.delete(entry.token);
    if (tokens?.size === 0) this.#byExecution.delete(entry.executionArn);
  }

  /** Timed-out tokens are dropped lazily (no timer per token): a looping execution must not pile them up. */
  #dropExpired(executionArn: string): void {
    for (const token of this.#byExecution.get(executionArn) ?? []) {
      const entry = this.#pending.get(token);
      if (entry && isExpired(entry)) this.#forget(entry);
    }
  }

  #sign(nonce: string): string {
    return createHmac('sha256', this.#secret).update(nonce).digest('base64url');
  }

  #isOurs(token: string): boolean {
    const [nonce, signature, ...rest] = token.split('.');
    if (!nonce || !signature || rest.length > 0) return false;
    const expected = Buffer.from(this.#sign(nonce));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function isExpired(entry: PendingEntry): boolean {
  return entry.deadline !== undefined && Date.now() >= entry.deadline;
}
