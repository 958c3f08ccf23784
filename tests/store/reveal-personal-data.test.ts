// Unmasking a customer's phone and name (SPEC section 9): the permission table's `unmask` row over every
// role, on complaints owned by the reader and by someone else, against a real store; each allowed read is
// in the timeline (who, when, why) before the data is answered, and a refused one leaves the complaint
// untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoComplaintStore } from '#adapters/dynamo-complaint-store';
import { AccessDenied, ComplaintNotFound } from '#domain/errors';
import { PRINCIPAL_ROLES, type Principal, type PrincipalRole } from '#domain/permissions';
import { PERSONAL_DATA_READ_EVENT } from '#domain/personal-data-access';
import { revealPersonalData } from '#use-cases/reveal-personal-data';
import { complaintFixture } from '../support/complaint-fixture.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { testCipher } from '../support/personal-data.ts';

const NOW = new Date('2026-03-02T09:00:00.000Z');

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

const principal = (role: PrincipalRole, id = `${role}-1`): Principal => ({
  id,
  kind: role === 'intake' ? 'client' : 'user',
  roles: [role],
  mayDelegate: false,
});

/** What SPEC section 9 says, written out here rather than read from the table under test. */
const expected = (role: PrincipalRole, owns: boolean) =>
  role === 'supervisor' || role === 'auditor' || (role === 'agent' && owns);

const timelineOf = async (id: string) => (await store.timeline(id, { limit: 100 }))?.items ?? [];

describe('revealing personal data', () => {
  for (const role of PRINCIPAL_ROLES) {
    for (const owns of [true, false]) {
      it(`${expected(role, owns) ? 'answers' : 'refuses'} the role ${role}, ${owns ? 'owner' : 'not owner'} of the complaint`, async () => {
        // Prepare
        const reader = principal(role);
        const complaint = complaintFixture({ owner: owns ? reader.id : 'agent-other' });
        const created = await store.create(complaint);
        const eventsBefore = await timelineOf(complaint.id);

        // Act
        const attempt = revealPersonalData(deps(), complaint.id, reader, '客户要求回电');

        // Assess
        if (expected(role, owns)) {
          await expect(attempt).resolves.toEqual({
            complaintId: complaint.id,
            phone: '+8613812345678',
            name: '张三',
            recordedAt: NOW.toISOString(),
          });
          expect((await timelineOf(complaint.id)).at(-1)).toMatchObject({
            at: NOW.toISOString(),
            type: PERSONAL_DATA_READ_EVENT,
            actor: reader.id,
            data: { reason: '客户要求回电', fields: ['phone', 'name'], role },
          });
          expect((await store.get(complaint.id))?.revision).toBe(created.revision + 1);
        } else {
          await expect(attempt).rejects.toBeInstanceOf(AccessDenied);
          expect((await store.get(complaint.id))?.version).toBe(created.version);
          expect(await timelineOf(complaint.id)).toEqual(eventsBefore);
        }
      });
    }
  }

  it('refuses an agent on a complaint nobody owns yet', async () => {
    // Prepare
    const complaint = complaintFixture();
    await store.create(complaint);

    // Act / Assess
    await expect(
      revealPersonalData(deps(), complaint.id, principal('agent'), '客户要求回电'),
    ).rejects.toBeInstanceOf(AccessDenied);
  });

  it('answers ComplaintNotFound (a 404) for an unknown complaint to a role that may unmask', async () => {
    await expect(
      revealPersonalData(deps(), '01ARZ3NDEKTSV4RRFFQ69G5FAV', principal('supervisor'), 'x'),
    ).rejects.toBeInstanceOf(ComplaintNotFound);
  });
});
