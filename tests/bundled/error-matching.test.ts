// On the deployed bundles, an error a task handler throws reaches the state machine under its own name, so
// the ASL's Retry and Catch rules that name it match: VersionConflict is retried (complaint machine), and
// ComplaintNotFound is neither retried nor lost (notification machine: straight to the dead-letter state).
// With a minifier-chosen name ("jr") the first would fail the execution and the second be retried 5 times.
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMPLAINT_PARTITION_PREFIX, COMPLAINT_SORT_KEY, complaintKey } from '#adapters/table-design';
import type { EngineEvent } from '../../infra/local/sfn/server.ts';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const REGION = 'us-east-1';
const MACHINES = `arn:aws:states:${REGION}:000000000000`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let api: TestApi;
let sfn: SFNClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  // Real time: no timer fires during the test. Retries after 50 ms instead of seconds.
  api = await startTestApi({ retryIntervalOverrides: { AwaitStage: 50, StageTimer: 50, Send: 50 } });
  sfn = new SFNClient({ endpoint: api.stack.sfn.endpoint, region: REGION, credentials });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: REGION, credentials }),
  );
});
afterAll(async () => {
  await api?.close();
});

type StateEvent = Extract<EngineEvent, { state: { name: string } }>;
const eventsOf = (executionArn: string, state?: string): StateEvent[] =>
  api.stack.sfn
    .events(executionArn)
    .filter(
      (e): e is StateEvent => 'state' in e && (state === undefined || (e as StateEvent).state.name === state),
    );

describe('error names on the deployed bundles', () => {
  it('runs in the bundled tier', () => {
    expect(inject('functionBundles')).toMatch(/function-bundles/);
  });

  it('VersionConflict from a bundled stage task is retried by its name, and the complaint moves on', async () => {
    // Prepare: the next saves of a complaint (conditional on its version) lose their race five times: the
    // task's own five attempts all conflict, so its handler gives up with VersionConflict and only the
    // state machine's Retry can carry the stage on. Armed first, so no timing decides which task it hits.
    api.stack.dynamo.failNext(5, {
      operation: 'PutItem',
      matches: (request) => {
        const item = request.Item as { pk?: { S?: string }; sk?: { S?: string } } | undefined;
        return (
          item?.sk?.S === COMPLAINT_SORT_KEY &&
          item.pk?.S?.startsWith(COMPLAINT_PARTITION_PREFIX) === true &&
          String(request.ConditionExpression).includes(':expectedVersion')
        );
      },
    });

    // Act: a new complaint; its first save after registration is AwaitStage's (the callback token).
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
    expect(created.status).toBe(201);
    const { id } = created.body;
    const executionArn = `${MACHINES}:execution:complaints:${id}`;
    const retried = await eventually(
      async () => eventsOf(executionArn).find((e) => e.type === 'StateRetried'),
      30_000,
      'a task retried',
    );

    // Assess: one task failed once as VersionConflict, was retried by the rule naming it, and then
    // registered its token: the complaint waits for an agent, nothing recorded as failed.
    const failures = eventsOf(executionArn).filter((e) => e.type === 'StateFailed');
    expect(failures.map((e) => (e as { Error?: string }).Error)).toEqual(['VersionConflict']);
    expect(failures[0]!.state.name).toBe(retried.state.name);
    expect(
      (retried as { retry: { retrier: { ErrorEquals: string[] } } }).retry.retrier.ErrorEquals,
    ).toContain('VersionConflict');
    await eventually(async () => {
      const { Item } = await doc.send(
        new GetCommand({ TableName: 'complaints', Key: complaintKey(id), ConsistentRead: true }),
      );
      return (Item?.stage as { taskToken?: string } | undefined)?.taskToken ? true : undefined;
    });
    const { body } = await api.get<{ items: { type: string }[] }>(`/v1/complaints/${id}/timeline`);
    expect(body.items.map((e) => e.type)).not.toContain('workflow-failed');
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(status).toBe('RUNNING');
  });

  it('ComplaintNotFound from the send-notification bundle skips the retries and reaches the dead-letter state', async () => {
    // Prepare: a delivery for a complaint that does not exist.
    const name = `no-such-complaint.${Date.now()}`;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: `${MACHINES}:stateMachine:complaint-notifications`,
        name,
        input: JSON.stringify({
          complaintId: 'no-such-complaint',
          sendAt: new Date().toISOString(),
          notification: {
            key: 'received.1',
            audience: 'customer',
            event: 'received',
            createdAt: new Date().toISOString(),
          },
        }),
      }),
    );

    // Act
    await eventually(async () => {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return status === 'RUNNING' ? undefined : status;
    });

    // Assess: one attempt, failed under its own name, caught, dead-lettered; no States.ALL retries.
    const send = eventsOf(executionArn!, 'Send');
    expect(send.filter((e) => e.type === 'StateFailed').map((e) => (e as { Error?: string }).Error)).toEqual([
      'ComplaintNotFound',
    ]);
    expect(send.filter((e) => e.type === 'StateRetried')).toEqual([]);
    expect(send.map((e) => e.type)).toContain('StateCaught');
    expect(eventsOf(executionArn!, 'DeadLetter').map((e) => e.type)).toContain('StateEntered');
  });
});
