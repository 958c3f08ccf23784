// A complaint's whole life through HTTP, as an upstream system and its agents drive it: every action, the
// timeline it leaves, the texts the customer and staff receive, escalation when nobody answers, the list's
// filters and cursor pagination, and the customer's phone number never appearing in full in any answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApi, type TestApi } from '../support/embedded.ts';
import { httpApi, type HttpApi } from '../support/http-api.ts';
import {
  listAll,
  outboxOf,
  postUntilReady,
  timelineOf,
  type ComplaintBody,
  type OutboxItem,
} from '../support/spawned-stack.ts';

// 1 SLA hour = 1 s, and quiet hours are off (in real time, texts between 21:00 and 08:00 Asia/Shanghai wait
// for 08:00): an urgent complaint escalates after 2 s, while the normal ones' 24 h response clock (24 s)
// outlasts the file.
const TIME_SCALE = 3600;
const PHONE = '13712345678';
const PHONE_SPELLINGS = [PHONE, '137-1234-5678', '137 1234 5678', `+86${PHONE}`];

let api: TestApi;
let http: HttpApi;
/** Every answer of the API (the local outbox, a test sink that must show numbers, aside). */
const answers: { path: string; text: string }[] = [];
const created = new Map<string, ComplaintBody>();

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE });
  http = httpApi(api.url, {
    onResponse: (text, path) => {
      if (!path.startsWith('/_local/')) answers.push({ path, text });
    },
  });
});
afterAll(async () => {
  await api?.close();
});

