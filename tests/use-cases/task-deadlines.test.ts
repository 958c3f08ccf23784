// The follow-up (回访) and payment deadlines through the use cases, against in-memory ports and an injected
// clock: the alerts are handed to delivery for their own instants, each sent once however often its
// delivery step runs, none once the task is done, never a warning after its deadline; the worklists list
// what is open and what is overdue; a deep reconciler pass hands over again the alerts of a complaint
// closed long ago (an embedded stack's executions live in memory).
import { describe, expect, it } from 'vitest';
import type { Complaint } from '#domain/complaint';
import type { Principal } from '#domain/permissions';
import { actOnComplaint } from '#use-cases/act-on-complaint';
import { deliverNotification } from '#use-cases/deliver-notification';
import { listComplaints } from '#use-cases/queries';
import { reconcile } from '#use-cases/reconcile';
import { finishComplaint, onStageTimer } from '#use-cases/stage-workflow';
import { complaintIn, DAY_MS, domainContext, shanghai } from '../support/domain-context.ts';
import { InMemoryDispatcher, inMemoryDeps, type InMemoryDeps } from '../support/in-memory-ports.ts';

const AGENT: Principal = { id: 'agent-li', kind: 'user', roles: ['agent'], mayDelegate: false };
const HOTLINE: Principal = { id: 'hotline', kind: 'client', roles: ['intake'], mayDelegate: false };
const SUPERVISOR: Principal = { id: 'sup-wang', kind: 'user', roles: ['supervisor'], mayDelegate: false };

/** A complaint answered at `at` for an outlet, stored; the domain drove it there. */
async function stored(
  deps: InMemoryDeps,
  status: 'awaiting-feedback' | 'investigating',
  at: string,
  outletId: string,
) {
  const dc = domainContext(shanghai(at));
  const c = complaintIn(status, dc, { outletId, regionId: 'EAST' });
  deps.setNow(dc.now());
  return deps.store.create({ ...c, id: deps.newId(), timeline: [] });
}

/** The feedback window runs out (the workflow's timer), and the Finish step hands the outbox over. */
async function closedNoFeedback(deps: InMemoryDeps, c: Complaint): Promise<Complaint> {
  deps.setNow(c.stage.timer!.at);
  await onStageTimer(deps, c.id, { seq: c.stage.seq });
  await finishComplaint(deps, c.id);
  return (await deps.store.get(c.id))!;
}

const dispatchedFor = (deps: InMemoryDeps, id: string, prefix: string) =>
  [...deps.dispatcher.dispatched.values()].filter(
    (d) => d.complaintId === id && d.notification.event.startsWith(prefix),
  );

