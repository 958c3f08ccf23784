// Unmasking a customer's phone and name (SPEC section 9): the rule over every role, on complaints owned by
// the reader and by someone else, against a real store; each allowed read is in the timeline (who, when,
// why) before the data is answered, and a refused one leaves the complaint untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { ComplaintNotFound, NotPermitted } from '#domain/errors';
import { mayReadPersonalData, PERSONAL_DATA_READ_EVENT } from '#domain/personal-data-access';
import { revealPersonalData } from '#use-cases/reveal-personal-data';
import { complaintFixture } from '../support/complaint-fixture.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { testCipher } from '../support/personal-data.ts';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const ROLES = ['intake', 'agent', 'supervisor', 'auditor', 'admin', 'customer'] as const;

let dynamo: LocalDynamo;
let store: DynamoComplaintStore;
const deps = () => ({ store, clock: { now: () => NOW } });

beforeAll(async () => {
  dynamo = await startDynalite();
  store = new DynamoComplaintStore(dynamo.doc, dynamo.tableName, testCipher());
});
afterAll(async () => {
  await dynamo.close();
});

/** Whether SPEC section 9 lets this role read the personal data, given whether the reader owns it. */
const expected = (role: (typeof ROLES)[number], owns: boolean) =>
  role === 'supervisor' || role === 'auditor' || (role === 'agent' && owns);

describe('revealing personal data', () => {
  for (const role of ROLES) {
    for (const owns of [true, false]) {
      it(`${expected(role, owns) ? 'answers' : 'refuses'} the role ${role}, ${owns ? 'owner' : 'not owner'} of the complaint`, async () => {
        // Prepare
        const reader = { id: `${role}-1`, roles: [role] };
        const complaint = complaintFixture({ owner: owns ? reader.id : 'agent-other' });
        await store.create(complaint);

        // Act
        const attempt = revealPersonalData(deps(), complaint.id, reader, '客户要求回电');

        // Assess
        const after = await store.get(complaint.id);
        if (expected(role, owns)) {
          await expect(attempt).resolves.toEqual({
            complaintId: complaint.id,
            phone: '+8613812345678',
            name: '张三',
            recordedAt: NOW.toISOString(),
          });
          const stored = await store.get(complaint.id);
          expect(stored?.timeline.at(-1)).toEqual({
            at: NOW.toISOString(),
            type: PERSONAL_DATA_READ_EVENT,
            actor: reader.id,
            data: { reason: '客户要求回电', fields: ['phone', 'name'], roles: [role] },
          });
          expect(stored?.revision).toBe(complaint.revision + 1);
        } else {
          await expect(attempt).rejects.toBeInstanceOf(NotPermitted);
          expect(after?.version).toBe(complaint.version);
          expect(after?.timeline).toEqual(complaint.timeline);
        }
      });
    }
  }

  it('refuses the anonymous caller (no roles), and an agent on a complaint nobody owns yet', async () => {
    // Prepare
    const complaint = complaintFixture();
    await store.create(complaint);

    // Act / Assess
    await expect(
      revealPersonalData(deps(), complaint.id, { id: 'anonymous', roles: [] }, 'x'),
    ).rejects.toBeInstanceOf(NotPermitted);
    expect(mayReadPersonalData(complaint, { id: 'agent-1', roles: ['agent'] })).toBe(false);
    expect(mayReadPersonalData({ owner: 'agent-1' }, { id: 'agent-1', roles: ['intake', 'agent'] })).toBe(
      true,
    );
  });

  it('answers 404-worthy ComplaintNotFound for an unknown complaint, whoever asks', async () => {
    await expect(
      revealPersonalData(deps(), '01ARZ3NDEKTSV4RRFFQ69G5FAV', { id: 's', roles: ['supervisor'] }, 'x'),
    ).rejects.toBeInstanceOf(ComplaintNotFound);
  });
});
