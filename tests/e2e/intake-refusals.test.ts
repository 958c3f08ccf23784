// Refused registrations leave nothing behind: money below one fen is a 400 (never a DynamoDB failure),
// and a registration the store refuses after its Idempotency-Key was claimed gives the key back, so the
// corrected retry under the same key registers instead of meeting a 409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServiceDeps } from '#composition/deps';
import { InvalidInput } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import { registerComplaint } from '#use-cases/register-complaint';
import { sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';
import { listAll } from '../support/spawned-stack.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ reconcileOnStart: false });
});
afterAll(async () => {
  await api?.close();
});

describe('refused registrations', () => {
  it.each([1e-200, 0.001, 12.345])('refuses %d yuan with a 400 naming the field', async (amount) => {
    // Act
    const refused = await api.post(
      '/v1/complaints',
      sampleComplaint({ declaredValue: amount, postage: amount }),
    );

    // Assess
    expect(refused.status).toBe(400);
    expect((refused.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      'declaredValue',
      'postage',
    ]);
  });

  it('registers the corrected retry under the key of a request refused at validation', async () => {
    // Act
    const headers = { 'Idempotency-Key': 'fix-money-1' };
    const refused = await api.post('/v1/complaints', sampleComplaint({ declaredValue: 1e-200 }), headers);
    const corrected = await api.post('/v1/complaints', sampleComplaint({ declaredValue: 0.01 }), headers);

    // Assess
    expect(refused.status).toBe(400);
    expect(corrected.status).toBe(201);
  });

  it('gives back a key claimed by a registration the store then refused, and stores nothing for it', async () => {
    // Prepare: a value only the store refuses (the use case is called past the API's validation).
    const deps = getServiceDeps();
    const before = (await listAll(api)).length;
    // The test API's default identity, so the listing (narrowed to what it registered) sees the complaint.
    const intake: Principal = { id: 'test-intake', kind: 'client', roles: ['intake'], mayDelegate: false };
    const input = { ...sampleComplaint(), customer: { phone: '+8613812345678' } } as Parameters<
      typeof registerComplaint
    >[1];

    // Act
    // A tracking number past DynamoDB's 400 KB item size (it is a plain attribute, not in the packed ones).
    const refused = registerComplaint(deps, { ...input, trackingNumber: 'SF'.repeat(250_000) }, intake, {
      key: 'k-2',
      requestHash: 'a',
    });
    await expect(refused).rejects.toBeInstanceOf(InvalidInput);
    const corrected = await registerComplaint(deps, { ...input, declaredValue: 1 }, intake, {
      key: 'k-2',
      requestHash: 'b',
    });
    const replayed = await registerComplaint(deps, { ...input, declaredValue: 1 }, intake, {
      key: 'k-2',
      requestHash: 'b',
    });

    // Assess
    expect(corrected.replayed).toBe(false);
    expect(replayed).toMatchObject({ replayed: true, complaint: { id: corrected.complaint.id } });
    expect((await listAll(api)).length).toBe(before + 1);
  });
});