describe('follow-up alerts', () => {
  it('are handed to delivery for their instants and sent once each while the call is not recorded', async () => {
    // Prepare
    const deps = inMemoryDeps();
    const closed = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-01'),
    );
    expect(closed.followUp?.reason).toBe('no-feedback');

    // Assess: four alerts, each scheduled for its own instant, the warning first.
    const scheduled = dispatchedFor(deps, closed.id, 'staff-follow-up');
    expect(
      scheduled.map((d) => [d.notification.event, d.notification.level, d.sendAt.toISOString()]),
    ).toEqual(scheduled.map((d) => [d.notification.event, d.notification.level, d.notification.notBefore]));
    expect(scheduled[0]?.sendAt.toISOString()).toBe(closed.followUp?.warnAt);
    expect(scheduled[1]?.sendAt.toISOString()).toBe(closed.followUp?.dueAt);
    const [warning, overdue1, overdue2] = scheduled.map((d) => d.notification);

    // Act: the warning's delivery step runs at its instant, then again (a retry).
    deps.setNow(warning!.notBefore!);
    const first = await deliverNotification(deps, { complaintId: closed.id, notification: warning! });
    const retried = await deliverNotification(deps, { complaintId: closed.id, notification: warning! });

    // Assess: one alert to the outlet's recipients, at level 0.
    expect([first, retried]).toEqual(['sent', 'already-sent']);
    const sent = deps.sender.sent.filter((s) => s.meta.key === warning!.key);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.message).toMatchObject({ kind: 'topic', level: 0, unit: 'outlet:SH-01' });
    expect(sent[0]?.message).toHaveProperty('message', expect.stringContaining('回访预警'));

    // Act: overdue, the outlet's manager hears of it.
    deps.setNow(overdue1!.notBefore!);
    expect(await deliverNotification(deps, { complaintId: closed.id, notification: overdue1! })).toBe('sent');
    expect(deps.sender.sent.at(-1)?.message).toMatchObject({ kind: 'topic', level: 1, unit: 'outlet:SH-01' });

    // Act: the call is recorded before the region would hear of it.
    await actOnComplaint(deps, closed.id, { action: 'follow-up', reached: true, satisfied: true }, AGENT);
    deps.setNow(overdue2!.notBefore!);
    const afterRecorded = await deliverNotification(deps, {
      complaintId: closed.id,
      notification: overdue2!,
    });

    // Assess: nothing more goes out.
    expect(afterRecorded).toBe('nothing-to-send');
    expect(deps.sender.sent.filter((s) => s.meta.event.startsWith('staff-follow-up'))).toHaveLength(2);
  });

  it('a warning whose delivery ran late (past the deadline) is skipped, the overdue alert still goes', async () => {
    const deps = inMemoryDeps();
    const closed = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-01'),
    );
    const [warning, overdue1] = dispatchedFor(deps, closed.id, 'staff-follow-up').map((d) => d.notification);

    deps.setNow(closed.followUp!.dueAt);
    expect(await deliverNotification(deps, { complaintId: closed.id, notification: warning! })).toBe(
      'nothing-to-send',
    );
    expect(await deliverNotification(deps, { complaintId: closed.id, notification: overdue1! })).toBe('sent');
    expect(deps.sender.sent.map((s) => s.meta.event)).toEqual(['staff-follow-up-overdue']);
  });

  it('the worklist lists open follow-ups by outlet, earliest due first, and the overdue ones at now', async () => {
    // Prepare: two of SH-01 closed a day apart, one of SH-02; one of SH-01 then recorded.
    const deps = inMemoryDeps();
    const early = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-01'),
    );
    const late = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-03T09:00', 'SH-01'),
    );
    const other = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-02'),
    );
    const recorded = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T08:00', 'SH-01'),
    );
    await actOnComplaint(deps, recorded.id, { action: 'follow-up', reached: false }, AGENT);
    const ids = (page: { items: Complaint[] }) => page.items.map((c) => c.id);

    // Act + Assess: open ones of the outlet, earliest due first.
    const open = await listComplaints(deps, { followUp: 'open', outletId: 'SH-01', limit: 10 }, SUPERVISOR);
    expect(ids(open)).toEqual([early.id, late.id]);
    // Overdue, judged at the clock's now: only the early one once its due time passed.
    deps.setNow(new Date(Date.parse(early.followUp!.dueAt) + 1000));
    const overdue = await listComplaints(
      deps,
      { followUp: 'overdue', regionId: 'EAST', limit: 10 },
      SUPERVISOR,
    );
    expect(ids(overdue).sort()).toEqual([early.id, other.id].sort());
    const dueBefore = await listComplaints(
      deps,
      { followUp: 'open', dueBefore: late.followUp!.dueAt, limit: 10 },
      SUPERVISOR,
    );
    expect(ids(dueBefore)).not.toContain(late.id);
    expect(ids(dueBefore)).toEqual(expect.arrayContaining([early.id, other.id]));
  });

  it('a deep reconciler pass hands over again the alerts of a follow-up closed long ago', async () => {
    // Prepare: closed, its alerts handed over; then the executions are lost (an embedded restart).
    const deps = inMemoryDeps();
    const closed = await closedNoFeedback(
      deps,
      await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-01'),
    );
    deps.setNow(new Date(Date.parse(closed.closedAt!) + 3 * DAY_MS));
    const lost: InMemoryDeps = { ...deps, dispatcher: new InMemoryDispatcher() };

    // Act
    await reconcile(lost, { deep: true, resume: false });

    // Assess: the four alerts (none sent yet) are waiting for their instants again, none for anything sent.
    const again = dispatchedFor(lost, closed.id, 'staff-follow-up');
    expect(again.map((d) => d.sendAt.toISOString())).toEqual(
      dispatchedFor(deps, closed.id, 'staff-follow-up').map((d) => d.sendAt.toISOString()),
    );
  });
});

