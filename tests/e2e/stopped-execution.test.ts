// An operator's `aws stepfunctions stop-execution` with no status event to heal it (the stack delivers
// none here, as when an event is lost): the next action through HTTP restarts the execution instead of
// answering 409 workflow-not-ready for ever, and the complaint's timers and actions run again.
import { postUntilReady } from '../support/spawned-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { complaintKey } from '#adapters/table-design';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const TIME_SCALE = 36_000;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaints';
const executionArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

type Complaint = { id: string; status: string; escalationLevel: number };

let api: TestApi;
let sfn: SFNClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, executionEvents: false, reconcileIntervalMs: 0 });
  sfn = new SFNClient({ endpoint: api.stack.sfn.endpoint, region: 'us-east-1', credentials });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: 'us-east-1', credentials }),
  );
});
afterAll(async () => {
  await api?.close();
});

/** An action as the named actor; "between stages" (409 with Retry-After) is retried, anything else answers. */
const act = (id: string, body: Record<string, unknown>) =>
  postUntilReady<Complaint>(api, `/v1/complaints/${id}/actions`, body, 10_000);

async function executionStatus(name: string): Promise<string | undefined> {
  try {
    return (await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) }))).status;
  } catch {
    return undefined;
  }
}

async function storedStage(id: string) {
  const { Item } = await doc.send(
    new GetCommand({ TableName: 'complaints', Key: complaintKey(id), ConsistentRead: true }),
  );
  return Item?.stage as { name: string; taskToken?: string } | undefined;
}

describe('an action on a complaint whose execution was stopped', () => {
  it('restarts the execution while the stage waited on its callback, and the complaint resumes', async () => {
    // Prepare: a complaint waiting in investigating, then its execution stopped by an operator.
    const { id } = (await api.post<Complaint>('/v1/complaints', sampleComplaint())).body;
    expect((await act(id, { action: 'accept', actor: 'agent-1' })).status).toBe(200);
    await eventually(async () => ((await storedStage(id))?.name === 'investigating' ? true : undefined));
    await eventually(async () => ((await storedStage(id))?.taskToken ? true : undefined));
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id), cause: 'ops drill' }));
    expect(await executionStatus(id)).toBe('ABORTED');

    // Act: the next action, through HTTP.
    const asked = await act(id, { action: 'request-info', actor: 'agent-1', message: '请提供照片' });

    // Assess: committed, a new execution runs the committed stage, and the one after works too.
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('pending-customer');
    await eventually(
      async () => ((await executionStatus(`${id}--1`)) === 'RUNNING' ? true : undefined),
      10_000,
      'restarted execution',
    );
    const replied = await act(id, { action: 'customer-reply', actor: 'customer', message: '照片已上传' });
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body.status).toBe('investigating');
  });

  it('restarts the execution stopped between stages (no callback registered)', async () => {
    const { id } = (await api.post<Complaint>('/v1/complaints', sampleComplaint())).body;
    await eventually(async () => ((await storedStage(id))?.taskToken ? true : undefined));
    // Stopped in the moment between two stages: no task waits, no token is stored.
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id) }));
    await doc.send(
      new UpdateCommand({
        TableName: 'complaints',
        Key: complaintKey(id),
        UpdateExpression: 'REMOVE #stage.#token SET #version = #version + :one',
        ExpressionAttributeNames: { '#stage': 'stage', '#token': 'taskToken', '#version': 'version' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );

    const accepted = await act(id, { action: 'accept', actor: 'agent-2' });

    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('investigating');
    await eventually(
      async () => ((await executionStatus(`${id}--1`)) === 'RUNNING' ? true : undefined),
      10_000,
      'restarted execution',
    );
    // The restarted execution runs the stage's timers: the handling clock (48 h = 4.8 s) breaches.
    const escalated = await eventually(
      async () => {
        const c = (await api.get<Complaint>(`/v1/complaints/${id}`)).body;
        return c.escalationLevel >= 1 ? c : undefined;
      },
      15_000,
      'escalation',
    );
    expect(escalated.status).toBe('investigating');
  });
});
