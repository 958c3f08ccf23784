// The local Step Functions endpoint driven with the real SDK: idempotent starts, listing and describing,
// Lambda task results and errors (Retry / Catch by name), transitions, Wait states and the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/sfn/server.ts';
import { eventually } from '../support/embedded.ts';
import {
  credentials,
  finished,
  fixture,
  functionArn,
  Inbox,
  region,
  rejection,
  stateMachineArn,
} from './support.ts';

const arns = {
  callback: stateMachineArn('callback'),
  lambdaRetry: stateMachineArn('lambda-retry'),
  transitions: stateMachineArn('transitions'),
  waitUntil: stateMachineArn('wait-until'),
  echo: stateMachineArn('echo'),
};

/** What the classify Lambda does next; each test sets it. */
let classify: (payload: unknown) => unknown = () => ({ category: 'delay' });
let classifyCalls = 0;
const awaitReply = new Inbox<{ taskToken: string }>();
const sent: Array<{ at: number; payload: unknown }> = [];

let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  sfn = await startLocalStepFunctions({
    stateMachines: Object.entries(arns).map(([key, arn]) => ({ arn, definition: fixture(fixtureName(key)) })),
    lambdaHandlers: {
      [functionArn('await-reply')]: awaitReply.handler,
      [functionArn('classify')]: async (payload) => {
        classifyCalls += 1;
        return classify(payload);
      },
      // Registered by name only: lambda:invoke with a full ARN must still find it.
      notify: async (payload) => ({
        notified: (payload as { complaintId: string }).complaintId,
        at: new Date(0),
      }),
      [functionArn('send')]: async (payload) => {
        sent.push({ at: Date.now(), payload });
        return { sent: true };
      },
    },
    // Retries wait 1 s on AWS; the rule under test is which errors retry, not the interval.
    retryIntervalOverrides: { Classify: 0 },
  });
  client = new SFNClient({ endpoint: sfn.endpoint, region, credentials });
});
afterAll(() => sfn.close());

function fixtureName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

describe('StartExecution', () => {
  it('returns the running execution again for the same name and input, like AWS', async () => {
    // Prepare
    const input = JSON.stringify({ Payload: { ticket: 'S-1', timeoutSeconds: 30 } });
    const first = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.callback, name: 'same-start', input }),
    );

    // Act
    const second = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.callback, name: 'same-start', input }),
    );
    const differentInput = await rejection(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: arns.callback,
          name: 'same-start',
          input: '{"Payload":{}}',
        }),
      ),
    );

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
    expect(first.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:callback:same-start');
    expect(differentInput).toBeInstanceOf(ExecutionAlreadyExists);
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  it('refuses to reuse the name of a closed execution even with the same input', async () => {
    // Prepare
    const input = JSON.stringify({ complaintId: 'C-closed' });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.transitions, name: 'closed-one', input }),
    );
    await finished(client, executionArn!);

    // Act
    const again = await rejection(
      client.send(
        new StartExecutionCommand({ stateMachineArn: arns.transitions, name: 'closed-one', input }),
      ),
    );

    // Assess
    expect(again).toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('names the unknown state machine and the invalid name with their AWS exceptions', async () => {
    // Act
    const unknownMachine = await rejection(
      client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('nope') })),
    );
    const badName = await rejection(
      client.send(new StartExecutionCommand({ stateMachineArn: arns.echo, name: 'has space' })),
    );
    const unknownExecution = await rejection(
      client.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:echo:never',
        }),
      ),
    );

    // Assess
    expect(unknownMachine).toBeInstanceOf(StateMachineDoesNotExist);
    expect(badName).toBeInstanceOf(InvalidName);
    expect(unknownExecution).toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('is reachable through AWS_ENDPOINT_URL_SFN alone, as the handlers reach it', async () => {
    // Prepare
    const previous = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = sfn.endpoint;
    const viaEnvironment = new SFNClient({ region, credentials });

    // Act
    const started = await viaEnvironment.send(
      new StartExecutionCommand({ stateMachineArn: arns.echo, input: '{"via":"env"}' }),
    );
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
    else process.env.AWS_ENDPOINT_URL_SFN = previous;

    // Assess
    expect((await finished(client, started.executionArn!)).output).toBe('{"via":"env"}');
  });
});

