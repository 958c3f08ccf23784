// Compensation as a claim, through HTTP on the embedded stack (SPEC section 11): the suggestion staff read
// before offering, an offer the customer declines, a second one they accept, its payment with a reference
// against its own clock, and the customer's texts at offer and payment. Also: a staff close is not worded
// as the customer's withdrawal, a score of 3 closes neutral, and a late pre-breach warning is not sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServiceDeps } from '#composition/deps';
import { deliverNotification } from '#use-cases/deliver-notification';
import type { OutboxItem } from '../../infra/local/cli/outbox.ts';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  type ApiResponse,
  type TestApi,
} from '../support/embedded.ts';

type Money = { amount: number; currency: string };
type Claim = {
  number: number;
  remedy: string;
  amount: Money | null;
  kind: string;
  suggested: Money | null;
  rule: string | null;
  status: string;
  decidedBy: string | null;
  payBy: string | null;
  paymentOverdue: boolean;
  paymentReference: string | null;
};
type Complaint = {
  id: string;
  status: string;
  version: number;
  closeReason: string | null;
  claim: Claim | null;
  allowedActions: string[];
};
type Suggestion = {
  remedy: string;
  kind: string;
  amount: Money | null;
  rule: string | null;
  basis: string | null;
  legalBasis: string | null;
  otherRemedies: string[];
};

const AGENT = { role: 'agent', user: 'agent-7' } as const;
const SUPERVISOR = { role: 'supervisor', user: 'sup-1' } as const;

let api: TestApi;
/** The request/response sequence, for the evidence (printed when CLAIM_EVIDENCE is set). */
const evidence: string[] = [];

beforeAll(async () => {
  api = await startTestApi({ environment: { SMS_SIGNATURE: '【中国邮政】' } });
});
afterAll(async () => {
  if (process.env.CLAIM_EVIDENCE) console.log(evidence.join('\n'));
  await api?.close();
});

function note<T>(request: string, response: ApiResponse<T>, summary: (body: T) => string): ApiResponse<T> {
  evidence.push(`${request} -> ${response.status} ${summary(response.body)}`);
  return response;
}

const claimOf = (c: Complaint) =>
  c.claim ? `claim #${c.claim.number} ${c.claim.remedy} ${c.claim.status}` : 'no claim';

/** An action; right after a stage change the workflow may still be registering (409 + Retry-After). */
async function act(
  id: string,
  as: { role: 'agent' | 'supervisor' | 'intake'; user: string } | 'intake',
  body: Record<string, unknown>,
): Promise<ApiResponse<Complaint>> {
  return eventually(async () => {
    const client = as === 'intake' ? api : api.as(as);
    const response = await client.post<Complaint>(`/v1/complaints/${id}/actions`, body);
    if (response.status === 409 && response.headers.get('retry-after')) return undefined;
    const who = as === 'intake' ? 'intake(for customer)' : as.user;
    return note(`POST /actions ${String(body.action)} as ${who}`, response, (c) =>
      typeof c.status === 'string'
        ? `${c.status}, ${claimOf(c)}`
        : `problem: ${String((c as unknown as { detail?: string }).detail ?? '')}`,
    );
  });
}

const texts = async (id: string) =>
  (await api.get<{ items: OutboxItem[] }>(`/_local/outbox?complaintId=${id}`)).body.items.filter(
    (m) => m.kind === 'sms',
  );

async function textFor(id: string, event: string): Promise<string> {
  const sms = await eventually(
    async () => (await texts(id)).find((m) => m.event === event),
    15_000,
    `the ${event} text`,
  );
  evidence.push(`  text ${event}: ${sms.message}`);
  return sms.message;
}

async function registered(overrides: Record<string, unknown>): Promise<string> {
  const created = await api.post<Complaint>('/v1/complaints', sampleComplaint(overrides));
  expect(created.status).toBe(201);
  note('POST /v1/complaints', created, (c) => `${c.status} (${JSON.stringify(overrides)})`);
  return created.body.id;
}

