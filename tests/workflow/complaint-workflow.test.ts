// The workflows/ definition executed by aws-local-stepfunctions through every path that matters, driven
// over HTTP with the SLA clock scaled down (COMPLAINTS_TIME_SCALE) so a whole ladder runs in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendTaskSuccessCommand, SFNClient, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { complaintKey } from '#adapters/table-design';
import { eventually, sampleComplaint, splitActor, startTestApi, type TestApi } from '../support/embedded.ts';

// 1 SLA hour = 0.1 s: urgent response (2 h) = 0.2 s, normal response (24 h) = 2.4 s, resolution 7 days = 16.8 s.
const TIME_SCALE = 36_000;
const EXECUTION_ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000:execution:complaints:';

type Complaint = {
  id: string;
  status: string;
  version: number;
  escalationLevel: number;
  regulatoryRisk: boolean;
  closeReason: string | null;
  shortId: string;
};
type Timeline = { items: { type: string; from?: string; to?: string; data?: Record<string, unknown> }[] };
type Outbox = {
  items: { kind: string; event: string | null; message: string; status: string; key: string | null }[];
};

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE });
});
afterAll(async () => {
  await api?.close();
});

async function register(overrides: Record<string, unknown> = {}): Promise<Complaint> {
  const created = await api.post<Complaint>('/v1/complaints', sampleComplaint(overrides));
  expect(created.status).toBe(201);
  return created.body;
}

async function act(id: string, body: Record<string, unknown>): Promise<Complaint> {
  // Right after a stage change the workflow may still be registering its callback (409 + Retry-After).
  return eventually(
    async () => {
      const { as, action } = splitActor(body);
      const response = await api.as(as).post<Complaint>(`/v1/complaints/${id}/actions`, action);
      if (response.status === 409 && response.headers.get('retry-after')) return undefined;
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    },
    10_000,
    `action ${String(body.action)}`,
  );
}

async function complaint(id: string): Promise<Complaint> {
  return (await api.get<Complaint>(`/v1/complaints/${id}`)).body;
}

async function timeline(id: string): Promise<Timeline['items']> {
  return (await api.get<Timeline>(`/v1/complaints/${id}/timeline`)).body.items;
}

async function outbox(id: string): Promise<Outbox['items']> {
  return (await api.get<Outbox>(`/_local/outbox?complaintId=${id}`)).body.items;
}

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const doc = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: 'us-east-1', credentials }),
  );