describe('ListExecutions and DescribeExecution', () => {
  it('lists newest first, filters by status and pages with nextToken', async () => {
    // Prepare
    const input = (ticket: string) => JSON.stringify({ Payload: { ticket, timeoutSeconds: 30 } });
    const names = ['list-a', 'list-b', 'list-c'];
    for (const name of names) {
      await client.send(
        new StartExecutionCommand({ stateMachineArn: arns.callback, name, input: input(name) }),
      );
    }
    const stopped = await client.send(
      new StopExecutionCommand({
        executionArn: `${arns.callback.replace(':stateMachine:', ':execution:')}:list-b`,
      }),
    );

    // Act
    const aborted = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arns.callback, statusFilter: 'ABORTED' }),
    );
    const firstPage = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arns.callback, maxResults: 2 }),
    );
    const secondPage = await client.send(
      new ListExecutionsCommand({
        stateMachineArn: arns.callback,
        maxResults: 2,
        nextToken: firstPage.nextToken,
      }),
    );
    const running = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arns.callback, statusFilter: 'RUNNING' }),
    );

    // Assess
    expect(aborted.executions?.map((execution) => execution.name)).toContain('list-b');
    expect(aborted.executions?.find((execution) => execution.name === 'list-b')?.stopDate).toEqual(
      stopped.stopDate,
    );
    const paged = [...firstPage.executions!, ...secondPage.executions!].map((execution) => execution.name);
    expect(firstPage.nextToken).toBeDefined();
    expect(paged.indexOf('list-c')).toBeLessThan(paged.indexOf('list-a'));
    const runningNames = running.executions!.map((execution) => execution.name);
    expect(runningNames).toEqual(expect.arrayContaining(['list-a', 'list-c']));
    expect(runningNames).not.toContain('list-b');
    for (const execution of running.executions!)
      await client.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
  });
});

describe('Lambda tasks', () => {
  it('returns what the Lambda integration returns on AWS and counts the transitions of the path taken', async () => {
    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arns.transitions,
        input: JSON.stringify({ complaintId: 'C-9' }),
      }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({
      complaintId: 'C-9',
      urgent: true,
      notified: {
        ExecutedVersion: '$LATEST',
        Payload: { notified: 'C-9', at: '1970-01-01T00:00:00.000Z' },
        StatusCode: 200,
      },
    });
    // Receive, Route, Notify, Done.
    expect(sfn.transitions(executionArn!)).toBe(4);
  });

  it('retries an error named in Retry until the Lambda succeeds', async () => {
    // Prepare
    classifyCalls = 0;
    classify = () => {
      if (classifyCalls <= 2) throw new NamedError('Classifier.Busy', 'try later');
      return { category: 'loss' };
    };

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.lambdaRetry, input: '{}' }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ classification: { category: 'loss' } });
    expect(classifyCalls).toBe(3);
    expect(sfn.events(executionArn!).filter((event) => event.type === 'StateRetried')).toHaveLength(2);
  });

  it('fails with the error name once Retry gives up', async () => {
    // Prepare
    classifyCalls = 0;
    classify = () => {
      throw new NamedError('Classifier.Busy', 'still busy');
    };

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.lambdaRetry, input: '{}' }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Classifier.Busy' });
    expect(JSON.parse(execution.cause!)).toMatchObject({
      errorType: 'Classifier.Busy',
      errorMessage: 'still busy',
    });
    expect(classifyCalls).toBe(3);
  });

  it('routes a thrown error to the Catch with its name, with the AWS-shaped Cause', async () => {
    // Prepare
    classifyCalls = 0;
    classify = () => {
      throw new NamedError('Classifier.Unknown', 'no category fits');
    };

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.lambdaRetry, input: '{"x":1}' }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    const output = JSON.parse(execution.output!) as { x: number; failure: { Error: string; Cause: string } };
    expect(execution.status).toBe('SUCCEEDED');
    expect(output.failure.Error).toBe('Classifier.Unknown');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      errorType: 'Classifier.Unknown',
      errorMessage: 'no category fits',
    });
    expect(classifyCalls).toBe(1);
  });
});

describe('Wait states', () => {
  it('waits until the timestamp read from the input before the next state runs', async () => {
    // Prepare
    const sendAt = new Date(Date.now() + 1_000);

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arns.waitUntil,
        input: JSON.stringify({ sendAt: sendAt.toISOString() }),
      }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(sent).toHaveLength(1);
    // Node timers may fire a few ms early against Date.now() (libuv caches the loop time); a second is the wait.
    expect(sent[0]!.at).toBeGreaterThanOrEqual(sendAt.getTime() - 50);
    expect(execution.output).toBe('{"sent":true}');
  });
});

