// A local AWS Step Functions endpoint (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Op>`) running
// the state machines with aws-local-stepfunctions. Handlers reach it only through AWS_ENDPOINT_URL_SFN,
// so requests and errors follow the wire protocol closely enough for @aws-sdk/client-sfn.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SfnFault } from './errors.ts';
import { LocalEventDispatch, type LocalEventRule } from './events.ts';
import {
  LocalExecutions,
  type EngineEvent,
  type ExecutionOptions,
  type ExecutionRecord,
  type ExecutionStatus,
  type HostedStateMachine,
  type RestoreReport,
  type StateMachineRecord,
} from './executions.ts';
import { ExecutionJournal } from './journal.ts';
import { executionHistory } from './history.ts';
import type { LambdaHandler, ServiceHandler } from './tasks.ts';
import { TaskTokens } from './tokens.ts';
import { closeServer, listen, readBody } from '../shared/http-util.ts';

export type { LambdaHandler, ServiceHandler } from './tasks.ts';
export type { EngineEvent, ExecutionStatus } from './executions.ts';
export type { ExecutionStatusChangeEvent, LocalEventRule } from './events.ts';

export interface LocalStepFunctionsOptions extends ExecutionOptions {
  /** 0 or absent: a free port. */
  port?: number;
  stateMachines: readonly HostedStateMachine[];
  /** By function ARN: what lambda:invoke (and .waitForTaskToken) calls with the Payload. */
  lambdaHandlers?: Record<string, LambdaHandler>;
  /** By resource ARN, e.g. arn:aws:states:::sqs:sendMessage: called with the effective Parameters. */
  serviceHandlers?: Record<string, ServiceHandler>;
  /**
   * Reserved concurrency by function ARN: an invocation above it fails with Lambda.TooManyRequestsException,
   * as the lambda:invoke integration reports a throttled function.
   */
  lambdaConcurrency?: Record<string, number>;
  /** EventBridge rules on the executions' status change events, with their targets. */
  eventRules?: readonly LocalEventRule[];
  log?: (line: string) => void;
  /**
   * Keep the executions in this file (JSON lines) across restarts; absent: in memory only. A restart
   * re-arms the callback tasks that were waiting, with their tokens and deadlines, without running any
   * handler. @throws ExecutionJournalDamaged when the file cannot be read back whole.
   */
  journalFile?: string;
}

