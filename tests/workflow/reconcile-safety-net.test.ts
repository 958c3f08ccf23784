// The reconciler as a safety net (functions/use-cases/reconcile.ts) on the embedded stack with the status
// events switched off, as when EventBridge lost them: each complaint is checked on its own (a throttled
// DescribeExecution costs that complaint one pass, not the whole pass), a pass stops at its deadline and
// the next one resumes from the recorded cursor, and `npm run complaints -- reconcile` runs a pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient, StopExecutionCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import { getServiceDeps } from '#composition/deps';
import type { Complaint } from '#domain/complaint';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import type { ComplaintWorkflow } from '#domain/ports';
import { classificationOf, registerComplaint } from '#domain/registration';
import { clockContext, type ServiceDeps } from '#use-cases/service-deps';
import { reconcile } from '#use-cases/reconcile';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';
import { cliSession } from '../cli/run-cli.ts';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaints';
const executionArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    timeScale: 36_000,
    executionEvents: false,
    reconcileOnStart: false,
    reconcileIntervalMs: 0,
  });
});
afterAll(async () => {
  await api?.close();
});

/** The real Step Functions adapter, except that DescribeExecution of one complaint is throttled. */
function throttledFor(complaintId: string, workflow: ComplaintWorkflow): ComplaintWorkflow {
  const throttled = () =>
    new SFNServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: {},
      message: 'Rate exceeded',
    });
  return {
    start: (...args) => workflow.start(...args),
    resume: (...args) => workflow.resume(...args),
    isRunning: (id, attempt) =>
      id === complaintId ? Promise.reject(throttled()) : workflow.isRunning(id, attempt),
    status: (id, attempt) =>
      id === complaintId ? Promise.reject(throttled()) : workflow.status(id, attempt),
  };
}

async function registerAndStop(count: number): Promise<string[]> {
  const sfn = new SFNClient({
    endpoint: api.stack.sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint());
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  for (const id of ids) {
    await eventually(async () =>
      (await getServiceDeps().store.get(id))?.stage.taskToken ? true : undefined,
    );
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(id) }));
  }
  return ids;
}

/** Open complaints written straight to the table, waiting on a callback with timers far ahead. */
async function seedWaiting(deps: ServiceDeps, count: number): Promise<void> {
  const input = { channel: 'web' as const, description: '快递还没到', customer: { phone: '+8613800000000' } };
  for (let i = 0; i < count; i++) {
    const id = ulid();
    const c: Complaint = registerComplaint(
      input,
      {
        id,
        shortId: shortComplaintNumber(id),
        phoneHash: 'seeded',
        registeredBy: 'client:web',
        registrar: { actor: 'web' },
      },
      classificationOf(input),
      clockContext(deps),
    );
    await deps.store.create({ ...c, stage: { ...c.stage, taskToken: `seeded-${i}` } });
  }
}

describe('the reconciler as a safety net', () => {
  it('checks each complaint on its own: a throttled DescribeExecution does not abort the pass', async () => {
    const [a, throttled, b] = await registerAndStop(3);
    const deps = getServiceDeps();

    const first = await reconcile(
      { ...deps, workflow: throttledFor(throttled!, deps.workflow) },
      { deep: true, resume: false },
    );

    expect(first.errors).toBe(1);
    expect(first.complete).toBe(true);
    expect(first.restarted).toBeGreaterThanOrEqual(2);
    for (const id of [a!, b!]) expect(await deps.workflow.isRunning(id, 1)).toBe(true);
    expect(await deps.workflow.isRunning(throttled!, 1)).toBe(false);

    // The next pass, unthrottled, heals the one left over.
    const second = await reconcile(deps, { deep: true, resume: false });
    expect(second.errors).toBe(0);
    expect(await deps.workflow.isRunning(throttled!, 1)).toBe(true);
  });

  it('runs a pass from the command line: npm run complaints -- reconcile', async () => {
    const [id] = await registerAndStop(1);

    const result = await cliSession({ COMPLAINTS_API: api.url }).run('reconcile', '--deep');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/restarted\s+[1-9]/);
    expect(await getServiceDeps().workflow.isRunning(id!, 1)).toBe(true);
  });

  it('stops at its deadline and the next pass resumes where it stopped', async () => {
    const deps = getServiceDeps();
    await seedWaiting(deps, 150);
    const all = await reconcile(deps, { resume: false });
    expect(all.complete).toBe(true);

    // A deadline already passed: one page is checked, and where it stopped is recorded.
    const cut = await reconcile(deps, { deadline: Date.now() });
    expect(cut.complete).toBe(false);
    expect(cut.open).toBeGreaterThan(0);
    expect(cut.open).toBeLessThan(all.open);
    expect(await deps.operations.reconcileCursor('scheduled')).toBeDefined();

    const rest = await reconcile(deps);
    expect(rest.complete).toBe(true);
    expect(cut.open + rest.open).toBe(all.open);
    expect(await deps.operations.reconcileCursor('scheduled')).toBeUndefined();
    // A scheduled pass asks Step Functions only about complaints that look stalled: none of these.
    expect(rest.checked).toBe(0);
  });
});
