// A complaint item stays bounded whatever callers send: 1,000 long Chinese notes through HTTP leave the
// complaint item at a few KB (each note is its own event item in the audit trail), the 1,001st note is
// refused with 409 and an over-long note with 413, never a 500 from DynamoDB's 400 KB item limit.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintKey } from '#adapters/table-design';
import { COMPLAINT_LIMITS } from '#domain/limits';
import { dynamoItemSize, MAX_ITEM_BYTES, type WireValue } from '../../infra/local/dynamo/item-size.ts';
import { startTestApi, type TestApi, postAction } from '../support/embedded.ts';

let api: TestApi;
let client: DynamoDBClient;

beforeAll(async () => {
  api = await startTestApi({ reconcileOnStart: false, environment: { PUBLIC_BASE_URL: 'http://127.0.0.1' } });
  client = new DynamoDBClient({
    endpoint: api.stack.dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await api?.close();
});

/** The complaint item's size in bytes as DynamoDB counts it (UTF-8), read raw from the table. */
async function complaintItemBytes(id: string): Promise<number> {
  const key = complaintKey(id);
  const { Item } = await client.send(
    new GetItemCommand({ TableName: 'complaints', Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
  );
  return dynamoItemSize(Item as Record<string, WireValue>);
}

describe('1,000 notes on one complaint', () => {
  it('keep the complaint item small; the next note is refused with 409, an over-long one with 413', async () => {
    // Prepare: the longest description and notes the API accepts, all Chinese (3 bytes a character in UTF-8)
    const created = await api.post('/v1/complaints', {
      channel: 'web',
      description: '包'.repeat(4000),
      customer: { phone: '13812345678' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const text = (i: number) =>
      `第${i}条：${'网点已联系收件人并安排重新派送'.repeat(300)}`.slice(0, COMPLAINT_LIMITS.noteChars);
    const initialBytes = await complaintItemBytes(id);

    // Act
    let largest = initialBytes;
    const statuses = new Map<number, number>();
    for (let i = 1; i <= 1000; i++) {
      const posted = await postAction(api, id, {
        action: 'note',
        actor: 'agent-7',
        text: text(i),
      });
      statuses.set(posted.status, (statuses.get(posted.status) ?? 0) + 1);
      largest = Math.max(largest, await complaintItemBytes(id));
    }
    const overCap = await postAction(api, id, {
      action: 'note',
      actor: 'agent-7',
      text: '再一条',
    });
    const tooLong = await postAction(api, id, {
      action: 'note',
      actor: 'agent-7',
      text: '字'.repeat(COMPLAINT_LIMITS.noteChars + 1),
    });
    const audit = await api.get(`/v1/complaints/${id}/audit`);

    // Assess
    console.log(
      `1,000 notes of ${COMPLAINT_LIMITS.noteChars} CJK characters (${Buffer.byteLength(text(1))} bytes each): ` +
        `complaint item ${initialBytes} bytes at registration, largest ${largest} bytes (limit ${MAX_ITEM_BYTES}); ` +
        `audit trail ${JSON.stringify(audit.body.events)} events, intact ${String(audit.body.intact)}`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: 1000 });
    expect(largest).toBeLessThan(64 * 1024);
    expect(overCap.status).toBe(409);
    expect(overCap.headers.get('content-type')).toBe('application/problem+json');
    expect(overCap.body).toMatchObject({
      type: 'urn:complaints:problem:limit-reached',
      limit: 'notes',
      max: 1000,
    });
    expect(tooLong.status).toBe(413);
    expect(tooLong.body).toMatchObject({
      type: 'urn:complaints:problem:content-too-large',
      errors: [{ path: 'text', message: `at most ${COMPLAINT_LIMITS.noteChars} characters (got 4001)` }],
    });
    expect(audit.body).toMatchObject({ intact: true, events: 1001 });
  }, 600_000);
});