async function executionStatus(id: string): Promise<string | undefined> {
  const sfn = new SFNClient({
    endpoint: api.stack.sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const { status } = await sfn.send(
    new DescribeExecutionCommand({ executionArn: `${EXECUTION_ARN_PREFIX}${id}` }),
  );
  return status;
}

const waitForStatus = (id: string, status: string, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const c = await complaint(id);
      return c.status === status ? c : undefined;
    },
    timeoutMs,
    `status ${status}`,
  );

describe('complaint workflow', () => {
  it('runs the happy path received -> investigating -> awaiting-feedback -> closed in at most 20 transitions', async () => {
    // Prepare
    const { id } = await register({ priority: 'normal' });
    // Act
    await act(id, { action: 'accept', actor: 'agent-7' });
    await act(id, { action: 'resolve', actor: 'agent-7', resolution: '已联系网点加急派送，今日送达' });
    const feedback = await eventually(async () => {
      const r = await api.post<Complaint>(`/v1/complaints/${id}/feedback`, { score: 5 });
      return r.status === 200
        ? r.body
        : r.status === 409 && r.headers.get('retry-after')
          ? undefined
          : r.body;
    });
    // Assess
    expect(feedback.status).toBe('closed');
    expect(feedback.closeReason).toBe('satisfied');
    await eventually(
      async () => ((await executionStatus(id)) === 'SUCCEEDED' ? true : undefined),
      10_000,
      'execution end',
    );
    const transitions = api.stack.sfn.transitions(`${EXECUTION_ARN_PREFIX}${id}`);
    console.log(`happy path state transitions: ${transitions}`);
    expect(transitions).toBeLessThanOrEqual(20);
    const events = (await outbox(id)).map((m) => m.event ?? m.key);
    await eventually(
      async () => ((await outbox(id)).length >= 4 ? true : undefined),
      10_000,
      'four customer texts',
    );
    const texts = (await outbox(id)).filter((m) => m.kind === 'sms');
    expect(texts.map((m) => (m.key ?? m.event ?? '').split('.')[0]).sort()).toEqual([
      'accepted',
      'answered',
      'closed',
      'received',
    ]);
    expect(events.length).toBeGreaterThan(0);
  });

  it("opens a new complaint's first stage as registration planned it, with no read or write of its own", async () => {
    // Prepare
    const sfn = new SFNClient({ endpoint: api.stack.sfn.endpoint, region: 'us-east-1', credentials });

    // Act
    const { id } = await register({ priority: 'normal' });
    const parked = await eventually(async () => {
      const { Item } = await doc().send(
        new GetCommand({ TableName: 'complaints', Key: complaintKey(id), ConsistentRead: true }),
      );
      const item = Item as { version: number; stage: { seq: number; taskToken?: string } } | undefined;
      return item?.stage.taskToken ? item : undefined;
    });
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: `${EXECUTION_ARN_PREFIX}${id}` }),
    );

    // Assess: created at version 1; AwaitStage's token write is the only one (OpenStage used to re-write it)
    const input = JSON.parse(execution.input ?? '{}') as { complaintId: string; opening?: { seq: number } };
    expect(input.complaintId).toBe(id);
    expect(input.opening?.seq).toBe(parked.stage.seq);
    expect(parked.version).toBe(2);
    // ...and the stage it opened works: the agent's action completes AwaitStage's callback.
    expect((await act(id, { action: 'accept', actor: 'agent-7' })).status).toBe('investigating');
  });

  it('pauses in pending-customer and resumes on customer-reply', async () => {
    const { id } = await register();
    await act(id, { action: 'accept', actor: 'agent-1' });
    const pending = await act(id, {
      action: 'request-info',
      actor: 'agent-1',
      message: '请提供寄件凭证照片',
    });
    expect(pending.status).toBe('pending-customer');
    const resumed = await act(id, { action: 'customer-reply', actor: 'customer', message: '已上传' });
    expect(resumed.status).toBe('investigating');
    const types = (await timeline(id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['info-requested', 'customer-replied']));
  });

  it('escalates an unanswered urgent complaint to levels 1, 2 and 3 and alerts each level', async () => {
    const { id } = await register({ priority: 'urgent' });
    const top = await eventually(
      async () => {
        const c = await complaint(id);
        return c.escalationLevel === 3 ? c : undefined;
      },
      20_000,
      'level 3',
    );
    expect(top.status).toBe('received');
    const escalations = (await timeline(id))
      .filter((e) => e.type === 'escalated')
      .map((e) => e.data?.toLevel);
    expect(escalations.slice(0, 3)).toEqual([1, 2, 3]);
    const staff = await eventually(
      async () => {
        const topics = (await outbox(id)).filter((m) => m.kind === 'topic');
        return topics.length >= 3 ? topics : undefined;
      },
      10_000,
      'three staff alerts',
    );
    expect(staff.length).toBeGreaterThanOrEqual(3);
    // The customer is told once, however high the complaint climbs.
    const customerEscalated = (await outbox(id)).filter(
      (m) => m.kind === 'sms' && (m.key ?? '').startsWith('escalated'),
    );
    expect(customerEscalated).toHaveLength(1);
    // Still open and still actionable at the top of the ladder.
    const accepted = await act(id, { action: 'accept', actor: 'hq-1' });
    expect(accepted.status).toBe('investigating');
  });

  it('warns the owner at 80% of the stage clock, once, before escalating', async () => {
    // normal response clock: 24 h = 2.4 s, warning at 1.92 s.
    const { id } = await register({ priority: 'normal', customer: { phone: '13900001111' } });
    const warned = await eventually(
      async () => {
        const events = (await timeline(id)).map((e) => e.type);
        return events.includes('escalated') ? events : undefined;
      },
      15_000,
      'first escalation',
    );
    expect(warned.filter((t) => t === 'sla-warning')).toHaveLength(1);
    expect(warned.indexOf('sla-warning')).toBeLessThan(warned.indexOf('escalated'));
    const alerts = await eventually(
      async () => {
        const topics = (await outbox(id)).filter(
          (m) => m.kind === 'topic' && (m.key ?? '').startsWith('staff-warning'),
        );
        return topics.length ? topics : undefined;
      },
      10_000,
      'warning alert',
    );
    expect(alerts).toHaveLength(1);
  });

  it('flags regulatory risk and raises to level 2 when the resolution clock runs out', async () => {
    // urgent resolution clock: 3 days = 7.2 s from receivedAt; received 6.5 s ago, so it breaches at once.
    const receivedAt = new Date(Date.now() - 6_500).toISOString();
    const { id } = await register({ priority: 'urgent', receivedAt, customer: { phone: '13900002222' } });
    await act(id, { action: 'accept', actor: 'agent-5' });
    const flagged = await eventually(
      async () => {
        const c = await complaint(id);
        return c.regulatoryRisk ? c : undefined;
      },
      10_000,
      'regulatory risk',
    );
    expect(flagged.escalationLevel).toBeGreaterThanOrEqual(2);
    const escalation = (await timeline(id)).find(
      (e) => e.type === 'escalated' && e.data?.clock === 'resolution',
    );
    expect(escalation?.data?.regulatoryRisk).toBe(true);
  });

  it('sends a low score into review and back to awaiting-feedback', async () => {
    const { id } = await register();
    await act(id, { action: 'accept', actor: 'agent-2' });
    await act(id, { action: 'resolve', actor: 'agent-2', resolution: '已赔付' });
    const review = await eventually(async () => {
      const r = await api.post<Complaint>(`/v1/complaints/${id}/feedback`, { score: 1, comment: '不满意' });
      return r.status === 200 ? r.body : undefined;
    });
    expect(review.status).toBe('review');
    const answered = await act(id, {
      action: 'resolve',
      actor: 'supervisor-1',
      resolution: '复核后补偿邮费',
    });
    expect(answered.status).toBe('awaiting-feedback');
  });

  it('closes a complaint whose customer never answers the request for information', async () => {
    const { id } = await register();
    await act(id, { action: 'accept', actor: 'agent-3' });
    await act(id, { action: 'request-info', actor: 'agent-3', message: '请提供照片' });
    // pending limit 72 h = 7.2 s at this scale, with one reminder at half of it.
    const closed = await waitForStatus(id, 'closed', 20_000);
    expect(closed.closeReason).toBe('customer-unresponsive');
    expect((await timeline(id)).map((e) => e.type)).toContain('customer-reminded');
  });

  it('records an unexpected failure on the complaint and fails the execution visibly (its event restarts it)', async () => {
    const { id } = await register();
    await act(id, { action: 'accept', actor: 'agent-4' });
    // A corrupted signal: the next stage's task rejects its payload, which no Retry covers.
    const token = await eventually(async () => {
      const { Item } = await doc().send(
        new GetCommand({ TableName: 'complaints', Key: complaintKey(id), ConsistentRead: true }),
      );
      const stage = Item?.stage as { taskToken?: string; name?: string } | undefined;
      return stage?.name === 'investigating' ? stage.taskToken : undefined;
    });
    const sfn = new SFNClient({
      endpoint: api.stack.sfn.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify({
          Payload: { complaintId: id, stage: { name: 'nonsense', seq: 1, timeoutSeconds: 1 } },
        }),
      }),
    );
    await eventually(
      async () => ((await executionStatus(id)) === 'FAILED' ? true : undefined),
      10_000,
      'execution failed',
    );
    expect((await timeline(id)).map((e) => e.type)).toContain('workflow-failed');
  });
});
