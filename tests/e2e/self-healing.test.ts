// Self-healing through the embedded stack, as an operator would see it on AWS: a stopped execution comes
// back by itself from its status change event (the Step Functions stand-in delivers the event to the
// same handler EventBridge would), and a complaint whose workflow fails every time is parked in
// needs-operator after the restart cap, alerted once, listed, and retried after the fix.
import { postUntilReady } from '../support/spawned-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { complaintKey } from '#adapters/table-design';
import { DEFAULT_RESTART_POLICY } from '#domain/execution';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

// Backoff scales with the clocks: the first restart waits 60 s / 36,000 = 1.7 ms.
const TIME_SCALE = 36_000;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaints';
const executionArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

type Complaint = {
  id: string;
  status: string;
  needsOperator: { since: string; reason: string; failures: number } | null;
};

let api: TestApi;
let sfn: SFNClient;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileIntervalMs: 0 });
  sfn = new SFNClient({ endpoint: api.stack.sfn.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  await api?.close();
});

async function register(): Promise<string> {
  const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
  expect(created.status).toBe(201);
  return created.body.id;
}

async function act(id: string, body: Record<string, unknown>): Promise<Complaint> {
  const response = await postUntilReady<Complaint>(api, `/v1/complaints/${id}/actions`, body, 10_000);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function executionStatus(name: string): Promise<string | undefined> {
  try {
    return (await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) }))).status;
  } catch {
    return undefined;
  }
}

const ops = <T>(command: Record<string, unknown>) => api.post<T>('/_local/reconcile', command);

describe('self-healing executions', () => {
  it('restarts a stopped execution from its status change event, and the complaint carries on', async () => {
    const id = await register();
    await act(id, { action: 'accept', actor: 'agent-1' });

    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id), cause: 'ops drill' }));

    // Assess: the ABORTED event starts attempt 1 without anyone acting on the complaint...
    await eventually(
      async () => ((await executionStatus(`${id}--1`)) === 'RUNNING' ? true : undefined),
      10_000,
      'restarted execution',
    );
    expect(await executionStatus(id)).toBe('ABORTED');
    // ...which waits in the stage again: the next action completes its callback.
    const asked = await act(id, { action: 'request-info', actor: 'agent-1', message: '请提供照片' });
    expect(asked.status).toBe('pending-customer');
    expect(asked.needsOperator).toBeNull();
  });

  it('parks a complaint that keeps failing, alerts staff once, and resumes it on an operator retry', async () => {
    const id = await register();
    await act(id, { action: 'accept', actor: 'agent-2' });
    // A defect that fails every execution: a stage sequence that is not a number (no task accepts it).
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: 'us-east-1', credentials }),
    );
    const setStageSeq = (seq: string | number) =>
      doc.send(
        new UpdateCommand({
          TableName: 'complaints',
          Key: complaintKey(id),
          // A new version, so no write of the workflow's that read the old one can overwrite it.
          UpdateExpression: 'SET #stage.#seq = :seq, #version = #version + :one',
          ExpressionAttributeNames: { '#stage': 'stage', '#seq': 'seq', '#version': 'version' },
          ExpressionAttributeValues: { ':seq': seq, ':one': 1 },
        }),
      );
    await setStageSeq('broken');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id) }));

    // Assess: restarted up to the cap, then parked, visible on the complaint and in the listing.
    const parked = await eventually(
      async () => {
        const c = (await api.get<Complaint>(`/v1/complaints/${id}`)).body;
        return c.needsOperator ? c : undefined;
      },
      20_000,
      'needs-operator',
    );
    expect(parked.needsOperator?.failures).toBe(DEFAULT_RESTART_POLICY.maxRestarts + 1);
    const lastAttempt = DEFAULT_RESTART_POLICY.maxRestarts;
    expect(await executionStatus(`${id}--${lastAttempt}`)).toBe('FAILED');
    expect(await executionStatus(`${id}--${lastAttempt + 1}`)).toBeUndefined();
    const listed = await ops<{ items: { id: string }[] }>({ command: 'needs-operator' });
    expect(listed.body.items.map((item) => item.id)).toContain(id);
    const timeline = (await api.get<{ items: { type: string }[] }>(`/v1/complaints/${id}/timeline`)).body
      .items;
    expect(timeline.filter((e) => e.type === 'workflow-parked')).toHaveLength(1);
    const alerts = await eventually(async () => {
      const outbox = await api.get<{ items: { event: string | null }[] }>(`/_local/outbox?complaintId=${id}`);
      const failures = outbox.body.items.filter((m) => m.event === 'staff-failure');
      return failures.length > 0 ? failures : undefined;
    });
    expect(alerts).toHaveLength(1);

    // Act: the operator fixes the data and retries.
    await setStageSeq(100);
    const retried = await ops<{ outcome: string }>({
      command: 'retry',
      complaintId: id,
      operator: 'ops-wang',
    });
    expect(retried.body.outcome).toBe('restarted');

    // Assess: a fresh execution runs, the complaint left needs-operator and takes actions again.
    await eventually(
      async () => ((await executionStatus(`${id}--${lastAttempt + 1}`)) === 'RUNNING' ? true : undefined),
      10_000,
      'retried execution',
    );
    const resolved = await act(id, { action: 'resolve', actor: 'agent-2', resolution: '已重新派送' });
    expect(resolved.status).toBe('awaiting-feedback');
    expect(resolved.needsOperator).toBeNull();
    const after = await ops<{ items: { id: string }[] }>({ command: 'needs-operator' });
    expect(after.body.items.map((item) => item.id)).not.toContain(id);
  });
});
