// The execution rules (functions/domain/execution.ts): waits clamped under Step Functions' limits, the
// hand-over to a fresh execution, restarts with backoff and the cap that parks a complaint.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Complaint } from '#domain/complaint';
import {
  backoffMs,
  clampWait,
  DEFAULT_EXECUTION_LIMITS,
  DEFAULT_RESTART_POLICY,
  handOver,
  looksStalled,
  planRecovery,
  renewalIsDue,
  retryParked,
  type ExecutionEnd,
} from '#domain/execution';
import { workflowStagePlan } from '#domain/stage';
import { DAY_MS, domainContext, register } from '../support/domain-context.ts';

const STEP_FUNCTIONS_MAX_SECONDS = 365 * 24 * 3600;
const NODE_TIMER_MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function registered(at = '2026-10-01T08:00:00Z'): { c: Complaint; now: Date } {
  const d = domainContext(at);
  const c = register(d);
  return { c: { ...c, stage: { ...c.stage, taskToken: 'token-1' } }, now: d.now() };
}

describe('execution limits', () => {
  it('never plans a wait beyond the longest wait, far under Step Functions and Node timer limits', () => {
    expect(DEFAULT_EXECUTION_LIMITS.maxWaitSeconds).toBeLessThan(STEP_FUNCTIONS_MAX_SECONDS / 10);
    expect(DEFAULT_EXECUTION_LIMITS.maxWaitSeconds).toBeLessThan(NODE_TIMER_MAX_SECONDS);
    expect(DEFAULT_EXECUTION_LIMITS.maxAgeMs).toBeLessThan(STEP_FUNCTIONS_MAX_SECONDS * 1000 - 30 * DAY_MS);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 * 365 }),
        fc.integer({ min: 0, max: 400 }),
        (dueDays, ageDays) => {
          const { c, now } = registered();
          const started = new Date(now.getTime() - ageDays * DAY_MS).toISOString();
          const timer = {
            kind: 'dormant' as const,
            clock: 'response' as const,
            at: new Date(now.getTime() + dueDays * DAY_MS).toISOString(),
          };
          const waiting: Complaint = {
            ...c,
            execution: { attempt: 1, startedAt: started },
            stage: { ...c.stage, timer },
          };
          const plan = workflowStagePlan(waiting, now);
          expect(plan.timeoutSeconds).toBeLessThanOrEqual(DEFAULT_EXECUTION_LIMITS.maxWaitSeconds);
          expect(plan.timeoutSeconds).toBeGreaterThanOrEqual(1);
          // Never past the timer, and never past the execution's renewal (unless that is already due).
          expect(Date.parse(plan.dueAt)).toBeLessThanOrEqual(Date.parse(timer.at));
          const renewal = Date.parse(started) + DEFAULT_EXECUTION_LIMITS.maxAgeMs;
          expect(Date.parse(plan.dueAt)).toBeLessThanOrEqual(Math.max(renewal, now.getTime()));
        },
      ),
    );
  });

  it('clamps to the renewal instant and says when the hand-over is due', () => {
    const limits = { maxWaitSeconds: 3600, maxAgeMs: 10_000 };
    const now = new Date('2026-10-01T08:00:00Z');
    expect(clampWait(new Date(now.getTime() + 60_000), now, limits, new Date(now.getTime() + 5000))).toEqual(
      new Date(now.getTime() + 5000),
    );
    const { c } = registered('2026-10-01T07:59:50Z');
    expect(renewalIsDue(c, now, limits)).toBe(true);
    expect(renewalIsDue(c, new Date(now.getTime() - 5000), limits)).toBe(false);
  });

  it('hands over under a new attempt and stage sequence, fencing off the old callback token', () => {
    const { c, now } = registered();
    const next = handOver(c, now);
    expect(next.execution).toEqual({ attempt: 1, startedAt: now.toISOString() });
    expect(next.stage.seq).toBe(c.stage.seq + 1);
    expect(next.stage.taskToken).toBeUndefined();
    expect(next.timeline).toEqual(c.timeline);
  });
});

