// Turns each Task state into an engine override that does what the AWS integration would: call a local
// Lambda handler (lambda:invoke, plain function ARNs), a local service handler (sqs:sendMessage, ...), or
// for .waitForTaskToken mint a token, hand it over and wait for SendTaskSuccess / SendTaskFailure.
import type { RunOptions } from 'aws-local-stepfunctions';
import { JSONPath } from 'jsonpath-plus';
import { ENGINE_MAX_TIMEOUT_SECONDS, type TaskStateDefinition } from './definition.ts';
import { statesRuntimeError } from './errors.ts';
import type { PendingTask, TaskTokens } from './tokens.ts';

export type LambdaHandler = (payload: unknown) => Promise<unknown> | unknown;
export type ServiceHandler = (parameters: unknown) => Promise<unknown> | unknown;

export type TaskOverrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type TaskOverride = TaskOverrides[string];
type EngineJson = Awaited<ReturnType<TaskOverride>>;

export interface TaskRuntime {
  /** By function ARN (a bare function name or a qualified ARN also finds it). */
  lambdaHandlers: Readonly<Record<string, LambdaHandler>>;
  /** By resource ARN without the .waitForTaskToken suffix, e.g. arn:aws:states:::sqs:sendMessage (any partition). */
  serviceHandlers: Readonly<Record<string, ServiceHandler>>;
  /** Reserved concurrency by function ARN (a bare name or qualified ARN also finds it). */
  lambdaConcurrency: Readonly<Record<string, number>>;
  /** Invocations in flight, refused and the peak, by the function's name (filled as they run). */
  lambdaLoad: Map<string, { running: number; throttled: number; peak: number }>;
  tokens: TaskTokens;
  log: (line: string) => void;
}

/** What a task needs to know about the execution it runs in. */
export interface ExecutionScope {
  executionArn: string;
  /** The value `$$.Task.Token` resolves to in this execution; replaced by a minted token per task. */
  tokenPlaceholder: string;
  context: object;
  isRunning(): boolean;
  /**
   * The callback task was handed its token: wait for the answer, or for the deadline. The execution may
   * stop its engine run here and wait outside it (see LocalExecutions); either way the promise settles
   * as the task does.
   */
  park(stateName: string, pending: PendingTask): Promise<unknown>;
}

const CALLBACK_SUFFIX = '.waitForTaskToken';

/** `arn:<partition>:states:::lambda:invoke` -> `lambda:invoke`: integrations are the same in every partition. */
function integrationOf(resource: string): string | undefined {
  return /^arn:aws[a-z-]*:states:::(.+)$/.exec(resource)?.[1];
}

export function taskOverrides(
  tasks: ReadonlyMap<string, TaskStateDefinition>,
  runtime: TaskRuntime,
  execution: ExecutionScope,
): TaskOverrides {
  const overrides: TaskOverrides = {};
  for (const [stateName, task] of tasks) {
    overrides[stateName] = (input) =>
      runTask(stateName, task, input, runtime, execution) as Promise<EngineJson>;
  }
  return overrides;
}

async function runTask(
  stateName: string,
  task: TaskStateDefinition,
  input: unknown,
  runtime: TaskRuntime,
  execution: ExecutionScope,
): Promise<unknown> {
  // After StopExecution the engine still finishes the state it is in and may retry it: call nothing more.
  if (!execution.isRunning()) throw statesRuntimeError('The execution is no longer running');
  const timeoutSeconds = effectiveTimeoutSeconds(task, input, execution.context);
  if (timeoutSeconds !== undefined && timeoutSeconds > ENGINE_MAX_TIMEOUT_SECONDS) {
    // The engine's timer would overflow and fire at once; fail loudly instead of timing out silently.
    throw statesRuntimeError(
      `Task timeout ${timeoutSeconds} s exceeds the local limit ${ENGINE_MAX_TIMEOUT_SECONDS} s`,
    );
  }
  const callback = task.Resource.endsWith(CALLBACK_SUFFIX);
  const resource = callback ? task.Resource.slice(0, -CALLBACK_SUFFIX.length) : task.Resource;
  const invoke = invoker(resource, runtime);
  if (!callback) return invoke(input);

  const deadline = timeoutSeconds === undefined ? undefined : Date.now() + timeoutSeconds * 1000;
  const pending = runtime.tokens.mint(execution.executionArn, stateName, deadline);
  const withToken = replaceValue(input, execution.tokenPlaceholder, pending.token);
  try {
    await invoke(withToken);
  } catch (error) {
    // The hand-over itself failed (the Lambda throws): the task fails with that error, as on AWS, unless
    // it was answered already.
    runtime.tokens.fail(pending.token, asError(error));
    return pending.result;
  }
  return execution.park(stateName, pending);
}

