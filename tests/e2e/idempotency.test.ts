// Idempotent intake under concurrency, as an upstream system with retries produces it: every request is
// sent several times at once under the same Idempotency-Key; exactly one complaint (and one workflow, so
// one acknowledgement text) comes out per key, and a key reused with another body is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  untilNoRunningExecutions,
  type TestApi,
} from '../support/embedded.ts';
import { listAll, outboxOf, type ComplaintBody } from '../support/spawned-stack.ts';

const KEYS = 50;
const COPIES = 4;
// Quiet hours off (texts go out at once) while no SLA clock runs out during the test (24 h = 144 s).
const TIME_SCALE = 600;

let api: TestApi;
/** The complaint each key produced in the concurrent burst. */
const idByKey = new Map<number, string>();

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE });
});
afterAll(async () => {
  await api?.close();
});

const keyOf = (k: number) => `intake-${k}`;
const bodyOf = (k: number) =>
  sampleComplaint({
    customer: { phone: `1371234${String(k).padStart(4, '0')}`, name: '李四' },
    externalRef: `crm-${k}`,
    declaredValue: 100 + k,
  });

/** The same JSON with its keys in reverse order: a retry from another client library. */
const reordered = (body: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(body)
      .reverse()
      .map(([k, v]) => [
        k,
        v !== null && typeof v === 'object' ? reordered(v as Record<string, unknown>) : v,
      ]),
  );

describe('idempotent intake', () => {
  it(`gives exactly one complaint per key for ${KEYS * COPIES} concurrent requests over ${KEYS} keys`, async () => {
    // Prepare: every key's copies, interleaved so copies of one key race each other and the others.
    const requests = Array.from({ length: COPIES }, (_, copy) =>
      Array.from({ length: KEYS }, (_, k) => ({ k, body: copy % 2 ? reordered(bodyOf(k)) : bodyOf(k) })),
    ).flat();

    // Act
    const responses = await Promise.all(
      requests.map(async ({ k, body }) => ({
        k,
        response: await api.post<ComplaintBody>('/v1/complaints', body, { 'Idempotency-Key': keyOf(k) }),
      })),
    );

    // Assess
    expect(
      responses.filter(({ response }) => response.status !== 201).map(({ response }) => response.body),
    ).toEqual([]);
    for (let k = 0; k < KEYS; k++) {
      const answers = responses.filter((r) => r.k === k).map((r) => r.response);
      expect(new Set(answers.map((a) => a.body.id)).size, `ids for ${keyOf(k)}`).toBe(1);
      idByKey.set(k, answers[0]?.body.id ?? '');
      const firsts = answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true');
      expect(firsts, `answers to ${keyOf(k)} not marked as replayed`).toHaveLength(1);
    }
    const stored = await listAll(api);
    expect(stored).toHaveLength(KEYS);
    expect(new Set(stored.map((c) => c.id))).toEqual(new Set(responses.map((r) => r.response.body.id)));
    // One workflow per complaint: one acknowledgement text each.
    const acknowledgements = await eventually(
      async () => {
        const texts = (await outboxOf(api)).filter((m) => m.kind === 'sms' && m.key?.startsWith('received'));
        return texts.length >= KEYS ? texts : undefined;
      },
      20_000,
      'acknowledgement texts',
    );
    // Every delivery has ended: a second text for a complaint would be in the outbox by now.
    await untilNoRunningExecutions(api.stack, ['complaint-notifications']);
    const final = (await outboxOf(api)).filter((m) => m.kind === 'sms' && m.key?.startsWith('received'));
    expect(final).toHaveLength(acknowledgements.length);
    expect(new Set(final.map((m) => m.complaintId)).size).toBe(KEYS);
    expect(final).toHaveLength(KEYS);
  });

  it('answers a later retry with the first complaint, marked as replayed', async () => {
    // Act
    const retry = await api.post<ComplaintBody>('/v1/complaints', reordered(bodyOf(7)), {
      'Idempotency-Key': keyOf(7),
    });
    // Assess
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(idByKey.get(7));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/v1/complaints/${idByKey.get(7)}`);
    expect(await listAll(api)).toHaveLength(KEYS);
  });

  it('refuses a key reused with another body with 409 and stores nothing', async () => {
    // Prepare
    const other = { ...bodyOf(3), description: '包裹外包装破损，里面的杯子碎了' };
    // Act
    const responses = await Promise.all(
      [0, 1, 2].map(() => api.post('/v1/complaints', other, { 'Idempotency-Key': keyOf(3) })),
    );
    // Assess
    for (const response of responses) {
      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: 'urn:complaints:problem:idempotency-key-reused',
        status: 409,
        instance: '/v1/complaints',
      });
    }
    expect(await listAll(api)).toHaveLength(KEYS);
  });
});
