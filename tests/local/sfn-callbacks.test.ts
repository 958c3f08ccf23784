// Callback tasks (.waitForTaskToken) on the local Step Functions endpoint, driven with the real SDK:
// tokens, SendTaskSuccess / SendTaskFailure, task and execution timeouts, StopExecution.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  InvalidOutput,
  InvalidToken,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/sfn/server.ts';
import {
  credentials,
  finished,
  fixture,
  functionArn,
  Inbox,
  region,
  stateMachineArn,
  rejection,
} from './support.ts';
import { eventually } from '../support/eventually.ts';

interface CallbackPayload {
  taskToken: string;
  ticket?: string;
  party?: string;
}

const callbackArn = stateMachineArn('callback');
const parallelArn = stateMachineArn('parallel-callbacks');
const executionTimeoutArn = stateMachineArn('execution-timeout');

let sfn: LocalStepFunctions | undefined;
afterEach(async () => {
  await sfn?.close();
  sfn = undefined;
});

async function startServer(inbox: Inbox<CallbackPayload>) {
  sfn = await startLocalStepFunctions({
    stateMachines: [
      { arn: callbackArn, definition: fixture('callback') },
      { arn: parallelArn, definition: fixture('parallel-callbacks') },
      { arn: executionTimeoutArn, definition: fixture('execution-timeout') },
    ],
    lambdaHandlers: { [functionArn('await-reply')]: inbox.handler },
  });
  return { sfn, client: new SFNClient({ endpoint: sfn.endpoint, region, credentials }) };
}

const awaitReplyInput = (ticket: string, timeoutSeconds: number) =>
  JSON.stringify({ Payload: { ticket, timeoutSeconds } });