describe('a compensation claim through HTTP', () => {
  it('is suggested, offered, declined, offered again, accepted and paid, with texts at offer and payment', async () => {
    // Prepare: an insured parcel of 800 yuan, a quarter of its contents missing (内件短少)
    const id = await registered({
      category: 'loss',
      description: '包裹收到了但里面少了一件衣服',
      declaredValue: 800,
      postage: 20,
      insured: true,
    });
    await act(id, AGENT, { action: 'accept' });

    // Act 1: the suggestion staff read before offering
    const suggested = note(
      'POST /compensation/suggestion {missingShare: 0.25}',
      await api
        .as(AGENT)
        .post<Suggestion>(`/v1/complaints/${id}/compensation/suggestion`, { missingShare: 0.25 }),
      (s) => `${s.amount?.amount} CNY by ${s.rule} (${s.kind})`,
    );

    // Assess 1: in proportion to what is missing, with its rule and legal basis
    expect(suggested.status).toBe(200);
    expect(suggested.body).toMatchObject({
      remedy: 'money',
      kind: 'damages',
      amount: { amount: 200, currency: 'CNY' },
      rule: 'partial-loss-insured',
      otherRemedies: ['resend', 'replacement'],
    });
    expect(suggested.body.legalBasis).toContain('Postal Law art. 47');

    // Act 2: a first offer below the suggestion, which the customer declines
    const first = await act(id, AGENT, {
      action: 'offer-compensation',
      remedy: 'money',
      amount: { amount: 150, currency: 'CNY' },
      missingShare: 0.25,
    });
    const offeredText = await textFor(id, 'claim-offered');
    const declined = await act(id, 'intake', { action: 'decline-compensation', reason: '金额太低' });

    // Assess 2
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('investigating');
    expect(first.body.claim).toMatchObject({
      number: 1,
      status: 'offered',
      amount: { amount: 150, currency: 'CNY' },
      suggested: { amount: 200, currency: 'CNY' },
      rule: 'partial-loss-insured',
      kind: 'damages',
    });
    expect(first.body.allowedActions).toEqual(
      expect.arrayContaining(['accept-compensation', 'decline-compensation']),
    );
    expect(first.body.allowedActions).not.toContain('record-payment');
    expect(offeredText).toMatch(/^【中国邮政】您的投诉.+拟赔偿150\.00元，请通过原投诉渠道告知是否接受。$/);
    expect(declined.body.claim).toMatchObject({ status: 'declined', decidedBy: 'customer' });

    // Act 3: a second offer at the suggestion, accepted; then a payment with a stale version, and a good one
    await act(id, AGENT, {
      action: 'offer-compensation',
      remedy: 'money',
      amount: { amount: 200, currency: 'CNY' },
    });
    const accepted = await act(id, 'intake', { action: 'accept-compensation' });
    const stale = await act(id, AGENT, {
      action: 'record-payment',
      paymentReference: 'PAY-2026-0001',
      expectedVersion: accepted.body.version - 1,
    });
    const paid = await act(id, AGENT, {
      action: 'record-payment',
      paymentReference: 'PAY-2026-0001',
      expectedVersion: accepted.body.version,
    });
    const again = await act(id, AGENT, { action: 'record-payment', paymentReference: 'PAY-2026-0002' });
    const paidText = await textFor(id, 'claim-paid');

    // Assess 3: its own clock to payment (7 working days), conditional writes, the payment text
    expect(accepted.body.claim).toMatchObject({ number: 2, status: 'accepted', paymentOverdue: false });
    const payBy = Date.parse(accepted.body.claim?.payBy ?? '');
    expect(payBy - Date.now()).toBeGreaterThan(7 * 24 * 3600 * 1000);
    // At most three weeks even across the Spring Festival or National Day holidays.
    expect(payBy - Date.now()).toBeLessThan(21 * 24 * 3600 * 1000);
    expect(stale.status).toBe(409);
    expect(paid.status).toBe(200);
    expect(paid.body.claim).toMatchObject({ status: 'paid', paymentReference: 'PAY-2026-0001' });
    expect(again.status).toBe(409);
    expect(paidText).toMatch(/^【中国邮政】您的投诉.+的赔偿款200\.00元已支付，请注意查收。$/);
    expect((await texts(id)).filter((m) => m.event === 'claim-offered')).toHaveLength(2);
    expect((await texts(id)).filter((m) => m.event === 'claim-paid')).toHaveLength(1);

    // Act 4: the answer, rated 3 (一般)
    await act(id, AGENT, { action: 'resolve', resolution: '已赔偿缺少的衣服，并督促网点改进封装' });
    const rated = note(
      'POST /feedback {score: 3}',
      await eventually(async () => {
        const r = await api.post<Complaint>(`/v1/complaints/${id}/feedback`, { score: 3 });
        return r.status === 409 ? undefined : r;
      }),
      (c) => `${c.status} ${c.closeReason}`,
    );
    const closedText = await textFor(id, 'closed');

    // Assess 4: neutral, not satisfied, and thanked for the rating it gave
    expect(rated.body).toMatchObject({ status: 'closed', closeReason: 'neutral' });
    expect(closedText).toMatch(/已结案，感谢您的评价。$/);
    const timeline = await api.as(AGENT).get<{ items: { type: string }[] }>(`/v1/complaints/${id}/timeline`);
    expect(timeline.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['claim-offered', 'claim-declined', 'claim-accepted', 'claim-paid']),
    );
  });

  it('offers a resend instead of money, and pays on a closed complaint too', async () => {
    // Prepare
    const id = await registered({ category: 'delay', postage: 12 });
    await act(id, AGENT, { action: 'accept' });

    // Act
    const money = await act(id, AGENT, {
      action: 'offer-compensation',
      remedy: 'resend',
      amount: { amount: 5, currency: 'CNY' },
    });
    await act(id, AGENT, { action: 'offer-compensation', remedy: 'resend' });
    const offeredText = await textFor(id, 'claim-offered');
    await act(id, 'intake', { action: 'accept-compensation' });
    await act(id, SUPERVISOR, { action: 'close', reason: '已补寄，客户同意结案' });
    const paid = await act(id, AGENT, { action: 'record-payment', paymentReference: 'SF9876543210' });
    const paidText = await textFor(id, 'claim-paid');

    // Assess
    expect(money.status).toBe(400);
    expect(offeredText).toContain('拟为您补寄物品');
    expect(paid.body).toMatchObject({ status: 'closed', claim: { status: 'paid', remedy: 'resend' } });
    expect(paidText).toContain('补寄或换货物品已寄出');
  });

  it('refuses an offer from a role that may not work complaints, and a suggestion to an auditor', async () => {
    // Prepare
    const id = await registered({ category: 'damage', declaredValue: 300 });

    // Act
    const auditor = { role: 'auditor', user: 'aud-1' } as const;
    const suggestion = await api
      .as(auditor)
      .post(`/v1/complaints/${id}/compensation/suggestion`, { damageSeverity: 'minor' });
    const offer = await api
      .as(auditor)
      .post(`/v1/complaints/${id}/actions`, { action: 'offer-compensation', remedy: 'replacement' });

    // Assess
    expect(suggestion.status).toBe(403);
    expect(offer.status).toBe(403);
  });
});