function invoker(resource: string, runtime: TaskRuntime): (input: unknown) => Promise<unknown> {
  const integration = integrationOf(resource);
  if (integration === 'lambda:invoke') return (input) => invokeLambdaIntegration(input, runtime);
  if (/^arn:aws[a-z-]*:lambda:/.test(resource)) return (input) => callLambda(resource, input, runtime);
  return async (input) => {
    const handler = Object.entries(runtime.serviceHandlers).find(
      ([arn]) => integration !== undefined && integrationOf(arn) === integration,
    )?.[1];
    if (!handler) throw statesRuntimeError(`No local handler for the task resource ${resource}`);
    return toJson(await handler(structuredClone(input)));
  };
}

/** The optimised Lambda integration: Parameters carry FunctionName and Payload; the result wraps the reply. */
async function invokeLambdaIntegration(input: unknown, runtime: TaskRuntime): Promise<unknown> {
  const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
  if (typeof FunctionName !== 'string')
    throw statesRuntimeError('lambda:invoke needs Parameters.FunctionName');
  const reply = await callLambda(FunctionName, Payload ?? {}, runtime);
  return { ExecutedVersion: '$LATEST', Payload: reply, StatusCode: 200 };
}

async function callLambda(functionName: string, payload: unknown, runtime: TaskRuntime): Promise<unknown> {
  const handler = findLambda(functionName, runtime.lambdaHandlers);
  if (!handler) {
    runtime.log(`[sfn] no local Lambda handler for ${functionName}`);
    throw Object.assign(new Error(`Function not found: ${functionName}`), {
      name: 'Lambda.ResourceNotFoundException',
    });
  }
  const name = lambdaName(functionName);
  const load = runtime.lambdaLoad.get(name) ?? { running: 0, throttled: 0, peak: 0 };
  runtime.lambdaLoad.set(name, load);
  const reserved = findLimit(name, runtime.lambdaConcurrency);
  if (reserved !== undefined && load.running >= reserved) {
    // As Lambda answers an invocation above the function's reserved concurrency (HTTP 429).
    load.throttled++;
    throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
  }
  load.running++;
  load.peak = Math.max(load.peak, load.running);
  try {
    return toJson(await handler(structuredClone(payload)));
  } catch (error) {
    throw asLambdaFunctionError(error);
  } finally {
    load.running--;
  }
}

function findLimit(name: string, limits: TaskRuntime['lambdaConcurrency']): number | undefined {
  const match = Object.keys(limits).find((key) => lambdaName(key) === name);
  return match === undefined ? undefined : limits[match];
}

function findLambda(
  functionName: string,
  handlers: TaskRuntime['lambdaHandlers'],
): LambdaHandler | undefined {
  const exact = handlers[functionName];
  if (exact) return exact;
  const wanted = lambdaName(functionName);
  const match = Object.keys(handlers).find((key) => lambdaName(key) === wanted);
  return match ? handlers[match] : undefined;
}

/** "name", "name:alias", "arn:...:function:name" and "arn:...:function:name:alias" all name one function. */
function lambdaName(reference: string): string {
  const parts = reference.split(':');
  const functionIndex = parts.indexOf('function');
  return functionIndex >= 0 ? (parts[functionIndex + 1] ?? reference) : (parts[0] ?? reference);
}

/**
 * AWS reports a function error with the error's type as Error and a JSON Cause holding errorMessage,
 * errorType and trace; Catch and Retry match on that type, which here is the thrown error's `name`.
 */
function asLambdaFunctionError(error: unknown): Error {
  const thrown = asError(error);
  const cause = JSON.stringify({
    errorType: thrown.name,
    errorMessage: thrown.message,
    trace: (thrown.stack ?? '').split('\n'),
  });
  return Object.assign(new Error(cause), { name: thrown.name });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The engine's own rule: TimeoutSeconds, else TimeoutSecondsPath read from the effective input. */
export function effectiveTimeoutSeconds(
  task: TaskStateDefinition,
  input: unknown,
  context: object,
): number | undefined {
  if (task.TimeoutSeconds) return task.TimeoutSeconds;
  if (!task.TimeoutSecondsPath) return ENGINE_MAX_TIMEOUT_SECONDS;
  const path = task.TimeoutSecondsPath;
  const value: unknown = path.startsWith('$$')
    ? JSONPath({ path: path.slice(1), json: context, wrap: false })
    : JSONPath({ path, json: input as object, wrap: false });
  // An unusable value makes the engine fail the state itself; there is no deadline to track then.
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

function replaceValue(value: unknown, placeholder: string, replacement: string): unknown {
  if (value === placeholder) return replacement;
  if (Array.isArray(value)) return value.map((item) => replaceValue(item, placeholder, replacement));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceValue(item, placeholder, replacement)]),
    );
  }
  return value;
}

/** Results cross a JSON boundary on AWS: dates become strings, undefined becomes null. */
function toJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}