describe('restarts and parking', () => {
  const fail = (c: Complaint, now: Date, status: ExecutionEnd = 'FAILED') =>
    planRecovery(c, { status, error: 'States.TaskFailed' }, now, DEFAULT_RESTART_POLICY);

  it('backs off exponentially up to the cap, then parks with one staff alert', () => {
    let { c, now } = registered();
    const delays: number[] = [];
    for (let i = 0; i < DEFAULT_RESTART_POLICY.maxRestarts; i++) {
      const r = fail(c, now);
      expect(r.kind).toBe('restart');
      if (r.kind !== 'restart') return;
      delays.push(Date.parse(r.resumeAt ?? '') - now.getTime());
      c = r.complaint;
      now = new Date(now.getTime() + 60_000);
    }
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 960_000]);
    const parked = fail(c, now);
    expect(parked.kind).toBe('park');
    expect(parked.complaint.needsOperator).toEqual({
      since: now.toISOString(),
      reason: 'FAILED: States.TaskFailed',
      failures: DEFAULT_RESTART_POLICY.maxRestarts + 1,
    });
    expect(parked.complaint.outbox.filter((n) => n.event === 'staff-failure')).toHaveLength(1);
    expect(parked.complaint.execution.attempt).toBe(c.execution.attempt);
  });

  it('restarts a lost or never-started execution at once without counting it', () => {
    const { c, now } = registered();
    for (const status of ['MISSING', 'SUCCEEDED'] as const) {
      const r = planRecovery(c, { status }, now, DEFAULT_RESTART_POLICY);
      expect(r).toMatchObject({ kind: 'restart', attempt: 1 });
      expect(r.complaint.execution.failures).toBeUndefined();
      expect(r.complaint.execution.resumeAt).toBeUndefined();
    }
  });

  it('forgets failures a day apart, and restarts at once when a person is waiting', () => {
    const { c, now } = registered();
    const once = fail(c, now);
    const later = new Date(now.getTime() + DEFAULT_RESTART_POLICY.failureMemoryMs + 1);
    const again = planRecovery(once.complaint, { status: 'ABORTED' }, later, DEFAULT_RESTART_POLICY, {
      immediate: true,
    });
    expect(again.complaint.execution.failures).toBe(1);
    expect(again.complaint.execution.resumeAt).toBeUndefined();
  });

  it('never waits longer than the longest backoff, whatever the count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (failures) => {
        const delay = backoffMs(failures, DEFAULT_RESTART_POLICY);
        expect(delay).toBeGreaterThanOrEqual(DEFAULT_RESTART_POLICY.baseDelayMs);
        expect(delay).toBeLessThanOrEqual(DEFAULT_RESTART_POLICY.maxDelayMs);
      }),
    );
  });

  it('an operator retry clears the condition and starts the next attempt with a clean count', () => {
    const { c: fresh, now } = registered();
    let c = fresh;
    for (let i = 0; i <= DEFAULT_RESTART_POLICY.maxRestarts; i++) c = fail(c, now).complaint;
    expect(c.needsOperator).toBeDefined();
    const { complaint, attempt } = retryParked(c, 'operator:ops-wang', now);
    expect(complaint.needsOperator).toBeUndefined();
    expect(complaint.execution).toEqual({ attempt, startedAt: now.toISOString() });
    expect(complaint.timeline.at(-1)).toMatchObject({ type: 'workflow-retried', actor: 'operator:ops-wang' });
  });
});

describe('looksStalled (what a scheduled reconciler pass asks Step Functions about)', () => {
  const grace = 120_000;
  it('leaves a complaint waiting on its callback with a future timer alone', () => {
    const { c, now } = registered();
    expect(looksStalled(c, new Date(now.getTime() + 10 * grace), grace)).toBe(false);
  });
  it('suspects one without a callback long after its stage or execution began', () => {
    const { c, now } = registered();
    const between: Complaint = { ...c, stage: { ...c.stage } };
    delete between.stage.taskToken;
    expect(looksStalled(between, new Date(now.getTime() + grace / 2), grace)).toBe(false);
    expect(looksStalled(between, new Date(now.getTime() + grace * 2), grace)).toBe(true);
  });
  it('suspects an overdue timer and an unconfirmed signal, but never a parked complaint', () => {
    const { c, now } = registered();
    const due = Date.parse(c.stage.timer?.at ?? '');
    expect(looksStalled(c, new Date(due + grace * 2), grace)).toBe(true);
    const signalled: Complaint = { ...c, pendingSignal: { taskToken: 't', seq: 1, at: now.toISOString() } };
    expect(looksStalled(signalled, new Date(now.getTime() + grace * 2), grace)).toBe(true);
    const parked: Complaint = {
      ...c,
      needsOperator: { since: now.toISOString(), reason: 'FAILED', failures: 6 },
    };
    expect(looksStalled(parked, new Date(due + grace * 2), grace)).toBe(false);
  });
});
