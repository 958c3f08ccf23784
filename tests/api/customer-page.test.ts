// The customer's link in a phone's browser, over real HTTP against the embedded stack: the view as a small
// HTML page (language, CSP, no personal data, every typed value escaped), the rating form posted
// form-encoded as a browser does, error pages in both languages, and JSON clients answered as before.
import { createHash } from 'node:crypto';
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
const PHONE = '13987654321';
const NAME = '王小明';
const DESCRIPTION = '快件显示签收但本人未收到，联系电话13987654321，住址和平路66号';
const STAFF_NOTE = '内部备注：驿站负责人赵六核实';
const RESOLUTION = '已核实为驿站误签，快件今日重新投递。';
const SCRIPT = '<script>alert(1)</script>';
const BREAKOUT = `"'><img src=x onerror=alert(1)>`;
/** What Chrome and Safari send for a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const FORM = 'application/x-www-form-urlencoded';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** As the intake system that registers the complaints (the link routes ignore the token), or as `as`. */
async function send(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
  as: Identity = TEST_INTAKE,
) {
  const reply = await api.as(as).send({ method, path, redirect: 'manual', ...init });
  return { status: reply.status, headers: reply.headers, text: reply.text } satisfies Reply;
}

const json = (reply: Reply) => JSON.parse(reply.text) as Record<string, unknown>;
const page = (path: string, headers: Record<string, string> = {}) =>
  send('GET', path, { headers: { accept: BROWSER, ...headers } });
const postForm = (token: string, form: string, accept = BROWSER) =>
  send('POST', `/v1/public/complaints/${token}/feedback`, {
    body: form,
    headers: { 'content-type': FORM, accept },
  });

/** A rating right after the answer may find the workflow between stages (409, Retry-After): retry it. */
async function postFormPatiently(token: string, form: string, accept = BROWSER): Promise<Reply> {
  return eventually(
    async () => {
      const reply = await postForm(token, form, accept);
      return reply.status === 409 && reply.headers.get('retry-after') ? undefined : reply;
    },
    10_000,
    'the rating taken (not 409 with Retry-After)',
  );
}

async function staffPost(
  path: string,
  body: unknown,
  as: Identity = TEST_INTAKE,
): Promise<Record<string, unknown>> {
  // Retry while the workflow is between stages (409 with Retry-After), as a client should.
  const reply = await eventually(
    async () => {
      const answer = await send(
        'POST',
        path,
        { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
        as,
      );
      return answer.status === 409 && answer.headers.get('retry-after') ? undefined : answer;
    },
    10_000,
    `${path} taken (not 409 with Retry-After)`,
  );
  if (reply.status >= 300) throw new Error(`${path}: ${reply.status} ${reply.text}`);
  return json(reply);
}

const act = (id: string, action: Record<string, unknown>) => {
  const { as, action: body } = splitActor({ actor: 'agent-009', ...action });
  return staffPost(`/v1/complaints/${id}/actions`, body, as);
};

async function staffView(id: string): Promise<Record<string, unknown>> {
  return json(await send('GET', `/v1/complaints/${id}`));
}

/** Registered, accepted, noted internally and answered with compensation: awaiting the customer's rating. */
async function answeredComplaint(
  answer: { resolution?: string; infoRequest?: string; locale?: 'zh-CN' | 'en' } = {},
): Promise<{ id: string; token: string }> {
  const created = await staffPost('/v1/complaints', {
    channel: 'hotline',
    description: DESCRIPTION,
    trackingNumber: `EA${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CN`,
    customer: { phone: PHONE, name: NAME, ...(answer.locale ? { locale: answer.locale } : {}) },
  });
  const id = created.id as string;
  await act(id, { action: 'accept' });
  await act(id, { action: 'note', text: STAFF_NOTE });
  if (answer.infoRequest) {
    await act(id, { action: 'request-info', message: answer.infoRequest });
    await act(id, { action: 'customer-reply', actor: 'customer', message: '照片已发' });
  }
  await act(id, {
    action: 'resolve',
    resolution: answer.resolution ?? RESOLUTION,
    compensation: { amount: 20, currency: 'CNY' },
  });
  return { id, token: await tokenInAnsweredText(id) };
}

const LINK = /http:\/\/localhost:\d+\/([0-9A-Za-z]{10})(?![0-9A-Za-z])/;

async function tokenInAnsweredText(id: string): Promise<string> {
  const text = await eventually(
    async () =>
      api.stack.sns
        .outbox({ complaintId: id })
        .find((e: OutboxEntry) => e.status === 'sent' && e.kind === 'sms' && e.event === 'answered'),
    10_000,
    'the answered SMS',
  );
  const token = LINK.exec(text.message)?.[1];
  if (!token) throw new Error(`no link in the answered text: ${text.message}`);
  return token;
}

/** Every element name in a page, so a test can say which tags may appear at all. */
const tagsOf = (html: string) =>
  new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
const PAGE_TAGS = new Set(
  'html head meta title style script noscript body header b main div h1 h2 p dl dt dd time ol li span form fieldset legend label input textarea button section a hr img blockquote'.split(
    ' ',
  ),
);

function expectSecurePage(reply: Reply, status: number): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
  expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
  expect(reply.headers.get('vary')).toMatch(/\bAccept\b/);
  // The CSP allows the page's one inline style sheet and script (by hash) and, on a complaint's view, the
  // attachments bucket for photos and uploads: nothing else from anywhere.
  const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const style = /<style>([^<]*)<\/style>/.exec(reply.text)?.[1] ?? '';
  const script = /<script>([\s\S]*?)<\/script>/.exec(reply.text)?.[1];
  const policy = reply.headers.get('content-security-policy') ?? '';
  const directives = policy.split(/;\s*/);
  const scriptSrc = directives.find((d) => d.startsWith('script-src '));
  expect(scriptSrc).toMatch(/^script-src 'sha256-[A-Za-z0-9+/]+=*'$/);
  if (script !== undefined) expect(scriptSrc).toBe(`script-src ${hashOf(script)}`);
  const bucket = new URL(api.stack.s3.endpoint).origin;
  const files = status === 200 ? bucket : undefined;
  expect(directives.filter((d) => d !== scriptSrc).sort()).toEqual(
    [
      "base-uri 'none'",
      "default-src 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      `style-src ${hashOf(style)}`,
      `img-src ${files ? `${files} blob:` : "'none'"}`,
      `connect-src 'self'${files ? ` ${files}` : ''}`,
    ].sort(),
  );
  expect([...tagsOf(reply.text)].filter((tag) => !PAGE_TAGS.has(tag))).toEqual([]);
  expect(Buffer.byteLength(reply.text)).toBeLessThan(16 * 1024);
}

