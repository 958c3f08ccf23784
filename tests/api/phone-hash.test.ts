// The phone-hash key through the embedded stack: create-complaint fetches it from the local secrets
// extension (the code path deployed functions take), stores the same HMAC a given key always gives, finds
// repeats by it, and never has the key in its environment. A failed fetch is a 500 that the next request
// recovers from.
import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackCipher } from '../support/personal-data.ts';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { startEmbeddedStack } from '../../infra/local/stack.ts';
import { sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

const KEY = 'pinned-phone-hash-key-for-this-test';
const hmac = (e164: string) => createHmac('sha256', KEY).update(e164).digest('hex');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ phoneHashKey: KEY, reconcileOnStart: false });
});
afterAll(() => api.close());

function store(): DynamoComplaintStore {
  const client = new DynamoDBClient({ endpoint: api.stack.dynamo.endpoint, region: 'us-east-1' });
  return new DynamoComplaintStore(
    DynamoDBDocumentClient.from(client),
    process.env.TABLE_NAME!,
    stackCipher(api.stack),
  );
}

describe('phone-hash key in the embedded stack', () => {
  // First on purpose: the container has not fetched the key yet, so this request is the one that does.
  it('answers 500 when the key cannot be fetched, and registers on the next request', async () => {
    // Prepare
    api.stack.secrets.failNext(1, 503);

    // Act
    const failed = await api.post('/v1/complaints', sampleComplaint({ trackingNumber: 'SF0000000001' }));
    const retried = await api.post('/v1/complaints', sampleComplaint({ trackingNumber: 'SF0000000001' }));

    // Assess
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain(KEY);
    expect(retried.status).toBe(201);
  });

  it('stores the HMAC-SHA256 of the E.164 number under the served key', async () => {
    // Act
    const created = await api.post('/v1/complaints', sampleComplaint({ trackingNumber: 'SF0000000002' }));
    const stored = await store().get(String(created.body.id));

    // Assess
    expect(created.status).toBe(201);
    expect(stored?.customer.phone).toBe('+8613812345678');
    expect(stored?.phoneHash).toBe(hmac('+8613812345678'));
  });

  it('finds a repeat by the phone hash', async () => {
    // Prepare
    const complaint = sampleComplaint({ customer: { phone: '13900001111' }, trackingNumber: 'SF0000000003' });
    const first = await api.post('/v1/complaints', complaint);

    // Act
    const second = await api.post('/v1/complaints', complaint);

    // Assess
    expect(second.status).toBe(201);
    expect(second.body.repeatOf).toBe(first.body.id);
  });

  it('gives handlers the secret id, the extension port and a session token, never the key', () => {
    expect(process.env.PHONE_HASH_SECRET_ID).toBe('complaints/local/phone-hash-key');
    expect(process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe(String(api.stack.secrets.port));
    expect(process.env.AWS_SESSION_TOKEN).toBeTruthy();
    expect(Object.values(process.env)).not.toContain(KEY);
  });

  it('refuses to start with a pinned key shorter than 16 characters', async () => {
    await expect(startEmbeddedStack({ port: 0, phoneHashKey: 'too-short' })).rejects.toThrow(
      /PHONE_HASH_SECRET must be at least 16 characters/,
    );
  });
});