async function register(name: string, body: Record<string, unknown>): Promise<ComplaintBody> {
  const response = await http.post<ComplaintBody>('/v1/complaints', {
    channel: 'hotline',
    description: '快递寄出五天了还没到',
    customer: { phone: PHONE, name: '王小明' },
    ...body,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  created.set(name, response.body);
  return response.body;
}

async function act(id: string, body: Record<string, unknown>): Promise<ComplaintBody> {
  const response = await postUntilReady(http, `/v1/complaints/${id}/actions`, body);
  expect(response.status, `${String(body.action)}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

async function rate(id: string, body: Record<string, unknown>): Promise<ComplaintBody> {
  const response = await postUntilReady(http, `/v1/complaints/${id}/feedback`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const eventOf = (m: OutboxItem) => (m.key ?? m.event ?? '').split('.')[0];

async function sentTexts(id: string, count: number, kind = 'sms'): Promise<OutboxItem[]> {
  return eventually(
    async () => {
      const items = (await outboxOf(http, id)).filter((m) => m.kind === kind && m.status === 'sent');
      return items.length >= count ? items : undefined;
    },
    10_000,
    `${count} ${kind} messages for ${id}`,
  );
}

const idsOf = (items: ComplaintBody[]) => items.map((c) => c.id).sort();
const idsNamed = (...names: string[]) => names.map((n) => created.get(n)?.id ?? n).sort();

describe('a complaint through its whole life', () => {
  it('goes received -> investigating -> pending-customer -> investigating -> awaiting-feedback -> review -> awaiting-feedback -> closed', async () => {
    // Prepare
    const registered = await register('lifecycle', {
      description: `快递五天没到，请回电${PHONE}`,
      category: 'delay',
      trackingNumber: 'sf1234567890',
      declaredValue: 300,
      postage: 15,
    });
    const { id } = registered;

    // Act
    const steps = [
      await act(id, { action: 'accept', actor: 'agent-7' }),
      await act(id, { action: 'note', actor: 'agent-7', text: '已回电 137-1234-5678，客户在家' }),
      await act(id, { action: 'assign', actor: 'supervisor-1', assignee: 'agent-9' }),
      await act(id, { action: 'request-info', actor: 'agent-9', message: '请提供寄件凭证照片' }),
      await act(id, {
        action: 'customer-reply',
        actor: 'customer',
        message: `凭证已上传，电话 137 1234 5678`,
      }),
      await act(id, {
        action: 'resolve',
        actor: 'agent-9',
        resolution: '已联系网点加急派送并退还运费',
        compensation: { amount: 15, currency: 'CNY' },
      }),
      await rate(id, { score: 2, comment: '太慢了' }),
      await act(id, { action: 'resolve', actor: 'supervisor-1', resolution: '复核后追加补偿' }),
      await rate(id, { score: 4 }),
    ];

    // Assess: each answer
    expect(registered).toMatchObject({
      status: 'received',
      category: 'delay',
      priority: 'normal',
      trackingNumber: 'SF1234567890',
      escalationLevel: 0,
      version: 1,
      owner: null,
      customer: { phone: '137****5678', name: '王**', locale: 'zh-CN' },
      allowedActions: expect.arrayContaining(['accept']),
    });
    expect(registered.deadlines.response).not.toBeNull();
    expect(steps.map((c) => c.status)).toEqual([
      'investigating',
      'investigating',
      'investigating',
      'pending-customer',
      'investigating',
      'awaiting-feedback',
      'review',
      'awaiting-feedback',
      'closed',
    ]);
    const versions = [registered, ...steps].map((c) => c.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const closed = (await http.get<ComplaintBody & Record<string, unknown>>(`/v1/complaints/${id}`)).body;
    expect(closed).toMatchObject({
      status: 'closed',
      closeReason: 'satisfied',
      owner: 'agent-9',
      firstResponder: 'agent-7',
      // The 15 yuan offered with the first answer is a claim the customer has not answered yet, and the
      // follow-up of the low score is still to be recorded.
      allowedActions: ['note', 'follow-up', 'accept-compensation', 'decline-compensation'],
      claim: { status: 'offered', amount: { amount: 15, currency: 'CNY' } },
      feedback: { score: 4 },
      resolution: { text: '复核后追加补偿', by: 'supervisor-1' },
    });
    expect(closed.deadlines.stage).toBeNull();

    // The timeline: what happened, who did it, from which status to which.
    const timeline = await timelineOf(http, id);
    expect(timeline.map((e) => [e.type, e.actor, e.from, e.to])).toEqual([
      ['registered', 'test-intake', null, 'received'],
      ['accepted', 'agent-7', 'received', 'investigating'],
      ['note', 'agent-7', 'investigating', null],
      ['assigned', 'supervisor-1', 'investigating', null],
      ['info-requested', 'agent-9', 'investigating', 'pending-customer'],
      ['customer-replied', 'customer', 'pending-customer', 'investigating'],
      ['resolved', 'agent-9', 'investigating', 'awaiting-feedback'],
      ['claim-offered', 'agent-9', 'investigating', null],
      // The score of 2 is called back (回访) as well as reviewed.
      ['follow-up-opened', 'system', null, null],
      ['feedback', 'customer', 'awaiting-feedback', 'review'],
      ['resolved', 'supervisor-1', 'review', 'awaiting-feedback'],
      ['feedback', 'customer', 'awaiting-feedback', null],
      ['closed', 'customer', 'awaiting-feedback', 'closed'],
    ]);
    expect(timeline.find((e) => e.type === 'assigned')?.data).toEqual({ assignee: 'agent-9' });
    expect(timeline.find((e) => e.type === 'resolved')?.data).toMatchObject({
      compensation: { amount: 15, currency: 'CNY' },
    });
    expect(timeline.find((e) => e.type === 'note')?.data).toEqual({ text: '已回电 137****5678，客户在家' });
    const times = timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The texts: one per customer-facing step, to the customer's number, naming the complaint.
    const sms = await sentTexts(id, 6);
    expect(sms.map(eventOf)).toEqual([
      'received',
      'accepted',
      'info-requested',
      'answered',
      'answered',
      'closed',
    ]);
    for (const m of sms) {
      expect(m.to).toBe(`+86${PHONE}`);
      expect(m.message).toContain(registered.shortId);
    }
    expect(sms.find((m) => eventOf(m) === 'answered')?.message).toContain('15.00');
    const staff = await sentTexts(id, 1, 'topic');
    expect(staff.map(eventOf)).toEqual(['staff-review-needed']);
    expect(staff[0]?.message).toContain(registered.shortId);
  });

  it('escalates an urgent complaint nobody accepts, tells the customer once and alerts staff', async () => {
    // Prepare
    const urgent = await register('urgent', {
      priority: 'urgent',
      category: 'delay',
      trackingNumber: 'EA000000001CN',
    });
    // Act: nobody acts; the 2 h response clock (2 s here) runs out.
    const escalated = await eventually(
      async () => {
        const c = (await http.get<ComplaintBody>(`/v1/complaints/${urgent.id}`)).body;
        return c.escalationLevel >= 1 ? c : undefined;
      },
      15_000,
      'first escalation',
    );
    // Assess
    expect(escalated.status).toBe('received');
    const event = (await timelineOf(http, urgent.id)).find((e) => e.type === 'escalated');
    expect(event?.data).toMatchObject({ toLevel: 1 });
    expect(Date.parse(event?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(urgent.deadlines.response ?? ''));
    const sms = await sentTexts(urgent.id, 2);
    expect(sms.map(eventOf)).toEqual(['received', 'escalated']);
    const staff = await sentTexts(urgent.id, 2, 'topic');
    expect(staff.map(eventOf)).toEqual(expect.arrayContaining(['staff-new-urgent', 'staff-escalation']));
    expect(staff.every((m) => !PHONE_SPELLINGS.some((p) => m.message.includes(p)))).toBe(true);
    // Level 2 follows after the grace (half the clock, 1 s here); the customer is not texted again.
    await eventually(
      async () => {
        const c = (await http.get<ComplaintBody>(`/v1/complaints/${urgent.id}`)).body;
        return c.escalationLevel >= 2 ? c : undefined;
      },
      10_000,
      'second escalation',
    );
    const later = (await outboxOf(http, urgent.id)).filter((m) => m.kind === 'sms');
    expect(later.map(eventOf)).toEqual(['received', 'escalated']);
  });

  it('filters the list by status, category, tracking number and escalation, and pages with cursors', async () => {
    // Prepare
    await register('damage', { category: 'damage', trackingNumber: 'YT0000000002' });
    await register('loss', { category: 'loss', trackingNumber: 'JD0000000003' });
    await register('delay', { category: 'delay', trackingNumber: 'ZT0000000004' });
    const investigating = await register('investigating', { category: 'wrong-delivery' });
    await act(investigating.id, { action: 'accept', actor: 'agent-1' });
    const list = async (query: string) => {
      const response = await http.get<{ items: ComplaintBody[]; nextCursor: string | null }>(
        `/v1/complaints?${query}`,
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };

    // Act and assess: filters
    expect(idsOf((await list('status=closed')).items)).toEqual(idsNamed('lifecycle'));
    expect(idsOf((await list('status=investigating')).items)).toEqual(idsNamed('investigating'));
    expect(idsOf((await list('status=received')).items)).toEqual(
      idsNamed('urgent', 'damage', 'loss', 'delay'),
    );
    expect(idsOf((await list('category=damage')).items)).toEqual(idsNamed('damage'));
    expect(idsOf((await list('category=delay')).items)).toEqual(idsNamed('lifecycle', 'urgent', 'delay'));
    expect(idsOf((await list('status=received&category=delay')).items)).toEqual(idsNamed('urgent', 'delay'));
    expect(idsOf((await list('trackingNumber=yt0000000002')).items)).toEqual(idsNamed('damage'));
    expect(idsOf((await list('trackingNumber=SF1234567890')).items)).toEqual(idsNamed('lifecycle'));
    expect((await list('trackingNumber=NOSUCH000000')).items).toEqual([]);
    expect(idsOf((await list('escalated=true')).items)).toEqual(idsNamed('urgent'));
    expect(idsOf((await list('escalated=false')).items)).toEqual(
      idsNamed('lifecycle', 'damage', 'loss', 'delay', 'investigating'),
    );

    // Act and assess: pages of two, newest first, each complaint exactly once, the last page without cursor.
    const pages: ComplaintBody[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: ComplaintBody[]; nextCursor: string | null } = await list(
        `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    const walked = pages.flat();
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(walked.map((c) => c.id)).toEqual([...created.values()].map((c) => c.id).reverse());
    expect(idsOf(await listAll(http))).toEqual(idsOf(walked));
    // A filtered walk, one by one.
    const delays = [];
    let next: string | null = null;
    do {
      const page: { items: ComplaintBody[]; nextCursor: string | null } = await list(
        `category=delay&limit=1${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
      );
      delays.push(...page.items);
      next = page.nextCursor;
    } while (next && delays.length < 10);
    expect(delays.map((c) => c.id)).toEqual(idsNamed('lifecycle', 'urgent', 'delay').reverse());
  });

  it('never answers with the full phone number', () => {
    // Assess: every answer above (complaints, pages, timelines, problems) shows the number masked only.
    expect(answers.length).toBeGreaterThan(20);
    const leaks = answers.filter(({ text }) => PHONE_SPELLINGS.some((spelling) => text.includes(spelling)));
    expect(leaks.map((l) => l.path)).toEqual([]);
    expect(answers.some(({ text }) => text.includes('137****5678'))).toBe(true);
  });
});
