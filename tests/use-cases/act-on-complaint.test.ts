// actOnComplaint against in-memory ports: the WorkflowNotReady retry loop, a stage signal that fails to
// deliver, and a signal to an execution that ended. Time is the fakes' clock; only the use case's short
// retry delays are real.
import { describe, expect, it } from 'vitest';
import type { Complaint } from '#domain/complaint';
import { WorkflowNotReady } from '#domain/errors';
import type { Principal } from '#domain/permissions';
import { actOnComplaint } from '#use-cases/act-on-complaint';
import { registerComplaint } from '#use-cases/register-complaint';
import { newComplaintInput } from '../support/domain-context.ts';
import { inMemoryDeps, type InMemoryDeps } from '../support/in-memory-ports.ts';

const HOTLINE: Principal = { id: 'hotline', kind: 'client', roles: ['intake'], mayDelegate: false };
const AGENT: Principal = { id: 'agent-li', kind: 'user', roles: ['agent'], mayDelegate: false };

async function registered(deps: InMemoryDeps): Promise<Complaint> {
  return (await registerComplaint(deps, newComplaintInput(), HOTLINE)).complaint;
}

/** What the workflow's AwaitStage step does: store the callback token of the stage it waits in. */
async function registerToken(deps: InMemoryDeps, id: string, token: string): Promise<void> {
  const c = await deps.store.get(id);
  if (!c) throw new Error(`no complaint ${id}`);
  await deps.store.save({ ...c, stage: { ...c.stage, taskToken: token }, version: c.version + 1 }, c.version);
}

describe('actOnComplaint', () => {
  it('waits while the workflow is between stages, then signals the stage it registered', async () => {
    // Prepare: the execution runs but has not registered a token yet; it does so during the retries
    const deps = inMemoryDeps();
    const c = await registered(deps);
    let reads = 0;
    const get = deps.store.get.bind(deps.store);
    deps.store.get = async (id) => {
      reads += 1;
      if (reads === 3) await registerToken(deps, id, 'token-1');
      return get(id);
    };
    // Act
    const accepted = await actOnComplaint(deps, c.id, { action: 'accept' }, AGENT);
    // Assess: committed once, and the workflow got the new stage on the token it registered
    expect(accepted.status).toBe('investigating');
    expect(deps.workflow.signals).toHaveLength(1);
    expect(deps.workflow.signals[0]).toMatchObject({
      taskToken: 'token-1',
      signal: { complaintId: c.id, stage: { name: 'investigating', seq: accepted.stage.seq } },
    });
    expect((await deps.store.get(c.id))?.status).toBe('investigating');
  });

  it('gives up with WorkflowNotReady when the token never comes, and commits nothing', async () => {
    const deps = inMemoryDeps();
    const c = await registered(deps);
    const before = deps.store.writes.length;
    await expect(actOnComplaint(deps, c.id, { action: 'accept' }, AGENT)).rejects.toBeInstanceOf(
      WorkflowNotReady,
    );
    expect(deps.store.writes.length).toBe(before);
    expect((await deps.store.get(c.id))?.status).toBe('received');
  });

  it('keeps the action when the signal cannot be delivered: pending for the reconciler, and logged', async () => {
    const deps = inMemoryDeps();
    const c = await registered(deps);
    await registerToken(deps, c.id, 'token-2');
    deps.workflow.onResume = () =>
      Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    // Act: the caller is answered with the committed action, not an error
    const accepted = await actOnComplaint(deps, c.id, { action: 'accept' }, AGENT);
    // Assess
    const stored = await deps.store.get(c.id);
    expect(accepted.status).toBe('investigating');
    expect(stored?.pendingSignal).toMatchObject({ taskToken: 'token-2', seq: accepted.stage.seq });
    expect(deps.log.warnings.map((w) => w.message)).toContain(
      'workflow signal not delivered; left pending for the reconciler',
    );
    expect(deps.log.warnings[0]?.data).toEqual({ complaintId: c.id, error: 'ThrottlingException' });
  });

  it('restarts the execution when the token belongs to one that ended', async () => {
    const deps = inMemoryDeps();
    const c = await registered(deps);
    await registerToken(deps, c.id, 'token-3');
    deps.workflow.end(c.id, 0, 'ABORTED');
    deps.workflow.onResume = () => Promise.resolve('stale');
    const accepted = await actOnComplaint(deps, c.id, { action: 'accept' }, AGENT);
    expect(accepted.status).toBe('investigating');
    // A stopped execution counts as a failure: the next attempt starts at once, for the committed stage.
    const restart = deps.workflow.starts.at(-1);
    expect(restart).toMatchObject({ complaintId: c.id, attempt: 1 });
    expect(await deps.workflow.isRunning(c.id, 1)).toBe(true);
  });
});