describe('staff closes and late warnings', () => {
  it('closes by staff without a reason as closed-by-staff, never telling the customer they withdrew', async () => {
    // Prepare
    const id = await registered({});

    // Act
    const closed = await act(id, SUPERVISOR, { action: 'close', reason: '重复来电，已在另一工单处理' });
    const text = await textFor(id, 'closed');

    // Assess
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'closed-by-staff' });
    expect(text).toMatch(/^【中国邮政】您的投诉.+已结案：经核实已办结。$/);
    expect(text).not.toMatch(/撤回|感谢/);
  });

  it('does not deliver a pre-breach warning once its deadline has passed', async () => {
    // Prepare: a warning owed for a deadline that passed a moment ago (held back, or retried, too long)
    const id = await registered({});
    const deps = getServiceDeps();
    const late = {
      key: 'staff-warning.late',
      audience: 'staff' as const,
      event: 'staff-warning' as const,
      level: 0 as const,
      createdAt: new Date(Date.now() - 60_000).toISOString(),
      data: { clock: 'response', dueAt: new Date(Date.now() - 7_000).toISOString() },
    };
    const timely = {
      ...late,
      key: 'staff-warning.timely',
      data: { ...late.data, dueAt: new Date(Date.now() + 3_600_000).toISOString() },
    };

    // Act
    const lateOutcome = await deliverNotification(deps, { complaintId: id, notification: late });
    const timelyOutcome = await deliverNotification(deps, { complaintId: id, notification: timely });

    // Assess
    expect(lateOutcome).toBe('nothing-to-send');
    expect(timelyOutcome).toBe('sent');
    const alerts = (
      await api.get<{ items: OutboxItem[] }>(`/_local/outbox?complaintId=${id}`)
    ).body.items.filter((m) => m.kind === 'topic');
    expect(alerts.map((m) => m.key)).not.toContain('staff-warning.late');
    expect(alerts.find((m) => m.key === 'staff-warning.timely')?.message).toContain('超时预警');
  });
});
