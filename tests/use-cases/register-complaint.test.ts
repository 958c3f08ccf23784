// registerComplaint against in-memory ports, with the clock injected: the idempotency paths that the
// embedded stack reaches only through crashes (a key claimed by a request that never stored its complaint).
import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReused, InvalidInput } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import { registerComplaint } from '#use-cases/register-complaint';
import { newComplaintInput } from '../support/domain-context.ts';
import { inMemoryDeps } from '../support/in-memory-ports.ts';

const HOTLINE: Principal = { id: 'hotline', kind: 'client', roles: ['intake'], mayDelegate: false };
const NOW = '2026-03-02T02:00:00.000Z';

describe('registerComplaint', () => {
  it('finishes the job of a request that claimed the key and crashed before storing its complaint', async () => {
    // Prepare: the first request claimed the key for the id it drew, then died
    const deps = inMemoryDeps(NOW);
    const orphanId = deps.newId();
    await deps.store.claimIdempotencyKey({
      key: 'client:hotline:k-1',
      requestHash: 'h1',
      complaintId: orphanId,
      createdAt: NOW,
      expiresAt: Date.parse(NOW) / 1000 + 3600,
    });
    // Act: the client retries with the same key and body
    const { complaint, replayed } = await registerComplaint(deps, newComplaintInput(), HOTLINE, {
      key: 'client:hotline:k-1',
      requestHash: 'h1',
    });
    // Assess: the complaint carries the claimed id, exactly one exists, and its workflow started once
    expect(complaint.id).toBe(orphanId);
    expect(replayed).toBe(false);
    expect([...deps.store.complaints.keys()]).toEqual([orphanId]);
    expect(deps.workflow.starts).toHaveLength(1);
    expect(deps.workflow.starts[0]).toMatchObject({ complaintId: orphanId, attempt: 0 });
    expect(deps.workflow.starts[0]?.opening?.seq).toBe(complaint.stage.seq);
  });

  it('replays a stored complaint and repeats the start with the same input (harmless)', async () => {
    const deps = inMemoryDeps(NOW);
    const key = { key: 'client:hotline:k-2', requestHash: 'h2' };
    const first = await registerComplaint(deps, newComplaintInput(), HOTLINE, key);
    deps.setNow('2026-03-02T02:00:05.000Z');
    const second = await registerComplaint(deps, newComplaintInput(), HOTLINE, key);
    expect(second.replayed).toBe(true);
    expect(second.complaint.id).toBe(first.complaint.id);
    expect(deps.store.complaints.size).toBe(1);
    expect(deps.store.writes.filter((w) => w.op === 'create')).toHaveLength(1);
    // The fake refuses a second start with another input, as Step Functions does: both starts matched.
    expect(deps.workflow.starts).toHaveLength(2);
    expect(deps.workflow.executions.size).toBe(1);
  });

  it('refuses the same key with another body', async () => {
    const deps = inMemoryDeps(NOW);
    await registerComplaint(deps, newComplaintInput(), HOTLINE, {
      key: 'client:hotline:k-3',
      requestHash: 'a',
    });
    await expect(
      registerComplaint(deps, newComplaintInput({ description: '另一件事' }), HOTLINE, {
        key: 'client:hotline:k-3',
        requestHash: 'b',
      }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    expect(deps.store.complaints.size).toBe(1);
  });

  it('gives the key back when the body is refused, so the corrected retry registers', async () => {
    const deps = inMemoryDeps(NOW);
    const key = { key: 'client:hotline:k-4', requestHash: 'bad' };
    // An outlet the directory does not know is refused for what the body says.
    await expect(
      registerComplaint(deps, newComplaintInput({ outletId: 'NO-SUCH-OUTLET' }), HOTLINE, key),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(deps.store.keys.has(key.key)).toBe(false);
    expect(deps.store.complaints.size).toBe(0);
    const retried = await registerComplaint(deps, newComplaintInput(), HOTLINE, {
      ...key,
      requestHash: 'good',
    });
    expect(retried.replayed).toBe(false);
    expect(deps.store.complaints.size).toBe(1);
  });

  it('records the registration in the audit trail as its first event, at the injected time', async () => {
    const deps = inMemoryDeps(NOW);
    const { complaint } = await registerComplaint(deps, newComplaintInput(), HOTLINE);
    const trail = await deps.store.auditTrail(complaint.id);
    expect(trail?.events[0]).toMatchObject({ seq: 1, at: NOW, actor: 'hotline' });
    expect(trail?.head).toEqual({ seq: trail?.events.at(-1)?.seq, hash: trail?.events.at(-1)?.hash });
  });
});