describe('a deep pass whose worklist cannot be read', () => {
  it('counts the error and finishes, as with any listing failure (e.g. a data directory without the index)', async () => {
    const deps = inMemoryDeps();
    await closedNoFeedback(deps, await stored(deps, 'awaiting-feedback', '2026-03-02T09:00', 'SH-01'));
    const list = deps.store.list.bind(deps.store);
    deps.store.list = (query) =>
      query.followUp || query.payment
        ? Promise.reject(Object.assign(new Error('no such index'), { name: 'ValidationException' }))
        : list(query);

    const report = await reconcile(deps, { deep: true, resume: false });

    expect(report.complete).toBe(true);
    expect(report.errors).toBe(2);
    expect(deps.log.warnings.map((w) => w.message)).toContain('reconciler could not list a task worklist');
  });
});

describe('payment alerts and the awaiting-payment list', () => {
  it('acceptance schedules them; payment silences them; the list shows accepted, unpaid claims', async () => {
    // Prepare: an offer of money, accepted through the hotline for the customer.
    const deps = inMemoryDeps();
    const c = await stored(deps, 'investigating', '2026-03-02T09:00', 'SH-01');
    await actOnComplaint(
      deps,
      c.id,
      { action: 'offer-compensation', remedy: 'money', amount: { amount: 30, currency: 'CNY' } },
      AGENT,
    );
    const accepted = await actOnComplaint(deps, c.id, { action: 'accept-compensation' }, HOTLINE);

    // Assess: scheduled for the claim's own instants.
    const alerts = dispatchedFor(deps, c.id, 'staff-payment');
    expect(alerts.map((d) => d.sendAt.toISOString())).toEqual([
      accepted.claim!.payWarnAt,
      accepted.claim!.payBy,
      expect.any(String),
      expect.any(String),
    ]);
    const awaiting = await listComplaints(deps, { payment: 'awaiting', limit: 10 }, SUPERVISOR);
    expect(awaiting.items.map((x) => x.id)).toEqual([c.id]);
    expect((await listComplaints(deps, { payment: 'overdue', limit: 10 }, SUPERVISOR)).items).toEqual([]);

    // Act: payBy passes; the unit's manager is alerted; then it is paid.
    deps.setNow(accepted.claim!.payBy!);
    expect((await listComplaints(deps, { payment: 'overdue', limit: 10 }, SUPERVISOR)).items).toHaveLength(1);
    const overdue1 = alerts[1]!.notification;
    expect(await deliverNotification(deps, { complaintId: c.id, notification: overdue1 })).toBe('sent');
    expect(deps.sender.sent.at(-1)?.message).toHaveProperty('message', expect.stringContaining('赔付已超期'));
    await actOnComplaint(deps, c.id, { action: 'record-payment', paymentReference: 'PAY-7' }, AGENT);

    // Assess
    const overdue2 = alerts[2]!.notification;
    deps.setNow(overdue2.notBefore!);
    expect(await deliverNotification(deps, { complaintId: c.id, notification: overdue2 })).toBe(
      'nothing-to-send',
    );
    expect((await listComplaints(deps, { payment: 'awaiting', limit: 10 }, SUPERVISOR)).items).toEqual([]);
  });
});
