// The customer's page never carries a third party's phone number (SPEC section 9): free text staff write
// (the answer, the timeline's wording) is shown to whoever holds the link, so every number in it is
// masked however it is spelled, in the JSON view and in the HTML page alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleComplaint, startTestApi, textedLinkToken, type TestApi } from '../support/embedded.ts';
import { postUntilReady } from '../support/spawned-stack.ts';

// 1 SLA hour = 0.1 s and quiet hours off: the answered text goes out at once.
const TIME_SCALE = 36_000;
const COURIER = '13700001234';
const ANSWER = `已联系快递员（电话 137-0000-1234，备用 １３７００００１２３４），网点座机(021)6123 4567，明日送达。`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

const linkTokenOf = (id: string) => textedLinkToken(api.stack, id, 'answered');

describe("the customer's page", () => {
  it("masks a third party's numbers in the answer, as JSON and as HTML", async () => {
    // Prepare: an answer naming the courier's mobile (twice, spelled differently) and the outlet's landline
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
    expect(created.status).toBe(201);
    const id = created.body.id;
    const agent = api.as({ role: 'agent', user: 'agent-7' });
    expect((await postUntilReady(agent, `/v1/complaints/${id}/actions`, { action: 'accept' })).status).toBe(
      200,
    );
    const resolved = await postUntilReady(agent, `/v1/complaints/${id}/actions`, {
      action: 'resolve',
      resolution: ANSWER,
    });
    expect(resolved.status).toBe(200);
    const token = await linkTokenOf(id);

    // Act
    const json = await api.anonymous.get<{ answer: { text: string } }>(`/v1/public/complaints/${token}`);
    const page = await fetch(`${api.url}/v1/public/complaints/${token}`, {
      headers: { accept: 'text/html' },
    });
    const html = await page.text();

    // Assess
    expect(json.status).toBe(200);
    expect(json.body.answer.text).toContain('137****1234');
    expect(page.status).toBe(200);
    expect(html).toContain('137****1234');
    for (const shown of [JSON.stringify(json.body), html]) {
      const digits = shown.normalize('NFKC').replace(/[\s\-()（）]/g, '');
      expect(digits).not.toContain(COURIER);
      expect(digits).not.toContain('61234567');
    }
  });
});