export interface LocalStepFunctions {
  /** Base URL for AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  /** State transitions (StateEntered events) the execution has made so far. */
  transitions(executionArn: string): number;
  /** The engine's raw event log of the execution. */
  events(executionArn: string): readonly EngineEvent[];
  /** Callback tasks waiting for SendTaskSuccess/SendTaskFailure, over all executions. */
  waitingTasks(): number;
  /** Invocations refused for reserved concurrency, and the most that ran at once, by function name. */
  lambdaStats(): Record<string, { throttled: number; peak: number }>;
  /** Stops delivering status change events (and waits for those under way): the stack is shutting down. */
  stopEvents(): Promise<void>;
  /** What the start found in the journal (all 0 without one). */
  restored: RestoreReport & { tornLastLine: boolean };
  /**
   * Restored executions go on: answers that came, deadlines that passed and states that were running
   * when the process stopped. Until then they only take answers (the stack around may still be starting).
   */
  resumeRestored(): void;
  /** Aborts every running execution and stops listening; with a journal, they are kept as they were. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Operation = (body: Body) => unknown;

const TARGET_PREFIX = 'AWSStepFunctions.';
const JSON_1_0 = 'application/x-amz-json-1.0';
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

export async function startLocalStepFunctions(
  options: LocalStepFunctionsOptions,
): Promise<LocalStepFunctions> {
  const log = options.log ?? (() => undefined);
  const events = new LocalEventDispatch({ rules: options.eventRules ?? [], log });
  const opened = options.journalFile ? ExecutionJournal.open(options.journalFile) : undefined;
  const executions = new LocalExecutions(
    options.stateMachines,
    {
      lambdaHandlers: options.lambdaHandlers ?? {},
      serviceHandlers: options.serviceHandlers ?? {},
      lambdaConcurrency: options.lambdaConcurrency ?? {},
      lambdaLoad: new Map(),
      tokens: new TaskTokens(opened?.journal.secret),
      log,
    },
    {
      ...options,
      onStatusChange: (record) => events.publish(record),
      ...(opened && { journal: opened.journal }),
    },
  );
  const restored = opened
    ? { ...executions.restore(opened.contents), tornLastLine: opened.contents.tornLastLine }
    : { parked: 0, reentered: 0, closed: 0, unknownMachine: 0, tornLastLine: false };
  const operations = sfnOperations(executions);
  const server = createServer((request, response) => void serve(operations, request, response, log));
  const endpoint = await listen(server, options.port);
  return {
    endpoint,
    transitions: (executionArn) => executions.describe(executionArn).stateEntered,
    events: (executionArn) => executions.describe(executionArn).events,
    waitingTasks: () => executions.waitingTasks(),
    lambdaStats: () => executions.lambdaStats(),
    stopEvents: () => events.close(),
    restored,
    resumeRestored: () => executions.resumeRestored(),
    close: async () => {
      await events.close();
      if (opened) {
        // Running executions stay in the journal as they are: the next start carries on with them.
        opened.journal.close();
        executions.detachAll();
      } else {
        executions.abortAll();
      }
      await closeServer(server);
    },
  };
}

async function serve(
  operations: Record<string, Operation>,
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
) {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX)
      ? operations[target.slice(TARGET_PREFIX.length)]
      : undefined;
    if (request.method !== 'POST' || !operation)
      throw new SfnFault('UnknownOperationException', `Unknown operation ${target}`);
    const text = await readBody(request);
    const body = parseBody(text);
    reply(response, 200, operation(body) ?? {});
  } catch (error) {
    if (error instanceof SfnFault) {
      reply(
        response,
        400,
        { __type: `com.amazonaws.swf.service.v2.model#${error.code}`, message: error.message },
        error.code,
      );
    } else {
      log(`[sfn] internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply(response, 500, { __type: 'InternalFailure', message: 'Internal failure' }, 'InternalFailure');
    }
  }
}

function reply(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': JSON_1_0,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(text);
}

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Body;
  } catch {
    // answered below
  }
  throw new SfnFault('SerializationException', 'Request body is not a JSON object');
}

function sfnOperations(executions: LocalExecutions): Record<string, Operation> {
  return {
    StartExecution: (body) => {
      const record = executions.start({
        stateMachineArn: required(body, 'stateMachineArn'),
        name: optional(body, 'name'),
        input: optional(body, 'input'),
      });
      return { executionArn: record.executionArn, startDate: epochSeconds(record.startDate) };
    },
    DescribeExecution: (body) => describeExecution(executions.describe(required(body, 'executionArn'))),
    ListExecutions: (body) => listExecutions(executions, body),
    StopExecution: (body) => {
      const stopDate = executions.stop(
        required(body, 'executionArn'),
        optional(body, 'error'),
        optional(body, 'cause'),
      );
      return { stopDate: epochSeconds(stopDate) };
    },
    SendTaskSuccess: (body) =>
      executions.sendTaskSuccess(required(body, 'taskToken'), required(body, 'output')),
    SendTaskFailure: (body) =>
      executions.sendTaskFailure(
        required(body, 'taskToken'),
        optional(body, 'error'),
        optional(body, 'cause'),
      ),
    SendTaskHeartbeat: (body) => executions.sendTaskHeartbeat(required(body, 'taskToken')),
    GetExecutionHistory: (body) => getExecutionHistory(executions, body),
    ListStateMachines: (body) => {
      const { items, nextToken } = page(executions.stateMachines(), body);
      return {
        stateMachines: items.map((machine) => ({
          stateMachineArn: machine.arn,
          name: machine.name,
          type: 'STANDARD',
          creationDate: epochSeconds(machine.creationDate),
        })),
        nextToken,
      };
    },
    DescribeStateMachine: (body) =>
      describeStateMachine(executions.stateMachine(required(body, 'stateMachineArn'))),
  };
}

/** What an operator asks of a deployed machine; the role is a placeholder, nothing assumes it locally. */
function describeStateMachine(machine: StateMachineRecord) {
  const [, partition, , region, account] = machine.arn.split(':');
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    status: 'ACTIVE',
    definition: JSON.stringify(machine.definition, null, 2),
    roleArn: `arn:${partition}:iam::${account}:role/${machine.name}-local-${region}`,
    type: 'STANDARD',
    creationDate: epochSeconds(machine.creationDate),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

/** What ListExecutions answers per execution; DescribeExecution adds input, output and error. */
function executionSummary(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: epochSeconds(record.startDate),
    stopDate: record.stopDate && epochSeconds(record.stopDate),
  };
}

function describeExecution(record: ExecutionRecord) {
  return {
    ...executionSummary(record),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
  };
}

function listExecutions(executions: LocalExecutions, body: Body) {
  const statusFilter = optional(body, 'statusFilter');
  if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
    throw new SfnFault('ValidationException', `Invalid statusFilter: ${statusFilter}`);
  }
  const all = executions.list(required(body, 'stateMachineArn'), statusFilter as ExecutionStatus | undefined);
  const { items, nextToken } = page(all, body);
  return {
    executions: items.map(executionSummary),
    nextToken,
  };
}

function getExecutionHistory(executions: LocalExecutions, body: Body) {
  const record = executions.describe(required(body, 'executionArn'));
  const includeData = body.includeExecutionData !== false;
  const history = executionHistory(
    record,
    (state) => executions.taskResource(record.stateMachineArn, state),
    includeData,
  );
  if (body.reverseOrder === true) history.reverse();
  const { items, nextToken } = page(history, body);
  return {
    events: items.map((event) => ({ ...event, timestamp: epochSeconds(event.timestamp) })),
    nextToken,
  };
}

/** maxResults (default 100, at most 1000) and an opaque nextToken that is the offset of the next item. */
function page<T>(items: readonly T[], body: Body): { items: T[]; nextToken?: string } {
  const maxResults =
    typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
  const token = optional(body, 'nextToken');
  const offset =
    token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0)
    throw new SfnFault('InvalidToken', `Invalid Token: '${token}'`);
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    ...(end < items.length && { nextToken: Buffer.from(String(end)).toString('base64url') }),
  };
}

/** AWS JSON protocols carry timestamps as epoch seconds. */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function optional(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnFault('ValidationException', `${field} must be a string`);
  return value;
}

function required(body: Body, field: string): string {
  const value = optional(body, field);
  if (value === undefined)
    throw new SfnFault('MissingRequiredParameter', `Missing required parameter ${field}`);
  return value;
}
