// The satisfaction loop through the customer's link, over real HTTP against the embedded stack: the
// answered text carries the short link, the link redirects to the public view (plain words, no personal
// data), a rating through it closes or opens a review, and a closed complaint's link keeps showing the
// outcome while refusing new input (410), except the very rating that closed it, sent again.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../infra/local/sns/server.ts';
import {
  eventually,
  splitActor,
  startTestApi,
  TEST_INTAKE,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

// 1 SLA hour = 0.1 s and quiet hours off: texts go out at once; the 72 h rating window lasts 7.2 s.
const TIME_SCALE = 36_000;
const PHONE = '13912345678';
const NAME = '李四海';
const DESCRIPTION = '包裹在转运中心滞留一周，联系电话13912345678，地址幸福路88号';
const STAFF_NOTE = '内部备注：网点主管王五负责跟进';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

interface Json {
  [key: string]: unknown;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

/** As the intake system by default (it registers the complaints); the link routes ignore the token. */
async function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  as: Identity = TEST_INTAKE,
): Promise<Reply> {
  const reply = await api.as(as).send({
    method,
    path,
    redirect: 'manual',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: reply.status, headers: reply.headers, text: reply.text, body: reply.body };
}

/** What a well-behaved client does with "409, Retry-After": the workflow is between stages. */
async function sendPatiently(
  method: string,
  path: string,
  body: unknown,
  as: Identity = TEST_INTAKE,
): Promise<Reply> {
  return eventually(
    async () => {
      const reply = await send(method, path, body, {}, as);
      return reply.status === 409 && reply.headers.get('retry-after') ? undefined : reply;
    },
    10_000,
    `${method} ${path} taken (not 409 with Retry-After)`,
  );
}

async function register(overrides: Json = {}, headers: Record<string, string> = {}): Promise<string> {
  const created = await send(
    'POST',
    '/v1/complaints',
    {
      channel: 'hotline',
      description: DESCRIPTION,
      trackingNumber: `EA${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CN`,
      customer: { phone: PHONE, name: NAME },
      ...overrides,
    },
    headers,
  );
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

async function act(id: string, action: Json): Promise<Json> {
  const { as, action: body } = splitActor(action);
  const reply = await sendPatiently('POST', `/v1/complaints/${id}/actions`, body, as);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

/** Registered, accepted, noted internally and answered with compensation: awaiting the customer's rating. */
async function answeredComplaint(overrides: Json = {}): Promise<string> {
  const id = await register(overrides);
  await act(id, { action: 'accept', actor: 'agent-007' });
  await act(id, { action: 'note', actor: 'agent-007', text: STAFF_NOTE });
  await act(id, {
    action: 'resolve',
    actor: 'agent-007',
    resolution: '已协调转运中心优先发运，预计明日送达。',
    compensation: { amount: 20, currency: 'CNY' },
  });
  return id;
}

function sent(id: string, predicate: (entry: OutboxEntry) => boolean, what: string): Promise<OutboxEntry> {
  return eventually(
    async () => api.stack.sns.outbox({ complaintId: id }).find((e) => e.status === 'sent' && predicate(e)),
    10_000,
    what,
  );
}

const LINK = /(http:\/\/localhost:(\d+))\/([0-9A-Za-z]{10})(?![0-9A-Za-z])/;

/** The short link in the complaint's answered text, and the token in it. */
async function linkInAnsweredText(id: string): Promise<{ link: string; token: string; text: string }> {
  const text = await sent(id, (e) => e.kind === 'sms' && e.event === 'answered', 'the answered SMS');
  const match = LINK.exec(text.message);
  if (!match) throw new Error(`no link in the answered text: ${text.message}`);
  return { link: match[0], token: match[3]!, text: text.message };
}

/** The embedded gateway listens on 127.0.0.1; PUBLIC_BASE_URL names it localhost, as a phone would. */
const reachable = (link: string) => link.replace('http://localhost:', 'http://127.0.0.1:');

describe('the answered text', () => {
  it('carries the short link, which redirects to the public view of the complaint', async () => {
    // Prepare
    const id = await answeredComplaint();
    const { link, token, text } = await linkInAnsweredText(id);

    // Act
    const redirect = await fetch(reachable(link), { redirect: 'manual' });
    const followed = await fetch(reachable(link));

    // Assess
    expect(text).toMatch(/拟(补|赔)偿20\.00元/);
    expect(link).toBe(`http://localhost:${api.stack.gateway.port}/${token}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`v1/public/complaints/${token}`);
    expect(followed.status).toBe(200);
    expect(new URL(followed.url).pathname).toBe(`/v1/public/complaints/${token}`);
    expect(await followed.json()).toMatchObject({ status: 'awaiting-feedback', canRate: true });
  });
});

describe('GET /v1/public/complaints/{token}', () => {
  it('shows status, next step, deadline, answer and timeline in plain words, and no personal data', async () => {
    // Prepare
    const id = await answeredComplaint();
    const { token } = await linkInAnsweredText(id);

    // Act
    const view = await send('GET', `/v1/public/complaints/${token}`);

    // Assess
    expect(view.status).toBe(200);
    expect(view.headers.get('content-language')).toBe('zh-CN');
    expect(view.headers.get('cache-control')).toBe('no-store');
    expect(view.body).toMatchObject({
      locale: 'zh-CN',
      about: '投递延误',
      status: 'awaiting-feedback',
      statusText: '已答复，待您评价',
      nextStep: expect.stringMatching(/^请在\d+月\d+日\d\d:\d\d前为我们的答复评分（1-5分）。$/),
      deadline: expect.any(String),
      answer: {
        text: '已协调转运中心优先发运，预计明日送达。',
        compensation: { amount: 20, currency: 'CNY' },
      },
      canRate: true,
      rating: null,
    });
    const timeline = (view.body.timeline as { text: string }[]).map((entry) => entry.text);
    expect(timeline[0]).toBe('投诉已登记');
    expect(timeline).toContain('专人已受理您的投诉');
    expect(timeline.at(-1)).toBe('我们已答复您的投诉，拟向您支付20.00元');
    // Nothing personal or internal: the phone in any spelling, the name, the description, the note, actors, ids.
    for (const secret of [
      PHONE,
      '139****5678',
      NAME,
      DESCRIPTION,
      '幸福路',
      STAFF_NOTE,
      '王五',
      'agent-007',
      id,
      token,
    ]) {
      expect(view.text, secret).not.toContain(secret);
    }
  });

  it("answers in the customer's stored language whatever the browser's, and in the one `lang` switches to", async () => {
    // Prepare
    const id = await answeredComplaint();
    const { token } = await linkInAnsweredText(id);

    // Act
    const stored = await send('GET', `/v1/public/complaints/${token}`, undefined, {
      'Accept-Language': 'en-GB, en;q=0.8',
    });
    const english = await send(
      'GET',
      `/v1/public/complaints/${token}?lang=en&from=singlemessage`,
      undefined,
      {
        'Accept-Language': 'zh-CN',
      },
    );

    // Assess
    expect(stored.headers.get('content-language')).toBe('zh-CN');
    expect(stored.body).toMatchObject({ locale: 'zh-CN' });
    expect(english.status).toBe(200);
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.body).toMatchObject({
      locale: 'en',
      about: 'delay',
      statusText: 'answered, waiting for your rating',
      nextStep: expect.stringMatching(
        /^Please rate our answer from 1 to 5 by \d+ \w+ \d\d:\d\d \(Beijing time\)\.$/,
      ),
    });
    expect((english.body.timeline as { text: string }[]).at(-1)?.text).toBe(
      'We answered your complaint and offered you CNY 20.00',
    );
  });

  it('answers 404 for a token never issued and for one that cannot be a token, on both routes', async () => {
    for (const token of ['NeverIssue', 'short', 'K7Q2M-9X4TB', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']) {
      // Act
      const view = await send('GET', `/v1/public/complaints/${token}`);
      const rating = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 5 });

      // Assess
      for (const reply of [view, rating]) {
        expect(reply.status, token).toBe(404);
        expect(reply.headers.get('content-type')).toBe('application/problem+json');
        expect(reply.body).toMatchObject({ type: 'urn:complaints:problem:link-not-found', status: 404 });
      }
    }
  });

  it('is not shadowed by the short link route, nor does it shadow the staff routes', async () => {
    // Act
    const health = await send('GET', '/v1/health');
    const document = await send('GET', '/v1/openapi.json');
    const malformedShortLink = await send('GET', '/favicon.ico');
    const staffView = await send('GET', `/v1/complaints/${ulid()}`);

    // Assess
    expect(health.status).toBe(200);
    expect(document.status).toBe(200);
    expect(malformedShortLink.status).toBe(404);
    expect(malformedShortLink.body).toMatchObject({ type: 'urn:complaints:problem:link-not-found' });
    expect(staffView.body).toMatchObject({ type: 'urn:complaints:problem:complaint-not-found' });
  });
});

describe('POST /v1/public/complaints/{token}/feedback', () => {
  it('5 closes the complaint as satisfied; the link then shows the outcome and refuses another score', async () => {
    // Prepare
    const id = await answeredComplaint();
    const { token, link } = await linkInAnsweredText(id);

    // Act
    const rated = await sendPatiently('POST', `/v1/public/complaints/${token}/feedback`, {
      score: 5,
      comment: '处理很快，谢谢',
    });
    const viewAfter = await send('GET', `/v1/public/complaints/${token}`);
    const sameAgain = await send('POST', `/v1/public/complaints/${token}/feedback`, {
      score: 5,
      comment: '处理很快，谢谢',
    });
    const ratingAgain = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 1 });
    const staff = await send('GET', `/v1/complaints/${id}`);
    const staffTimeline = await send('GET', `/v1/complaints/${id}/timeline`);

    // Assess
    expect(rated.status, rated.text).toBe(200);
    expect(rated.body).toMatchObject({
      status: 'closed',
      statusText: '已结案',
      nextStep: '投诉已结案：您对答复表示满意。',
      deadline: null,
      canRate: false,
      rating: { score: 5 },
    });
    for (const reply of [viewAfter, sameAgain]) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body).toMatchObject({ status: 'closed', rating: { score: 5 }, canRate: false });
    }
    expect(ratingAgain.status).toBe(410);
    expect(ratingAgain.headers.get('content-type')).toBe('application/problem+json');
    expect(ratingAgain.body).toMatchObject({ type: 'urn:complaints:problem:link-expired', status: 410 });
    expect(staff.body).toMatchObject({
      status: 'closed',
      closeReason: 'satisfied',
      feedback: { score: 5, comment: '处理很快，谢谢' },
    });
    expect(staffTimeline.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'feedback', actor: 'customer', data: { score: 5, via: 'link' } }),
      ]),
    );
    // The short link never reads: it still redirects, and the view it leads to shows the outcome.
    const followed = await fetch(reachable(link));
    expect(followed.status).toBe(200);
  });

  it('1 opens a review and alerts a supervisor on the level-1 topic', async () => {
    // Prepare
    const id = await answeredComplaint();
    const { token } = await linkInAnsweredText(id);

    // Act
    const rated = await sendPatiently('POST', `/v1/public/complaints/${token}/feedback`, {
      score: 1,
      comment: '还是没收到',
    });
    const alert = await sent(
      id,
      (e) => e.kind === 'topic' && e.event === 'staff-review-needed',
      'the staff-review-needed alert',
    );
    const ratingAgain = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 4 });

    // Assess
    expect(rated.status, rated.text).toBe(200);
    expect(rated.body).toMatchObject({
      status: 'review',
      statusText: '复核中',
      canRate: false,
      rating: { score: 1 },
    });
    expect((rated.body.timeline as { text: string }[]).at(-1)?.text).toBe('您为答复评了1分，主管将复核');
    expect(alert.to).toMatch(/:complaints-staff-level-1$/);
    expect(alert.subject).toMatch(/^\[L1\] Review needed: complaint /);
    expect(alert.message).toContain('客户评分：1');
    expect(ratingAgain.status).toBe(409);
    expect(ratingAgain.body).toMatchObject({ status: 409, complaintStatus: 'review' });
  });

  it('refuses a rating before the complaint is answered with 409, and an invalid score with 400', async () => {
    // Prepare: no text carries the token of a complaint not yet answered, so read it from the table.
    const id = await register();
    await act(id, { action: 'accept', actor: 'agent-007' });
    const token = await linkTokenOf(id);

    // Act
    const early = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 5 });
    const invalid = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 6, actor: 'x' });

    // Assess
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: 'urn:complaints:problem:transition-not-allowed' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'score', message: expect.any(String) },
        { path: 'actor', message: 'unknown field' },
      ]),
    );
  });

  it('closes as no-feedback when the window passes without a rating; the link still shows it', async () => {
    // Prepare
    const id = await answeredComplaint();
    const { token } = await linkInAnsweredText(id);

    // Act: the 72 h window is 7.2 s here.
    const closed = await eventually(
      async () => {
        const staff = await send('GET', `/v1/complaints/${id}`);
        return staff.body.status === 'closed' ? staff.body : undefined;
      },
      15_000,
      'the rating window to close the complaint',
    );
    const view = await send('GET', `/v1/public/complaints/${token}`);

    // Assess
    const late = await send('POST', `/v1/public/complaints/${token}/feedback`, { score: 4 });

    // Assess
    expect(closed.closeReason).toBe('no-feedback');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'closed', canRate: false });
    expect(late.status).toBe(410);
  });
});

describe('the link token', () => {
  it('is one per complaint, even when registration is retried, and never shown by the staff API', async () => {
    // Prepare
    const key = `link-${ulid()}`;
    const body = { trackingNumber: 'EA555666777CN' };
    const id = await register(body, { 'Idempotency-Key': key });

    // Act
    const replayed = await register(body, { 'Idempotency-Key': key });
    const claims = await linkClaimsOf(id);
    const staff = await send('GET', `/v1/complaints/${id}`);
    const staffTimeline = await send('GET', `/v1/complaints/${id}/timeline`);
    const list = await send('GET', '/v1/complaints?limit=100');

    // Assess
    expect(claims).toHaveLength(1);
    expect(replayed).toBe(id);
    for (const reply of [staff, staffTimeline, list]) {
      expect(reply.text).not.toContain(claims[0]);
      expect(reply.text).not.toContain('linkToken');
    }
  });
});

// ---- the table, read directly: which link tokens were claimed for a complaint ---------------------------

function table(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: 'us-east-1' }),
  );
}

async function linkClaimsOf(complaintId: string): Promise<string[]> {
  const { Items = [] } = await table().send(
    new ScanCommand({
      TableName: process.env.TABLE_NAME,
      FilterExpression: 'begins_with(pk, :link) AND complaintId = :id',
      ExpressionAttributeValues: { ':link': 'LINK#', ':id': complaintId },
    }),
  );
  return Items.map((item) => String(item.pk).slice('LINK#'.length));
}

async function linkTokenOf(complaintId: string): Promise<string> {
  const [token] = await linkClaimsOf(complaintId);
  if (!token) throw new Error(`no link token for ${complaintId}`);
  return token;
}