describe('GET /v1/public/complaints/{token} in a browser', () => {
  it('is a page in the customer language with the plain-words view, a rating form and no personal data', async () => {
    // Prepare
    const { id, token } = await answeredComplaint();

    // Act: a browser follows the short link with its own Accept header.
    const shown = await fetch(`${api.url}/${token}`, { headers: { accept: BROWSER } });
    const viewed = { status: shown.status, headers: shown.headers, text: await shown.text() };
    const view = json(await send('GET', `/v1/public/complaints/${token}`));

    // Assess
    expectSecurePage(viewed, 200);
    expect(new URL(shown.url).pathname).toBe(`/v1/public/complaints/${token}`);
    expect(viewed.text).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(viewed.headers.get('content-language')).toBe('zh-CN');
    for (const words of [
      view.complaintNumber,
      view.statusText,
      view.nextStep,
      RESOLUTION,
      '拟付金额',
      '20.00元',
      ...(view.timeline as { text: string }[]).map((entry) => entry.text),
    ]) {
      expect(viewed.text, String(words)).toContain(words);
    }
    expect(viewed.text).toContain(`<time datetime="${String(view.deadline)}">`);
    expect(viewed.text).toContain(`<form class="card" method="post" action="${token}/feedback"`);
    for (const score of [1, 2, 3, 4, 5]) {
      expect(viewed.text).toContain(`<input type="radio" name="score" value="${score}" required>`);
    }
    expect(viewed.text).toContain('<textarea id="comment" name="comment"');
    for (const secret of [
      PHONE,
      '139****4321',
      NAME,
      DESCRIPTION,
      '和平路',
      STAFF_NOTE,
      '赵六',
      'agent-009',
      id,
    ]) {
      expect(viewed.text, secret).not.toContain(secret);
    }
  });

  it("speaks the customer's language, not the browser's, and English when the switch asks for it", async () => {
    // Prepare
    const { token } = await answeredComplaint();

    // Act
    const stored = await page(`/v1/public/complaints/${token}`, { 'accept-language': 'en-GB,en;q=0.9' });
    const shown = await page(`/v1/public/complaints/${token}?lang=en`, { 'accept-language': 'zh-CN' });

    // Assess
    expect(stored.text).toContain('<html lang="zh-CN">');
    expect(stored.text).toContain(`href="${token}?lang=en"`);
    expectSecurePage(shown, 200);
    expect(shown.text).toContain(`href="${token}?lang=zh-CN"`);
    expect(shown.text).toContain(`action="${token}/feedback?lang=en"`);
    expect(shown.text).toContain('<html lang="en">');
    expect(shown.headers.get('content-language')).toBe('en');
    expect(shown.text).toContain('answered, waiting for your rating');
    expect(shown.text).toContain('CNY 20.00');
    expect(shown.text).toContain('Rate our answer');
    expect(shown.text).toContain('We answered your complaint and offered you CNY 20.00');
  });

  it('shows what agents typed only escaped, while JSON clients still get it as written', async () => {
    // Prepare: markup in the answer and in the information request, the texts a customer sees verbatim.
    const resolution = `${SCRIPT}${BREAKOUT} 已处理`;
    const infoRequest = `请提供照片${BREAKOUT}${SCRIPT}`;
    const { token } = await answeredComplaint({ resolution, infoRequest });

    // Act
    const shown = await page(`/v1/public/complaints/${token}`);
    const view = json(await send('GET', `/v1/public/complaints/${token}`));

    // Assess
    expectSecurePage(shown, 200);
    expect(shown.text).not.toContain('<script');
    expect(shown.text).not.toContain('<img');
    expect(shown.text).not.toContain(`"'>`);
    expect(shown.text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt; 已处理',
    );
    expect(shown.text).toContain(
      '我们请您补充信息：请提供照片&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(view.answer).toMatchObject({ text: resolution });
    expect(view.timeline).toEqual(
      expect.arrayContaining([expect.objectContaining({ text: `我们请您补充信息：${infoRequest}` })]),
    );
  });
});

describe('the rating form, posted form-encoded as a browser does', () => {
  it('5 closes the complaint as satisfied and thanks the customer; a double tap thanks again; the link keeps the outcome', async () => {
    // Prepare
    const { id, token } = await answeredComplaint();

    // Act
    const rated = await postFormPatiently(
      token,
      new URLSearchParams({ score: '5', comment: '很快，谢谢！' }).toString(),
    );
    const doubleTap = await postForm(
      token,
      new URLSearchParams({ score: '5', comment: '很快，谢谢！' }).toString(),
    );
    const staff = await staffView(id);
    const after = await page(`/v1/public/complaints/${token}`);
    const afterJson = await send('GET', `/v1/public/complaints/${token}`);
    const otherScore = await postForm(token, new URLSearchParams({ score: '2' }).toString());

    // Assess
    expectSecurePage(rated, 200);
    expect(rated.text).toContain('感谢您的评价，我们已记录您的评分。');
    expect(rated.text).toContain('投诉已结案：您对答复表示满意。');
    expect(rated.text).toContain('您为答复评了5分');
    expect(rated.text).not.toContain('<form');
    expect(staff).toMatchObject({
      status: 'closed',
      closeReason: 'satisfied',
      feedback: { score: 5, comment: '很快，谢谢！' },
    });
    expectSecurePage(doubleTap, 200);
    expect(doubleTap.text).toContain('感谢您的评价，我们已记录您的评分。');
    expectSecurePage(after, 200);
    expect(after.text).toContain('<html lang="zh-CN">');
    expect(after.text).toContain('此投诉已办结，以下为处理结果。');
    expect(after.text).toContain('您为答复评了5分');
    expect(afterJson.status).toBe(200);
    expectSecurePage(otherScore, 410);
    expect(otherScore.text).toContain('投诉已办结');
    expect(otherScore.text).toContain('<section lang="en">');
    expect(otherScore.text).toContain('Complaint closed');
  });

  it('1 opens a review; rating again answers a 409 page with the way back to the complaint', async () => {
    // Prepare
    const { id, token } = await answeredComplaint();

    // Act
    const rated = await postFormPatiently(token, 'score=1&comment=');
    const again = await postForm(token, 'score=4&comment=');
    const staff = await staffView(id);

    // Assess
    expectSecurePage(rated, 200);
    expect(rated.text).toContain('复核中');
    expect(rated.text).toContain('您为答复评了1分，主管将复核');
    // The form's empty comment box is no comment, not an empty one.
    expect(staff).toMatchObject({ status: 'review', feedback: { score: 1, comment: null } });
    expectSecurePage(again, 409);
    expect(again.text).toContain('暂时无法评分');
    expect(again.text).toContain(`<a href="../${token}">返回投诉进度</a>`);
  });

  it('answers a score that is not 1-5 with a 400 page and records nothing', async () => {
    // Prepare
    const { id, token } = await answeredComplaint();

    // Act
    const refused = await Promise.all(
      [
        'score=6',
        'score=abc',
        'score=4.5',
        'comment=no+score',
        'score=3&score=5',
        `score=4&comment=${'长'.repeat(1001)}`,
        'score=5&actor=x',
      ].map((form) => postForm(token, form)),
    );
    const staff = await staffView(id);

    // Assess
    for (const reply of refused) {
      expectSecurePage(reply, 400);
      expect(reply.text).toContain('评分未提交');
      expect(reply.text).toContain(
        'Please choose a score from 1 to 5; a comment may have up to 1000 characters.',
      );
      expect(reply.text).toContain(`<a href="../${token}">`);
    }
    expect(staff).toMatchObject({ status: 'awaiting-feedback' });
  });

  it('answers a JSON client that posts a form in JSON', async () => {
    // Prepare
    const { token } = await answeredComplaint();

    // Act
    const invalid = await postForm(token, 'score=9', '*/*');
    const rated = await postFormPatiently(token, 'score=4', 'application/json');

    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toBe('application/problem+json');
    expect(json(invalid).errors).toEqual([{ path: 'score', message: expect.any(String) }]);
    expect(rated.status).toBe(200);
    expect(rated.headers.get('content-type')).toBe('application/json');
    expect(json(rated)).toMatchObject({ status: 'closed', rating: { score: 4 } });
  });
});

describe('the reply form, posted form-encoded as a browser without scripts does', () => {
  /** Registered, accepted and asked for information: waiting for the customer's reply. */
  async function waitingForReply(): Promise<{ id: string; token: string }> {
    const created = await staffPost('/v1/complaints', {
      channel: 'hotline',
      description: DESCRIPTION,
      trackingNumber: `EA${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CN`,
      customer: { phone: PHONE, name: NAME },
    });
    const id = created.id as string;
    await act(id, { action: 'accept' });
    await act(id, { action: 'request-info', message: '请提供外包装照片' });
    const text = await eventually(
      async () =>
        api.stack.sns
          .outbox({ complaintId: id })
          .find((e: OutboxEntry) => e.status === 'sent' && e.kind === 'sms' && e.event === 'info-requested'),
      10_000,
      'the info-requested SMS',
    );
    const token = LINK.exec(text.message)?.[1];
    if (!token) throw new Error(`no link in the info-requested text: ${text.message}`);
    return { id, token };
  }

  const postReply = (token: string, form: string) =>
    send('POST', `/v1/public/complaints/${token}/reply`, {
      body: form,
      headers: { 'content-type': FORM, accept: BROWSER },
    });

  it('shows the request and the form; a double tap records one reply and confirms both times', async () => {
    // Prepare
    const { id, token } = await waitingForReply();
    const shown = await page(`/v1/public/complaints/${token}`);
    const form = new URLSearchParams({ message: '外箱破了，照片稍后发' }).toString();

    // Act
    const [first, second] = [await postReply(token, form), await postReply(token, form)];
    const other = await postReply(token, new URLSearchParams({ message: '另一条回复' }).toString());
    const empty = await postReply(token, 'message=');
    const timeline = json(await send('GET', `/v1/complaints/${id}/timeline`)).items as { type: string }[];

    // Assess
    expectSecurePage(shown, 200);
    expect(shown.text).toContain('<blockquote class="ask"><p class="text">请提供外包装照片</p>');
    expect(shown.text).toContain(`<form id="reply" class="card" method="post" action="${token}/reply"`);
    for (const reply of [first, second]) {
      expectSecurePage(reply, 200);
      expect(reply.text).toContain('我们已收到您的回复，将尽快继续处理。');
      expect(reply.text).not.toContain('<form');
    }
    expectSecurePage(other, 409);
    expect(other.text).toContain('暂时无法回复');
    expect(other.text).toContain(`href="../${token}"`);
    expectSecurePage(empty, 400);
    expect(timeline.filter((e) => e.type === 'customer-replied')).toHaveLength(1);
  });
});

describe('links that open nothing, in a browser', () => {
  it('answers a 404 page in both languages for a token never issued and for a malformed short link', async () => {
    // Act
    const unknown = await page('/v1/public/complaints/NeverIssue', { 'accept-language': 'en' });
    const malformed = await page('/not-a-token');
    const rating = await postForm('NeverIssue', 'score=5');

    // Assess
    for (const reply of [unknown, malformed, rating]) {
      expectSecurePage(reply, 404);
      expect(reply.text).toContain('链接无效');
      expect(reply.text).toContain('Link not found');
      expect(reply.text).not.toContain('<a ');
    }
    expect(unknown.text).toContain('<html lang="en">');
    expect(unknown.text).toContain('<section lang="zh-CN">');
    expect(malformed.text).toContain('<html lang="zh-CN">');
  });

  it('keeps problem+json for clients that do not rank text/html first', async () => {
    for (const accept of ['*/*', 'application/json', 'application/json, text/html', 'text/html;q=0.5, */*']) {
      // Act
      const reply = await send('GET', '/v1/public/complaints/NeverIssue', { headers: { accept } });

      // Assess
      expect(reply.status, accept).toBe(404);
      expect(reply.headers.get('content-type'), accept).toBe('application/problem+json');
      expect(json(reply)).toMatchObject({ type: 'urn:complaints:problem:link-not-found' });
    }
  });
});
