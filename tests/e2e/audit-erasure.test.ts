// The audit trail and a customer's erasure request, over real HTTP against the embedded stack: a tampered
// event item is named by GET /audit and by `complaints verify`; an erasure anonymises every complaint of
// the customer (complaint, timeline, public link, raw table) while facts, clocks and the chain stay.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKey } from '#adapters/table-design';
import { cliSession } from '../cli/run-cli.ts';
import { startTestApi, type TestApi, postAction } from '../support/embedded.ts';

const PHONE = '13812345678';
const NAME = '张三丰';
const OTHER_PHONE = '13900001111';

let api: TestApi;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  api = await startTestApi({ reconcileOnStart: false, environment: { PUBLIC_BASE_URL: 'http://127.0.0.1' } });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: api.stack.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
});
afterAll(async () => {
  doc?.destroy();
  await api?.close();
});

type Json = Record<string, unknown>;

async function register(phone: string, description: string, name?: string): Promise<string> {
  const created = await api.post('/v1/complaints', {
    channel: 'hotline',
    description,
    customer: { phone, ...(name ? { name } : {}) },
    trackingNumber: `EA${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CN`,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const note = (id: string, text: string) => postAction(api, id, { action: 'note', actor: 'agent-7', text });

/** Every item of the table (complaints, events, link claims, deliveries, idempotency claims). */
async function scan(): Promise<Json[]> {
  const items: Json[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: 'complaints', ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Json[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function linkTokenOf(id: string): Promise<string> {
  const claim = (await scan()).find((item) => String(item.pk).startsWith('LINK#') && item.complaintId === id);
  return String(claim?.pk).slice('LINK#'.length);
}

describe('GET /v1/complaints/{id}/audit and `complaints verify`', () => {
  it('finds an untouched trail intact and names the event a DynamoDB write changed', async () => {
    // Prepare
    const id = await register(OTHER_PHONE, '包裹三天没到');
    expect((await note(id, '已联系网点')).status).toBe(200);
    expect((await note(id, '网点称明日派送')).status).toBe(200);
    const cli = cliSession({ COMPLAINTS_API: api.url });
    const before = await api.get(`/v1/complaints/${id}/audit`);
    expect(before.body).toMatchObject({ intact: true, events: 3, brokenAt: null });

    // Act: someone with write access to the table rewrites the first note
    await doc.send(
      new UpdateCommand({
        TableName: 'complaints',
        Key: eventKey(id, 2),
        UpdateExpression: 'SET personal.#text.#text = :text',
        ExpressionAttributeNames: { '#text': 'text' },
        ExpressionAttributeValues: { ':text': '客户已撤诉' },
      }),
    );
    const after = await api.get(`/v1/complaints/${id}/audit`);
    const verify = await cli.run('verify', id);

    // Assess
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      complaintId: id,
      intact: false,
      events: 3,
      head: null,
      brokenAt: { seq: 2, reason: "the event's personal text does not match its digest" },
    });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`audit trail of ${id}: BROKEN at event 2 (3 events read)`);
    console.log(`complaints verify ${id} (tampered):\n${verify.stdout}${verify.stderr}`);
  });
});

describe('POST /v1/erasure-requests', () => {
  it('anonymises every complaint of the customer, revokes their links and keeps facts and the trail', async () => {
    // Prepare: two complaints of the customer, one of someone else
    const first = await register(PHONE, `快递寄出五天了还没到，我是${NAME}，电话${PHONE}`, NAME);
    const second = await register(`+86 ${PHONE}`, `包裹破损，请联系${NAME}`, NAME);
    const other = await register(OTHER_PHONE, '包裹延误', '李四');
    expect((await note(first, `${NAME}来电催促，回拨${PHONE}`)).status).toBe(200);
    const token = await linkTokenOf(first);
    const before = {
      complaint: (await api.get(`/v1/complaints/${first}`)).body,
      timeline: (await api.get(`/v1/complaints/${first}/timeline`)).body,
      link: (await api.get(`/v1/public/complaints/${token}`)).status,
      scanHits: (await scan()).filter((item) => JSON.stringify(item).includes(PHONE)).length,
    };
    expect(before.complaint).toMatchObject({ customer: { phone: '138****5678' }, status: 'received' });
    expect(before.link).toBe(200);
    expect(before.scanHits).toBeGreaterThan(0);
    expect(JSON.stringify(await scan())).toContain(NAME);

    // Act: no token is refused, an agent may not, a supervisor's request goes through, an admin's repeats it
    const request = { phone: PHONE, reference: 'PIPL-2026-001' };
    const anonymous = await api.anonymous.post('/v1/erasure-requests', request);
    const agent = await api.as({ role: 'agent', user: 'agent-7' }).post('/v1/erasure-requests', request);
    const erased = await api
      .as({ role: 'supervisor', user: 'sup-1' })
      .post<{ complaintIds: string[] }>('/v1/erasure-requests', request);
    const repeated = await api
      .as({ role: 'admin', user: 'admin-1' })
      .post('/v1/erasure-requests', { phone: `+86${PHONE}`, reference: 'PIPL-2026-002' });

    // Assess: the refusals, then one request that changed both complaints and one that changed nothing
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(agent.status).toBe(403);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      reference: 'PIPL-2026-001',
      complaintIds: expect.arrayContaining([first, second]) as unknown,
      changed: true,
    });
    expect(erased.body.complaintIds).toHaveLength(2);
    expect(repeated.body).toEqual({ reference: 'PIPL-2026-002', complaintIds: [], changed: false });

    const after = {
      complaint: (await api.get(`/v1/complaints/${first}`)).body,
      timeline: (await api.get(`/v1/complaints/${first}/timeline`)).body,
      link: await api.get(`/v1/public/complaints/${token}`),
      audit: (await api.get(`/v1/complaints/${first}/audit`)).body,
      items: await scan(),
    };
    // The facts and clocks stay; the personal data is gone
    expect(after.complaint).toMatchObject({
      id: first,
      status: before.complaint.status,
      category: before.complaint.category,
      receivedAt: before.complaint.receivedAt,
      deadlines: before.complaint.deadlines,
      description: '[erased]',
      customer: { name: null, phone: '', channels: [] },
    });
    const events = (after.timeline.items as Json[]).map((e) => [e.type, e.data]);
    expect(events).toEqual([
      ['registered', expect.objectContaining({ category: 'delay' })],
      ['note', { text: '[erased]' }],
      ['erased', { reference: 'PIPL-2026-001' }],
    ]);
    expect(after.link.status).toBe(404);
    expect(after.link.body).toMatchObject({ type: 'urn:complaints:problem:link-not-found' });
    expect(after.audit).toMatchObject({ intact: true, events: 3 });
    const leaks = after.items.filter((item) => {
      const text = JSON.stringify(item);
      return text.includes(PHONE) || text.includes(NAME);
    });
    expect(leaks).toEqual([]);
    // The other customer's complaint is untouched
    expect((await api.get(`/v1/complaints/${other}`)).body).toMatchObject({
      customer: { phone: '139****1111' },
      description: '包裹延误',
    });
    console.log(
      [
        `erasure of ${first} (and ${second}):`,
        `  before: customer ${JSON.stringify(before.complaint.customer)}, description ${JSON.stringify(before.complaint.description)}`,
        `          timeline ${JSON.stringify((before.timeline.items as Json[]).map((e) => [e.type, e.data]))}`,
        `          public link ${before.link}, raw items holding the phone: ${before.scanHits}`,
        `  after:  customer ${JSON.stringify(after.complaint.customer)}, description ${JSON.stringify(after.complaint.description)}`,
        `          timeline ${JSON.stringify(events)}`,
        `          public link ${after.link.status}, raw items holding the phone or name: ${leaks.length}`,
        `          audit ${JSON.stringify(after.audit)}`,
        `  repeated request: ${JSON.stringify(repeated.body)}`,
      ].join('\n'),
    );
  });
});

describe('`complaints erase`', () => {
  it('erases as a supervisor (the default role), says so once, and is refused as an agent', async () => {
    // Prepare
    const phone = '13700002468';
    const id = await register(phone, '包裹破损，请回电', '赵六');
    const cli = cliSession({ COMPLAINTS_API: api.url });

    // Act
    const asAgent = await cli.run('erase', '--phone', phone, '--reference', 'PIPL-CLI-0', '--role', 'agent');
    const first = await cli.run('erase', '--phone', phone, '--reference', 'PIPL-CLI-1');
    const again = await cli.run('erase', '--phone', `+86 ${phone}`, '--reference', 'PIPL-CLI-2');

    // Assess
    expect(asAgent.code).not.toBe(0);
    expect(asAgent.stderr).toMatch(/403|forbidden|may not/i);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`erased (PIPL-CLI-1): 1 complaint(s)\n  ${id}\n`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to erase (PIPL-CLI-2)');
    expect((await api.get(`/v1/complaints/${id}`)).body).toMatchObject({
      customer: { name: null, phone: '' },
    });
  });
});