describe('GetExecutionHistory', () => {
  it('lists the execution in AWS event types, one StateEntered per transition', async () => {
    // Prepare
    const input = JSON.stringify({ Payload: { ticket: 'H-1', timeoutSeconds: 30 } });
    const callbacksBefore = awaitReply.payloads.length;
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.callback, input }),
    );
    const { taskToken } = await awaitReply.nth(callbacksBefore);
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await finished(client, executionArn!);

    // Act
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const reversed = await client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );

    // Assess
    const types = events!.map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((type) => type?.endsWith('StateEntered'))).toEqual([
      'TaskStateEntered',
      'SucceedStateEntered',
    ]);
    expect(sfn.transitions(executionArn!)).toBe(2);
    expect(events!.map((event) => event.id)).toEqual(events!.map((_, i) => i + 1));
    expect(reversed.events!.map((event) => event.type)).toEqual(['ExecutionSucceeded']);
    expect(reversed.nextToken).toBeDefined();
  });
});

describe('Task events in GetExecutionHistory', () => {
  const taskEvents = async (executionArn: string) =>
    (await client.send(new GetExecutionHistoryCommand({ executionArn }))).events!.filter(
      (event) => event.type!.startsWith('Task') && !event.type!.startsWith('TaskState'),
    );

  it('shows a callback task scheduled, started, submitted and succeeded, between its state events', async () => {
    // Prepare
    const callbacksBefore = awaitReply.payloads.length;
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arns.callback,
        input: JSON.stringify({ Payload: { ticket: 'H-2', timeoutSeconds: 30 } }),
      }),
    );
    const { taskToken } = await awaitReply.nth(callbacksBefore);
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{"answer":"yes"}' }));
    await finished(client, executionArn!);

    // Act
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assess
    expect(events!.map((event) => event.type).slice(0, 7)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    const scheduled = events!.find((event) => event.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region,
    });
    const succeeded = events!.find((event) => event.type === 'TaskSucceeded')!;
    expect(JSON.parse(succeeded.taskSucceededEventDetails!.output!)).toMatchObject({
      reply: { answer: 'yes' },
    });
  });

  it('shows each retry as a new attempt and the failures between them', async () => {
    // Prepare
    classifyCalls = 0;
    classify = () => {
      if (classifyCalls <= 1) throw new NamedError('Classifier.Busy', 'try later');
      return { category: 'loss' };
    };
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arns.lambdaRetry, input: '{}' }),
    );
    await finished(client, executionArn!);

    // Act
    const events = await taskEvents(executionArn!);

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
    ]);
    expect(events[2]!.taskFailedEventDetails).toMatchObject({
      error: 'Classifier.Busy',
      resourceType: 'lambda',
    });
  });

  it('shows a callback that got no answer in time as TaskTimedOut', async () => {
    // Prepare
    const callbacksBefore = awaitReply.payloads.length;
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: arns.callback,
        input: JSON.stringify({ Payload: { ticket: 'H-3', timeoutSeconds: 1 } }),
      }),
    );
    await awaitReply.nth(callbacksBefore);
    await finished(client, executionArn!);

    // Act
    const events = await taskEvents(executionArn!);

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
    ]);
    expect(events[3]!.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
  });
});

describe('ListStateMachines and DescribeStateMachine', () => {
  it('lists every hosted machine and pages with nextToken', async () => {
    // Act
    const first = await client.send(new ListStateMachinesCommand({ maxResults: 3 }));
    const rest = await client.send(new ListStateMachinesCommand({ nextToken: first.nextToken! }));

    // Assess
    const listed = [...first.stateMachines!, ...rest.stateMachines!];
    expect(listed.map((machine) => machine.stateMachineArn)).toEqual(Object.values(arns));
    expect(listed.map((machine) => machine.name)).toEqual(
      Object.values(arns).map((arn) => arn.split(':').at(-1)),
    );
    expect(
      listed.every((machine) => machine.type === 'STANDARD' && machine.creationDate instanceof Date),
    ).toBe(true);
    expect(rest.nextToken).toBeUndefined();
  });

  it('describes a machine with the definition it runs, and names an unknown one', async () => {
    // Act
    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arns.callback }));
    const unknown = await rejection(
      client.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn('nope') })),
    );

    // Assess
    expect(described).toMatchObject({ name: 'callback', status: 'ACTIVE', type: 'STANDARD' });
    expect(JSON.parse(described.definition!)).toEqual(fixture('callback'));
    expect(unknown).toBeInstanceOf(StateMachineDoesNotExist);
  });
});