describe('callback tasks', () => {
  it('hands a token to the Lambda and completes the task with the output of SendTaskSuccess', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client, sfn } = await startServer(inbox);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-1', 30) }),
    );
    const payload = await inbox.nth(0);

    // Act
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: payload.taskToken,
        output: JSON.stringify({ answer: 'fixed' }),
      }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(payload).toMatchObject({ ticket: 'T-1', timeoutSeconds: 30 });
    expect(payload.taskToken.length).toBeGreaterThan(40);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({
      Payload: { ticket: 'T-1', timeoutSeconds: 30 },
      reply: { answer: 'fixed' },
    });
    expect(sfn.waitingTasks()).toBe(0);
  });

  it('mints a distinct token for each of two callbacks waiting in one execution', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: parallelArn }));
    await inbox.nth(1);
    const byParty = Object.fromEntries(inbox.payloads.map((payload) => [payload.party, payload.taskToken]));

    // Act
    await client.send(new SendTaskSuccessCommand({ taskToken: byParty.courier!, output: '"from courier"' }));
    await client.send(
      new SendTaskSuccessCommand({ taskToken: byParty.customer!, output: '"from customer"' }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(byParty.customer).not.toBe(byParty.courier);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual(['from customer', 'from courier']);
  });

  it('times the task out after TimeoutSecondsPath, routes States.Timeout to its Catch and refuses a late reply', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-2', 1) }),
    );
    const { taskToken } = await inbox.nth(0);

    // Act
    const execution = await finished(client, executionArn!);
    const lateReply = await rejection(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output!) as { outcome: string; failure: { Error: string } };
    expect(output.outcome).toBe('timed-out');
    expect(output.failure.Error).toBe('States.Timeout');
    expect(lateReply).toBeInstanceOf(TaskTimedOut);
  });

  it('routes SendTaskFailure to the Catch that names its error', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-3', 30) }),
    );
    const { taskToken } = await inbox.nth(0);

    // Act
    await client.send(
      new SendTaskFailureCommand({ taskToken, error: 'Customer.Declined', cause: 'no longer interested' }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    const output = JSON.parse(execution.output!) as {
      outcome: string;
      failure: { Error: string; Cause: string };
    };
    expect(execution.status).toBe('SUCCEEDED');
    expect(output.outcome).toBe('declined');
    expect(output.failure).toEqual({ Error: 'Customer.Declined', Cause: 'no longer interested' });
  });

  it('answers a second reply to the same token with TaskTimedOut, as AWS does for a finished task', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);
    await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-4', 30) }),
    );
    const { taskToken } = await inbox.nth(0);
    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Act
    const secondReply = await rejection(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    const heartbeat = await rejection(client.send(new SendTaskHeartbeatCommand({ taskToken })));

    // Assess
    expect(secondReply).toBeInstanceOf(TaskTimedOut);
    expect(heartbeat).toBeInstanceOf(TaskTimedOut);
  });

  it('refuses a token it never issued with InvalidToken and output that is not JSON with InvalidOutput', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);
    await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-5', 30) }),
    );
    const { taskToken } = await inbox.nth(0);
    const forged = `${taskToken.split('.')[0]}.${'A'.repeat(43)}`;

    // Act
    const unknown = await rejection(
      client.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' })),
    );
    const notJson = await rejection(
      client.send(new SendTaskSuccessCommand({ taskToken, output: '{not json' })),
    );

    // Assess
    expect(unknown).toBeInstanceOf(InvalidToken);
    expect(notJson).toBeInstanceOf(InvalidOutput);
  });

  it('fails a task whose timeout is longer than a Node timer can hold instead of timing it out at once', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: callbackArn,
        input: awaitReplyInput('T-8', 30 * 24 * 3600),
      }),
    );
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toContain('exceeds the local limit');
    expect(inbox.payloads).toEqual([]);
  });

  it('aborts on StopExecution, reports error and cause, and makes the waiting token stale', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client, sfn } = await startServer(inbox);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-6', 30) }),
    );
    const { taskToken } = await inbox.nth(0);

    // Act
    const { stopDate } = await client.send(
      new StopExecutionCommand({ executionArn, error: 'Complaint.Withdrawn', cause: 'customer withdrew' }),
    );
    const execution = await finished(client, executionArn!);
    const reply = await rejection(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));

    // Assess
    expect(execution).toMatchObject({
      status: 'ABORTED',
      error: 'Complaint.Withdrawn',
      cause: 'customer withdrew',
    });
    expect(execution.stopDate).toEqual(stopDate);
    expect(reply).toBeInstanceOf(TaskTimedOut);
    expect(sfn.waitingTasks()).toBe(0);
    await eventually(() =>
      sfn.events(executionArn!).at(-1)?.type === 'ExecutionAborted' ? true : undefined,
    );
  });

  it('times the whole execution out after the definition TimeoutSeconds', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client } = await startServer(inbox);

    // Act
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: executionTimeoutArn }),
    );
    const { taskToken } = await inbox.nth(0);
    const execution = await finished(client, executionArn!);

    // Assess
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('aborts running executions when the endpoint closes', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client, sfn } = await startServer(inbox);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReplyInput('T-7', 30) }),
    );
    await inbox.nth(0);

    // Act
    await sfn.close();

    // Assess
    expect(sfn.waitingTasks()).toBe(0);
    await eventually(() =>
      sfn.events(executionArn!).at(-1)?.type === 'ExecutionAborted' ? true : undefined,
    );
  });

  it('keeps hundreds of executions waiting on callbacks apart and settles each with its own reply', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const { client, sfn } = await startServer(inbox);
    const tickets = Array.from({ length: 300 }, (_, i) => `T-${i}`);
    const started = await Promise.all(
      tickets.map((ticket) =>
        client.send(
          new StartExecutionCommand({
            stateMachineArn: callbackArn,
            name: ticket,
            input: awaitReplyInput(ticket, 60),
          }),
        ),
      ),
    );
    await inbox.nth(tickets.length - 1);
    const waitingBefore = sfn.waitingTasks();

    // Act
    await Promise.all(
      inbox.payloads.map(({ taskToken, ticket }) =>
        client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ ticket }) })),
      ),
    );
    const executions = await Promise.all(started.map(({ executionArn }) => finished(client, executionArn!)));

    // Assess
    expect(waitingBefore).toBe(tickets.length);
    expect(new Set(inbox.payloads.map((payload) => payload.taskToken)).size).toBe(tickets.length);
    for (const [i, execution] of executions.entries()) {
      expect(JSON.parse(execution.output!).reply).toEqual({ ticket: tickets[i] });
    }
    expect(sfn.waitingTasks()).toBe(0);
  });
});
