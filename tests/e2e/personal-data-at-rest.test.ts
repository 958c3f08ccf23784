// Evidence that phone numbers and names are ciphertext at rest: complaints registered through HTTP, then a
// raw Scan of the local table (what an export, a backup or a PITR restore would show) searched as JSON for
// every way the numbers and names could appear. The API still answers them masked, and texts still reach
// the customer's number.
import { ScanCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocumentScanCommand } from '@aws-sdk/lib-dynamodb';
import { PACKED_ATTRIBUTE, unpackItem } from '#adapters/dynamo-complaint-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const CUSTOMERS = [
  { phone: '13812345678', e164: '+8613812345678', name: '张三丰' },
  { phone: '+86 139-0000-1111', e164: '+8613900001111', name: '欧阳娜娜' },
  { phone: '+447911123456', e164: '+447911123456', name: 'Jane Doe' },
];

let api: TestApi;
let client: DynamoDBClient;
const ids: string[] = [];

beforeAll(async () => {
  api = await startTestApi({ timeScale: 3600, reconcileOnStart: false });
  client = new DynamoDBClient({
    endpoint: api.stack.dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const [i, customer] of CUSTOMERS.entries()) {
    const created = await api.post('/v1/complaints', {
      ...sampleComplaint({ trackingNumber: `SF00000000${i}1` }),
      customer: { phone: customer.phone, name: customer.name },
    });
    expect(created.status).toBe(201);
    ids.push(String(created.body.id));
  }
});

afterAll(async () => {
  client.destroy();
  await api?.close();
});

async function scanTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey: start as never }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The complaint items as the store reads them: packed fields back in place. */
async function unpackedItems(): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(client);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new DocumentScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []).map((item) => unpackItem(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('personal data at rest', () => {
  it('a raw Scan of the table shows no phone number or name in clear anywhere', async () => {
    // Prepare: the workflow has written its own versions of each complaint too.
    await eventually(async () => {
      const outbox = await api.get<{ items: unknown[] }>('/_local/outbox');
      return outbox.body.items.length >= CUSTOMERS.length ? true : undefined;
    });

    // Act
    const items = await scanTable();
    // The complaint items' packed fields are compressed: read them unpacked too, so a clear value inside
    // them would show.
    const raw = JSON.stringify(items) + JSON.stringify(await unpackedItems());

    // Assess
    const key = (item: Record<string, unknown>, name: string) =>
      (item[name] as { S?: string } | undefined)?.S;
    const complaints = items.filter(
      (item) => key(item, 'sk') === 'COMPLAINT' && ids.some((id) => key(item, 'pk') === `COMPLAINT#${id}`),
    );
    expect(complaints).toHaveLength(CUSTOMERS.length);
    for (const { phone, e164, name } of CUSTOMERS) {
      const national = e164.replace(/^\+86/, '');
      for (const clear of [phone, e164, national, e164.slice(1), name, ...name.split(' ')]) {
        expect(raw, clear).not.toContain(clear);
      }
    }
    for (const item of complaints) {
      // An AWS Encryption SDK message (format version 2) as bytes; the cold fields packed beside it.
      expect((item.personalData as { B?: Uint8Array }).B?.[0]).toBe(0x02);
      expect(item[PACKED_ATTRIBUTE]).toHaveProperty('B');
    }
  });

  it('answers masked through the API, and texts the customer at the real number', async () => {
    // Act
    const shown = await api.get<{ customer: { phone: string; name: string } }>(`/v1/complaints/${ids[0]}`);
    const texts = await eventually(async () => {
      const outbox = await api.get<{ items: { kind: string; to: string }[] }>(
        `/_local/outbox?complaintId=${ids[0]}`,
      );
      return outbox.body.items.some((item) => item.kind === 'sms') ? outbox.body.items : undefined;
    });

    // Assess
    expect(shown.body.customer).toEqual(expect.objectContaining({ phone: '138****5678', name: '张**' }));
    expect(texts.find((item) => item.kind === 'sms')?.to).toBe('+8613812345678');
  });
});
