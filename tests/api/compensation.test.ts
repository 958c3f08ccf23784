// The deployment's compensation rules (SPEC section 7: the delay rule is the deployment's choice) reach the
// suggestion a `resolve` records, through the same environment variable the CDK stack sets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sampleComplaint, splitActor, startTestApi, type TestApi } from '../support/embedded.ts';

type Money = { amount: number; currency: string };
type Complaint = {
  id: string;
  status: string;
  resolution: { compensation: Money | null; suggestedCompensation: Money | null } | null;
};

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    environment: { COMPENSATION_RULES: JSON.stringify({ delay: { percentOfPostage: 50 } }) },
  });
});
afterAll(async () => {
  await api?.close();
});

async function act(id: string, body: Record<string, unknown>): Promise<Complaint> {
  // Right after a stage change the workflow may still be registering its callback (409 + Retry-After).
  return eventually(async () => {
    const { as, action } = splitActor(body);
    const response = await api.as(as).post<Complaint>(`/v1/complaints/${id}/actions`, action);
    if (response.status === 409 && response.headers.get('retry-after')) return undefined;
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  });
}

async function resolved(overrides: Record<string, unknown>, resolve: Record<string, unknown> = {}) {
  const created = await api.post<Complaint>('/v1/complaints', sampleComplaint(overrides));
  expect(created.status).toBe(201);
  await act(created.body.id, { action: 'accept', actor: 'agent-7' });
  return act(created.body.id, {
    action: 'resolve',
    actor: 'agent-7',
    resolution: '已联系网点加急派送，今日送达',
    ...resolve,
  });
}

describe('compensation rules from the deployment', () => {
  it('suggests half the postage for a delay, as COMPENSATION_RULES says (the default refunds all of it)', async () => {
    // Act
    const complaint = await resolved({ category: 'delay', postage: 12 });

    // Assess
    expect(complaint.status).toBe('awaiting-feedback');
    expect(complaint.resolution?.suggestedCompensation).toEqual({ amount: 6, currency: 'CNY' });
    expect(complaint.resolution?.compensation).toBeNull();
  });

  it('keeps the defaults the override leaves out: severe damage is 30% of the declared value', async () => {
    // Act
    const complaint = await resolved(
      { category: 'damage', declaredValue: 500, description: '包裹破损，里面的瓷器碎了' },
      { damageSeverity: 'severe', compensation: { amount: 120, currency: 'CNY' } },
    );

    // Assess: the suggestion follows the rules, the offer is the agent's own
    expect(complaint.resolution?.suggestedCompensation).toEqual({ amount: 150, currency: 'CNY' });
    expect(complaint.resolution?.compensation).toEqual({ amount: 120, currency: 'CNY' });
  });
});