describe('the wire protocol', () => {
  it('carries any JSON input through an execution unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        // Prepare
        const input = JSON.stringify(value);

        // Act
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn: arns.echo, input }),
        );
        const execution = await finished(client, executionArn!);

        // Assess
        expect(execution.status).toBe('SUCCEEDED');
        expect(JSON.parse(execution.output!)).toEqual(JSON.parse(input));
        expect(JSON.parse(execution.input!)).toEqual(JSON.parse(input));
      }),
      { numRuns: 40 },
    );
  });
});

describe('history retention', () => {
  it('keeps full logs for the most recent closed executions only, and every execution itself', async () => {
    // Prepare
    const small = await startLocalStepFunctions({
      stateMachines: [{ arn: arns.transitions, definition: fixture('transitions') }],
      lambdaHandlers: { notify: async () => ({}) },
      historyRetention: 1,
    });
    const smallClient = new SFNClient({ endpoint: small.endpoint, region, credentials });
    const run = async (complaintId: string) => {
      const input = JSON.stringify({ complaintId });
      const { executionArn } = await smallClient.send(
        new StartExecutionCommand({ stateMachineArn: arns.transitions, input }),
      );
      await finished(smallClient, executionArn!);
      return executionArn!;
    };

    // Act
    const older = await run('C-old');
    const newer = await run('C-new');
    const olderHistory = await smallClient.send(new GetExecutionHistoryCommand({ executionArn: older }));
    const newerHistory = await smallClient.send(new GetExecutionHistoryCommand({ executionArn: newer }));
    const olderExecution = await smallClient.send(new DescribeExecutionCommand({ executionArn: older }));
    await small.close();

    // Assess
    expect(olderHistory.events!.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'ExecutionSucceeded',
    ]);
    expect(newerHistory.events!.length).toBeGreaterThan(2);
    expect(olderExecution.status).toBe('SUCCEEDED');
    expect(small.transitions(older)).toBe(4);
  });
});

describe('reserved concurrency and scaled retries', () => {
  it('throttles invocations above a function’s reserved concurrency; Retry with backoff brings them through', async () => {
    // Prepare: one slot; the first invocation holds it until released. Retry waits 20 s on AWS, 0.1 s here.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow = await startLocalStepFunctions({
      stateMachines: [
        {
          arn: stateMachineArn('bounded'),
          definition: {
            StartAt: 'Send',
            States: {
              Send: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: functionArn('bounded'), 'Payload.$': '$' },
                Retry: [
                  {
                    ErrorEquals: ['Lambda.TooManyRequestsException'],
                    IntervalSeconds: 20,
                    BackoffRate: 1,
                    MaxAttempts: 100,
                  },
                ],
                End: true,
              },
            },
          },
        },
      ],
      lambdaHandlers: {
        [functionArn('bounded')]: async () => {
          calls += 1;
          if (calls === 1) await held;
          return { ok: true };
        },
      },
      lambdaConcurrency: { [functionArn('bounded')]: 1 },
      retryTimeScale: 200,
    });
    const boundedClient = new SFNClient({ endpoint: slow.endpoint, region, credentials });
    try {
      // Act
      const started = await Promise.all(
        [1, 2, 3].map((n) =>
          boundedClient.send(
            new StartExecutionCommand({ stateMachineArn: stateMachineArn('bounded'), input: `{"n":${n}}` }),
          ),
        ),
      );
      // The two others are refused while the first holds the slot, and retried.
      const throttledWhileHeld = await eventually(async () => {
        const throttled = slow.lambdaStats().bounded?.throttled ?? 0;
        return throttled >= 2 ? throttled : undefined;
      }, 10_000);
      release();
      const executions = await Promise.all(started.map((s) => finished(boundedClient, s.executionArn!)));

      // Assess
      expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(throttledWhileHeld).toBeGreaterThanOrEqual(2);
      expect(slow.lambdaStats().bounded?.peak).toBe(1);
      expect(calls).toBe(3);
    } finally {
      await slow.close();
    }
  });
});
