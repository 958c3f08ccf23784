// Continue-as-new under a time scale: executions may live a fraction of a second here (on AWS 300 days,
// under the Standard execution's one-year limit). Each hands the complaint over to a fresh execution in
// one fenced write (the stage re-entered under a new sequence number) and ends as SUCCEEDED; the stage's
// timers fire once each across the hand-overs, and actions reach whichever execution waits now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { eventually, sampleComplaint, startTestApi, type TestApi, postAction } from '../support/embedded.ts';

// 1 SLA hour = 0.1 s: the normal response clock (24 h) breaches at 2.4 s, its warning comes at 1.92 s.
const TIME_SCALE = 36_000;
const MAX_AGE_SECONDS = 0.4;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaints';

type Complaint = { id: string; status: string; escalationLevel: number };

let api: TestApi;
let sfn: SFNClient;

beforeAll(async () => {
  api = await startTestApi({
    timeScale: TIME_SCALE,
    reconcileIntervalMs: 0,
    environment: { COMPLAINT_EXECUTION_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) },
  });
  sfn = new SFNClient({
    endpoint: api.stack.sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  await api?.close();
});

async function executionsOf(id: string) {
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE, maxResults: 1000 }));
  return (listed.executions ?? []).filter((e) => e.name === id || e.name?.startsWith(`${id}--`));
}

describe('continue-as-new', () => {
  it('hands a long-lived complaint over to fresh executions without losing or repeating a timer', async () => {
    const { id } = (await api.post<Complaint>('/v1/complaints', sampleComplaint())).body;

    // Act: leave it past its response deadline, several execution lifetimes.
    // The end signal: escalated, and handed over at least twice (on a loaded machine hand-overs lag the
    // deadline a little; the complaint keeps handing over while it waits, so both come).
    const { escalated, executions } = await eventually(
      async () => {
        const c = (await api.get<Complaint>(`/v1/complaints/${id}`)).body;
        const all = await executionsOf(id);
        return c.escalationLevel >= 1 && all.length >= 3 ? { escalated: c, executions: all } : undefined;
      },
      30_000,
      'escalation after several executions',
    );

    // Assess: several executions, every one but the newest handed over (SUCCEEDED), one running...
    const running = executions.filter((e) => e.status === 'RUNNING');
    expect(running).toHaveLength(1);
    expect(executions.filter((e) => e.status !== 'RUNNING').every((e) => e.status === 'SUCCEEDED')).toBe(
      true,
    );
    const newest = Math.max(...executions.map((e) => Number(e.name?.split('--')[1] ?? 0)));
    expect(running[0]?.name).toBe(`${id}--${newest}`);
    // ...and each timer fired once: one warning, one escalation to level 1.
    const types = (
      await api.get<{ items: { type: string }[] }>(`/v1/complaints/${id}/timeline`)
    ).body.items.map((e) => e.type);
    expect(types.filter((t) => t === 'sla-warning')).toHaveLength(1);
    expect(types.filter((t) => t === 'escalated')).toHaveLength(1);
    expect(escalated.status).toBe('received');

    // The execution waiting now takes the next action.
    const accepted = await eventually(
      async () => {
        const r = await postAction<Complaint>(api, id, {
          action: 'accept',
          actor: 'agent-1',
        });
        return r.status === 409 && r.headers.get('retry-after') ? undefined : r;
      },
      10_000,
      'accept',
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('investigating');
  });
});
