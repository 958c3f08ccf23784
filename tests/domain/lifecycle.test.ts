import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRunning } from '#domain/clocks';
import { ACTIONS, type ActionName, type ComplaintAction } from '#domain/commands';
import { CATEGORIES, PRIORITIES, STATUSES, type Complaint, type Status } from '#domain/complaint';
import { InvalidInput, TransitionNotAllowed } from '#domain/errors';
import { actionsFor, applyAction, applyFeedback, changesStatus } from '#domain/lifecycle';
import { fireStageTimer } from '#domain/timers';
import {
  act,
  complaintIn,
  DAY_MS,
  domainContext,
  HOUR_MS,
  MINUTE_MS,
  persisted,
  rate,
  register,
  shanghai,
  type DomainContext,
} from '../support/domain-context.ts';

const START = shanghai('2026-03-02T10:00');

/** One well-formed instance of each action. */
const ACTION: { readonly [K in ActionName]: Extract<ComplaintAction, { action: K }> } = {
  accept: { action: 'accept', actor: 'agent-1' },
  assign: { action: 'assign', actor: 'supervisor-1', assignee: 'agent-2' },
  'request-info': { action: 'request-info', actor: 'agent-1', message: '请提供面单照片' },
  'customer-reply': { action: 'customer-reply', actor: 'customer', message: '照片已上传' },
  resolve: { action: 'resolve', actor: 'agent-1', resolution: '已补派并退还邮费' },
  reopen: { action: 'reopen', actor: 'supervisor-1', reason: '客户来电仍不满意' },
  close: { action: 'close', actor: 'agent-1', reason: '客户撤诉' },
  note: { action: 'note', actor: 'agent-1', text: '已致电网点' },
  reclassify: { action: 'reclassify', actor: 'supervisor-1', reason: '客户实为咨询', type: 'enquiry' },
  route: {
    action: 'route',
    actor: 'supervisor-1',
    reason: '实为徐汇网点派送',
    outletId: 'SH-02',
    regionId: 'EAST',
  },
  'regulator-reply': { action: 'regulator-reply', actor: 'supervisor-1', text: '已按期答复申诉中心' },
  'offer-compensation': { action: 'offer-compensation', actor: 'agent-1', remedy: 'resend' },
  'accept-compensation': { action: 'accept-compensation', actor: 'customer' },
  'decline-compensation': { action: 'decline-compensation', actor: 'customer' },
  'record-payment': { action: 'record-payment', actor: 'agent-1', paymentReference: 'PAY-1' },
  'follow-up': { action: 'follow-up', actor: 'agent-1', reached: true, satisfied: true, score: 4 },
};

/**
 * The transitions, derived from SPEC section 4 (not from the code):
 * - the "leaves by" column: received→accept; investigating→request-info, resolve; pending-customer→
 *   customer-reply; review→resolve, close; awaiting-feedback leaves by feedback (its own endpoint) and,
 *   since review is entered by "a score of 1-2 or a reopen" and closed is terminal, by reopen;
 * - close: withdrawn and duplicate are reasons people give, so close is open to every open status;
 * - note and assign "never change status": open to every open status (ownership can change while the
 *   customer is asked or rates); note also on a closed complaint (it changes nothing), assign not.
 */
const SPEC_TRANSITIONS: Readonly<Record<Status, Partial<Record<ActionName, Status>>>> = {
  received: {
    accept: 'investigating',
    assign: 'received',
    close: 'closed',
    note: 'received',
    reclassify: 'received',
    route: 'received',
  },
  investigating: {
    reclassify: 'investigating',
    route: 'investigating',
    assign: 'investigating',
    'request-info': 'pending-customer',
    resolve: 'awaiting-feedback',
    close: 'closed',
    note: 'investigating',
    'offer-compensation': 'investigating',
  },
  'pending-customer': {
    reclassify: 'pending-customer',
    route: 'pending-customer',
    'customer-reply': 'investigating',
    assign: 'pending-customer',
    close: 'closed',
    note: 'pending-customer',
  },
  'awaiting-feedback': {
    route: 'awaiting-feedback',
    reopen: 'review',
    assign: 'awaiting-feedback',
    close: 'closed',
    note: 'awaiting-feedback',
    'offer-compensation': 'awaiting-feedback',
  },
  review: {
    resolve: 'awaiting-feedback',
    assign: 'review',
    close: 'closed',
    note: 'review',
    reclassify: 'review',
    route: 'review',
    'offer-compensation': 'review',
  },
  closed: { note: 'closed' },
};

// regulator-reply applies to regulator transfers only (tests/domain/corrections.test.ts); the answers to
// a compensation offer and its payment depend on the claim, not the status (tests/domain/claims.test.ts).
const CLAIM_ANSWERS: readonly ActionName[] = [
  'accept-compensation',
  'decline-compensation',
  'record-payment',
];
const PAIRS = STATUSES.flatMap((status) =>
  ACTIONS.filter((action) => action !== 'regulator-reply' && !CLAIM_ANSWERS.includes(action)).map(
    (action) => ({ status, action }),
  ),
);
const ALLOWED = PAIRS.filter(({ status, action }) => SPEC_TRANSITIONS[status][action] !== undefined).map(
  (pair) => ({ ...pair, to: SPEC_TRANSITIONS[pair.status][pair.action] as Status }),
);
const REFUSED = PAIRS.filter(({ status, action }) => SPEC_TRANSITIONS[status][action] === undefined);

describe('every status x action pair (SPEC section 4)', () => {
  it.each(ALLOWED)('$status + $action → $to', ({ status, action, to }) => {
    // Prepare
    const dc = domainContext(START);
    const before = complaintIn(status, dc);
    dc.advance(HOUR_MS);
    const at = dc.now().toISOString();

    // Act
    const after = applyAction(before, ACTION[action], dc.ctx());

    // Assess
    expect(after.status).toBe(to);
    expect(after.stage.name).toBe(to);
    expect(after.version).toBe(before.version);
    const added = after.timeline.slice(before.timeline.length);
    expect(before.timeline).toEqual(after.timeline.slice(0, before.timeline.length));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((e) => e.at === at && e.actor === ACTION[action].actor && e.from === status)).toBe(
      true,
    );
    if (changesStatus(action)) {
      expect(added.at(-1)).toMatchObject({ from: status, to });
      expect(after.stage.seq).toBe(before.stage.seq + 1);
      expect(after.stage.enteredAt).toBe(at);
    } else {
      expect(to).toBe(status);
      expect(added).toHaveLength(1);
      expect(added[0]?.to).toBeUndefined();
      expect(after.stage).toEqual(before.stage);
      expect(after.clocks).toEqual(before.clocks);
    }
  });

  it.each(REFUSED)('$status + $action throws TransitionNotAllowed', ({ status, action }) => {
    // Prepare
    const dc = domainContext(START);
    const before = complaintIn(status, dc);
    dc.advance(HOUR_MS);

    // Act
    const attempt = (): Complaint => applyAction(before, ACTION[action], dc.ctx());

    // Assess
    expect(attempt).toThrow(TransitionNotAllowed);
    expect(attempt).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ action, status }) }),
    );
  });

  it.each(STATUSES)('allowedActions(%s) lists exactly the actions the SPEC allows', (status) => {
    // Act
    const allowed = actionsFor({ status });

    // Assess
    expect([...allowed].sort()).toEqual(Object.keys(SPEC_TRANSITIONS[status]).sort());
  });

  it.each(STATUSES.filter((s) => s !== 'awaiting-feedback'))(
    'feedback in %s throws TransitionNotAllowed',
    (status) => {
      // Prepare
      const dc = domainContext(START);
      const before = complaintIn(status, dc);

      // Act
      const attempt = (): Complaint => applyFeedback(before, { score: 5 }, { via: 'link' }, dc.ctx());

      // Assess
      expect(attempt).toThrow(TransitionNotAllowed);
    },
  );

  it('changesStatus is true exactly for the actions that enter a new stage', () => {
    // Act
    const changing = ACTIONS.filter(changesStatus);

    // Assess
    // reclassify keeps the status but re-enters it: its clocks are re-planned and the workflow waits anew.
    expect(changing.sort()).toEqual([
      'accept',
      'close',
      'customer-reply',
      'reclassify',
      'reopen',
      'request-info',
      'resolve',
    ]);
  });
});

describe('happy paths', () => {
  it('received → accept → resolve → feedback 5 → closed satisfied, with the clock facts recorded', () => {
    // Prepare
    const dc = domainContext(START);
    let c = register(dc);

    // Act
    dc.advance(3 * HOUR_MS);
    c = act(dc, c, ACTION.accept);
    const acceptedAt = dc.now().toISOString();
    dc.advance(20 * HOUR_MS);
    c = act(dc, c, { ...ACTION.resolve, compensation: { amount: 12, currency: 'CNY' } });
    const resolvedAt = dc.now().toISOString();
    dc.advance(5 * HOUR_MS);
    c = rate(dc, c, { score: 5, comment: '满意' });

    // Assess
    expect(c.status).toBe('closed');
    expect(c.closeReason).toBe('satisfied');
    expect(c.closedAt).toBe(dc.now().toISOString());
    expect(c.firstResponseAt).toBe(acceptedAt);
    expect(c.handlingStartedAt).toBe(acceptedAt);
    expect(c.resolvedAt).toBe(resolvedAt);
    expect(c.totalPausedMs).toBe(0);
    expect(c.feedback).toEqual({ score: 5, comment: '满意', at: dc.now().toISOString() });
    expect(c.resolution).toMatchObject({
      text: ACTION.resolve.resolution,
      by: 'agent-1',
      compensation: { amount: 12, currency: 'CNY' },
    });
    expect(c.clocks.response).toMatchObject({ stoppedAt: acceptedAt });
    expect(c.clocks.handling).toMatchObject({ startedAt: acceptedAt, stoppedAt: resolvedAt });
    expect(c.clocks.resolution).toMatchObject({ stoppedAt: resolvedAt });
    expect(Object.values(c.clocks).filter(isRunning)).toEqual([]);
    expect(Object.values(c.clocks).filter((clock) => clock.breachedAt)).toEqual([]);
    expect(c.outbox.map((n) => n.event)).toEqual(['received', 'accepted', 'answered', 'closed']);
    expect(c.timeline.map((e) => [e.type, e.from ?? null, e.to ?? null])).toEqual([
      ['registered', null, 'received'],
      ['accepted', 'received', 'investigating'],
      ['resolved', 'investigating', 'awaiting-feedback'],
      // The money the answer states is an offer the customer may accept (SPEC section 11).
      ['claim-offered', 'investigating', null],
      ['feedback', 'awaiting-feedback', null],
      ['closed', 'awaiting-feedback', 'closed'],
    ]);
    expect(c.claim).toMatchObject({ number: 1, remedy: 'money', status: 'offered', amount: { amount: 12 } });
    expect(c.stage.timer).toBeUndefined();
  });

  it.each([1, 2] as const)(
    'feedback %i opens a review (复核) with its own clock and a supervisor alert',
    (score) => {
      // Prepare
      const dc = domainContext(START);
      const waiting = complaintIn('awaiting-feedback', dc);
      dc.advance(HOUR_MS);

      // Act
      const c = rate(dc, waiting, { score });

      // Assess
      expect(c.status).toBe('review');
      expect(c.feedback?.score).toBe(score);
      expect(c.clocks.feedback?.stoppedAt).toBe(dc.now().toISOString());
      expect(c.clocks.review).toMatchObject({
        startedAt: dc.now().toISOString(),
        dueAt: new Date(dc.now().getTime() + 24 * HOUR_MS).toISOString(),
      });
      expect(c.outbox.at(-1)).toMatchObject({ audience: 'staff', event: 'staff-review-needed' });
      expect(c.timeline.at(-1)).toMatchObject({ type: 'feedback', from: 'awaiting-feedback', to: 'review' });
    },
  );

  it.each([4, 5] as const)('feedback %i closes as satisfied', (score) => {
    // Prepare
    const dc = domainContext(START);
    const waiting = complaintIn('awaiting-feedback', dc);

    // Act
    const c = rate(dc, waiting, { score });

    // Assess
    expect(c.status).toBe('closed');
    expect(c.closeReason).toBe('satisfied');
  });

  it('feedback 3 (一般) closes as neutral, not satisfied, flagged for an optional follow-up', () => {
    // Prepare
    const dc = domainContext(START);
    const waiting = complaintIn('awaiting-feedback', dc);

    // Act
    const c = rate(dc, waiting, { score: 3 });

    // Assess
    expect(c.status).toBe('closed');
    expect(c.closeReason).toBe('neutral');
    expect(c.timeline.find((e) => e.type === 'feedback')?.data).toMatchObject({
      score: 3,
      followUp: 'optional',
    });
    expect(c.outbox.at(-1)).toMatchObject({ event: 'closed', data: { reason: 'neutral' } });
  });

  it('review → resolve goes back to awaiting-feedback with a fresh feedback window', () => {
    // Prepare
    const dc = domainContext(START);
    let c = rate(dc, complaintIn('awaiting-feedback', dc), { score: 1 });
    dc.advance(6 * HOUR_MS);

    // Act
    c = act(dc, c, { action: 'resolve', actor: 'supervisor-1', resolution: '复核后全额赔偿' });

    // Assess
    expect(c.status).toBe('awaiting-feedback');
    expect(c.clocks.review?.stoppedAt).toBe(dc.now().toISOString());
    expect(c.clocks.feedback).toMatchObject({ startedAt: dc.now().toISOString() });
    expect(isRunning(c.clocks.feedback)).toBe(true);
    expect(c.stage.timer).toEqual({ kind: 'expiry', clock: 'feedback', at: c.clocks.feedback?.dueAt });
    expect(c.outbox.at(-1)).toMatchObject({ audience: 'customer', event: 'answered' });
  });

  it('review → close closes as reviewed', () => {
    // Prepare
    const dc = domainContext(START);
    const review = rate(dc, complaintIn('awaiting-feedback', dc), { score: 2 });

    // Act
    const c = act(dc, review, { action: 'close', actor: 'supervisor-1', reason: '复核维持原处理' });

    // Assess
    expect(c.status).toBe('closed');
    expect(c.closeReason).toBe('reviewed');
    expect(Object.values(c.clocks).filter(isRunning)).toEqual([]);
  });

  it('request-info pauses; customer-reply resumes investigating with deadlines moved out by the pause', () => {
    // Prepare
    const dc = domainContext(START);
    const investigating = complaintIn('investigating', dc);
    dc.advance(2 * HOUR_MS);
    const pausedAt = dc.now().toISOString();

    // Act
    const pending = act(dc, investigating, ACTION['request-info']);
    dc.advance(30 * HOUR_MS);
    const resumed = act(dc, pending, ACTION['customer-reply']);

    // Assess
    expect(pending.status).toBe('pending-customer');
    expect(pending.pausedAt).toBe(pausedAt);
    expect(pending.clocks.pending).toMatchObject({
      startedAt: pausedAt,
      dueAt: new Date(Date.parse(pausedAt) + 72 * HOUR_MS).toISOString(),
    });
    expect(pending.stage.timer).toEqual({
      kind: 'reminder',
      clock: 'pending',
      at: pending.clocks.pending?.warnAt,
    });
    expect(pending.outbox.at(-1)).toMatchObject({ audience: 'customer', event: 'info-requested' });
    expect(resumed.status).toBe('investigating');
    expect(resumed.pausedAt).toBeUndefined();
    expect(resumed.totalPausedMs).toBe(30 * HOUR_MS);
    expect(resumed.clocks.pending?.stoppedAt).toBe(dc.now().toISOString());
    const moved = (name: 'handling' | 'resolution'): number =>
      Date.parse(resumed.clocks[name]?.dueAt ?? '') - Date.parse(investigating.clocks[name]?.dueAt ?? '');
    expect(moved('handling')).toBe(30 * HOUR_MS);
    expect(moved('resolution')).toBe(30 * HOUR_MS);
    expect(resumed.timeline.at(-1)).toMatchObject({
      type: 'customer-replied',
      from: 'pending-customer',
      to: 'investigating',
    });
  });

  it('reopen sends an answered complaint to review', () => {
    // Prepare
    const dc = domainContext(START);
    const waiting = complaintIn('awaiting-feedback', dc);

    // Act
    const c = act(dc, waiting, ACTION.reopen);

    // Assess
    expect(c.status).toBe('review');
    expect(isRunning(c.clocks.review)).toBe(true);
    expect(c.timeline.at(-1)).toMatchObject({ type: 'reopened', data: { reason: '客户来电仍不满意' } });
  });

  it.each(['received', 'investigating', 'pending-customer', 'awaiting-feedback'] as const)(
    'close in %s defaults to closed-by-staff (never withdrawn: the customer did not) and stops every clock',
    (status) => {
      // Prepare
      const dc = domainContext(START);
      const open = complaintIn(status, dc);
      dc.advance(HOUR_MS);

      // Act
      const c = act(dc, open, ACTION.close);

      // Assess
      expect(c.status).toBe('closed');
      expect(c.closeReason).toBe('closed-by-staff');
      expect(c.closedAt).toBe(dc.now().toISOString());
      expect(Object.values(c.clocks).filter(isRunning)).toEqual([]);
      expect(c.outbox.at(-1)).toMatchObject({
        audience: 'customer',
        event: 'closed',
        data: { reason: 'closed-by-staff' },
      });
    },
  );

  it('closes as withdrawn only when staff say the customer withdrew', () => {
    // Prepare
    const dc = domainContext(START);
    const open = complaintIn('investigating', dc);

    // Act
    const c = act(dc, open, { ...ACTION.close, closeReason: 'withdrawn' });

    // Assess
    expect(c.closeReason).toBe('withdrawn');
  });

  it('close can state duplicate', () => {
    // Prepare
    const dc = domainContext(START);

    // Act
    const c = act(dc, register(dc), { ...ACTION.close, closeReason: 'duplicate' });

    // Assess
    expect(c.closeReason).toBe('duplicate');
  });

  it.each(['received', 'investigating', 'awaiting-feedback'] as const)(
    'close as reviewed is refused in %s, a complaint that was never reviewed',
    (status) => {
      // Prepare
      const dc = domainContext(START);
      const open = complaintIn(status, dc);

      // Act
      const attempt = (): Complaint =>
        applyAction(
          open,
          { action: 'close', actor: 'agent-1', reason: 'x', closeReason: 'reviewed' },
          dc.ctx(),
        );

      // Assess
      expect(attempt).toThrow(InvalidInput);
      expect(attempt).toThrow(
        expect.objectContaining({ errors: [expect.objectContaining({ path: 'closeReason' })] }),
      );
    },
  );

  it('closing a complaint that waits for the customer ends the pause: the paused clocks did not breach', () => {
    // Prepare: the 48 h handling clock had 47 h left when the customer was asked
    const dc = domainContext(START);
    let c = complaintIn('investigating', dc);
    dc.advance(HOUR_MS);
    c = act(dc, c, ACTION['request-info']);
    dc.advance(60 * HOUR_MS);

    // Act
    c = act(dc, c, ACTION.close);

    // Assess
    expect(c.clocks.handling?.breachedAt).toBeUndefined();
    expect(c.clocks.resolution?.breachedAt).toBeUndefined();
    expect(c.totalPausedMs).toBe(60 * HOUR_MS);
    expect(c.pausedAt).toBeUndefined();
  });
});

describe('clock facts', () => {
  it('an accept that beats the response breach timer by a minute still records the breach and by how much', () => {
    // Prepare: the 24 h response clock ran out a minute ago; the workflow has not fired the timer yet
    const dc = domainContext(START);
    const registered = register(dc);
    dc.advance(24 * HOUR_MS + MINUTE_MS);

    // Act
    const c = act(dc, registered, ACTION.accept);

    // Assess
    const response = c.clocks.response;
    expect(response?.breachedAt).toBe(registered.clocks.response?.dueAt);
    expect(Date.parse(response?.stoppedAt ?? '') - Date.parse(response?.dueAt ?? '')).toBe(MINUTE_MS);
    expect(c.breaches).toEqual([
      { clock: 'response', dueAt: registered.clocks.response?.dueAt, at: dc.now().toISOString(), level: 0 },
    ]);
  });

  it('an answer sent after the resolution deadline, before its timer fired, still means level 2 and regulatory risk', () => {
    // Prepare: received 166 h before registration; the 7-day resolution clock ends 2 h after registration
    const dc = domainContext(START);
    let c = register(dc, { receivedAt: new Date(START.getTime() - 166 * HOUR_MS).toISOString() });
    c = act(dc, c, ACTION.accept);
    dc.advance(2 * HOUR_MS + MINUTE_MS);
    const outboxBefore = c.outbox.length;

    // Act
    c = act(dc, c, ACTION.resolve);

    // Assess
    expect(c.regulatoryRisk).toBe(true);
    expect(c.escalationLevel).toBe(2);
    expect(c.breaches).toEqual([expect.objectContaining({ clock: 'resolution', level: 2 })]);
    expect(c.outbox.slice(outboxBefore).map((n) => [n.audience, n.event, n.level ?? null])).toEqual([
      ['staff', 'staff-escalation', 2],
      ['customer', 'answered', null],
    ]);
    expect(c.timeline.slice(-2).map((e) => e.type)).toEqual(['escalated', 'resolved']);
  });

  it('a clock met in time is no breach', () => {
    // Prepare
    const dc = domainContext(START);
    const registered = register(dc);
    dc.advance(23 * HOUR_MS);

    // Act
    const c = act(dc, registered, ACTION.accept);

    // Assess
    expect(c.clocks.response?.breachedAt).toBeUndefined();
    expect(c.breaches).toEqual([]);
  });
});

describe('ownership (首问负责制)', () => {
  it('the first agent to accept stays first responder while assign moves the owner', () => {
    // Prepare
    const dc = domainContext(START);
    let c = register(dc);

    // Act
    c = act(dc, c, { action: 'accept', actor: 'agent-1' });
    const afterAccept = { owner: c.owner, firstResponder: c.firstResponder };
    c = act(dc, c, { action: 'assign', actor: 'supervisor-1', assignee: 'agent-2' });
    const afterAssign = { owner: c.owner, firstResponder: c.firstResponder, status: c.status };
    c = act(dc, c, ACTION['request-info']);
    c = act(dc, c, { action: 'assign', actor: 'supervisor-1', assignee: 'agent-3' });
    c = act(dc, c, ACTION['customer-reply']);
    c = act(dc, c, { action: 'resolve', actor: 'agent-3', resolution: '已处理' });
    c = act(dc, c, ACTION.reopen);
    c = act(dc, c, { action: 'assign', actor: 'supervisor-1', assignee: 'supervisor-9' });
    c = act(dc, c, ACTION.close);

    // Assess
    expect(afterAccept).toEqual({ owner: 'agent-1', firstResponder: 'agent-1' });
    expect(afterAssign).toEqual({ owner: 'agent-2', firstResponder: 'agent-1', status: 'investigating' });
    expect(c.owner).toBe('supervisor-9');
    expect(c.firstResponder).toBe('agent-1');
    expect(c.timeline.filter((e) => e.type === 'assigned').map((e) => e.data?.assignee)).toEqual([
      'agent-2',
      'agent-3',
      'supervisor-9',
    ]);
  });

  it('note and assign leave status, stage and clocks as they are', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Status>(
          'received',
          'investigating',
          'pending-customer',
          'awaiting-feedback',
          'review',
        ),
        fc.constantFrom<ActionName>('note', 'assign'),
        (status, action) => {
          // Prepare
          const dc = domainContext(START);
          const before = complaintIn(status, dc);

          // Act
          const after = applyAction(before, ACTION[action], dc.ctx());

          // Assess
          expect(after.status).toBe(before.status);
          expect(after.stage).toEqual(before.stage);
          expect(after.clocks).toEqual(before.clocks);
          expect(after.firstResponder).toBe(before.firstResponder);
        },
      ),
    );
  });
});

describe('pause (SPEC section 4: pending-customer stops every clock)', () => {
  const startHour = fc.integer({ min: 0, max: 300 * 24 });
  const minutes = (maxHours: number): fc.Arbitrary<number> =>
    fc.integer({ min: 0, max: maxHours * 60 }).map((m) => m * MINUTE_MS);

  function pauseAndReply(dc: DomainContext, c: Complaint, before: number, paused: number): Complaint {
    dc.advance(before);
    const pending = act(dc, c, ACTION['request-info']);
    dc.advance(paused);
    return act(dc, pending, ACTION['customer-reply']);
  }

  it('on 24x7, pausing for d moves every running deadline by exactly d', () => {
    fc.assert(
      fc.property(startHour, minutes(40), minutes(71), (hour, before, paused) => {
        // Prepare
        const dc = domainContext(new Date(START.getTime() + hour * HOUR_MS));
        const c = complaintIn('investigating', dc);

        // Act
        const resumed = pauseAndReply(dc, c, before, paused);

        // Assess
        for (const name of ['handling', 'resolution'] as const) {
          expect(
            Date.parse(resumed.clocks[name]?.dueAt ?? '') - Date.parse(c.clocks[name]?.dueAt ?? ''),
          ).toBe(paused);
        }
        if (!c.clocks.handling?.warnedAt) {
          expect(
            Date.parse(resumed.clocks.handling?.warnAt ?? '') - Date.parse(c.clocks.handling?.warnAt ?? ''),
          ).toBe(paused);
        }
        expect(resumed.totalPausedMs).toBe(paused);
      }),
    );
  });

  it('on cn-workdays, the loss handling clock moves by the working time of the pause; resolution by d', () => {
    fc.assert(
      fc.property(startHour, minutes(40), minutes(71), (hour, before, paused) => {
        // Prepare
        const dc = domainContext(new Date(START.getTime() + hour * HOUR_MS));
        const c = complaintIn('investigating', dc, { category: 'loss', description: '包裹丢失' });
        const workdays = dc.calendars['cn-workdays'];

        // Act
        const pausedFrom = new Date(dc.now().getTime() + before);
        const resumed = pauseAndReply(dc, c, before, paused);

        // Assess
        const workingPause = workdays.elapsedMs(pausedFrom, dc.now());
        const oldDue = new Date(c.clocks.handling?.dueAt ?? '');
        const newDue = new Date(resumed.clocks.handling?.dueAt ?? '');
        expect(workdays.elapsedMs(oldDue, newDue)).toBe(workingPause);
        if (workingPause === 0) expect(newDue).toEqual(oldDue);
        expect(
          Date.parse(resumed.clocks.resolution?.dueAt ?? '') - Date.parse(c.clocks.resolution?.dueAt ?? ''),
        ).toBe(paused);
      }),
    );
  });

  it('totalPausedMs accumulates over several pauses and the deadlines move by their sum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(minutes(5), minutes(60)), { minLength: 1, maxLength: 4 }), (pauses) => {
        // Prepare
        const dc = domainContext(START);
        const start = complaintIn('investigating', dc);
        let c = start;

        // Act
        for (const [before, paused] of pauses) c = pauseAndReply(dc, c, before, paused);

        // Assess
        const total = pauses.reduce((sum, [, paused]) => sum + paused, 0);
        expect(c.totalPausedMs).toBe(total);
        expect(
          Date.parse(c.clocks.handling?.dueAt ?? '') - Date.parse(start.clocks.handling?.dueAt ?? ''),
        ).toBe(total);
      }),
    );
  });

  it('no stage timer of the paused clocks fires while the customer is asked', () => {
    // Prepare
    const dc = domainContext(START);
    let c = complaintIn('investigating', dc);
    dc.advance(47 * HOUR_MS);

    // Act
    c = act(dc, c, ACTION['request-info']);

    // Assess: only the pending clock's reminder is planned, not the handling breach an hour away
    expect(c.stage.timer).toMatchObject({ kind: 'reminder', clock: 'pending' });
  });
});

describe('invariants over random sequences of actions and timer firings', () => {
  type Step =
    | { kind: 'action'; pick: number; score: 1 | 2 | 3 | 4 | 5 }
    | { kind: 'timer'; lateMs: number }
    | { kind: 'stale-timer' }
    | { kind: 'wait'; ms: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('action' as const),
      pick: fc.nat(),
      score: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, 5 as const),
    }),
    fc.record({ kind: fc.constant('timer' as const), lateMs: fc.integer({ min: 0, max: 6 * HOUR_MS }) }),
    fc.constant({ kind: 'stale-timer' as const }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3 * DAY_MS }) }),
  );

  // Any category (loss runs on cn-workdays), priority, and a complaint received up to 8 days before.
  const registration = fc.record({
    hour: fc.integer({ min: 0, max: 365 * 24 }),
    category: fc.constantFrom(...CATEGORIES),
    priority: fc.constantFrom(...PRIORITIES),
    ageHours: fc.integer({ min: 0, max: 8 * 24 }),
  });

  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  function perform(dc: DomainContext, c: Complaint, s: Step): Complaint {
    switch (s.kind) {
      case 'wait':
        dc.advance(s.ms);
        return c;
      case 'stale-timer': {
        const result = fireStageTimer(c, c.stage.seq - 1, dc.ctx());
        expect(result.outcome.kind).toBe('superseded');
        expect(result.complaint).toBe(c);
        return c;
      }
      case 'timer': {
        if (!c.stage.timer) return c;
        dc.setNow(new Date(Math.max(dc.now().getTime(), Date.parse(c.stage.timer.at) + s.lateMs)));
        return fireStageTimer(c, c.stage.seq, dc.ctx()).complaint;
      }
      case 'action': {
        // A correction must change something: the record's type flips between complaint and enquiry.
        const instance = (name: ActionName): ComplaintAction =>
          name === 'reclassify'
            ? {
                ...ACTION.reclassify,
                type: (c.type ?? 'complaint') === 'complaint' ? 'enquiry' : 'complaint',
              }
            : ACTION[name];
        const moves: (() => Complaint)[] = actionsFor(c)
          .filter((name) => name !== 'regulator-reply' && name !== 'follow-up')
          .map((name) => () => applyAction(c, instance(name), dc.ctx()));
        if (c.status === 'awaiting-feedback')
          moves.push(() => applyFeedback(c, { score: s.score }, { via: 'link' }, dc.ctx()));
        const move = moves[s.pick % moves.length];
        return move ? move() : c;
      }
    }
  }

  it('hold for every reachable complaint', () => {
    fc.assert(
      fc.property(
        registration,
        fc.array(step, { maxLength: 40 }),
        ({ hour, category, priority, ageHours }, steps) => {
          // Prepare
          const dc = domainContext(new Date(START.getTime() + hour * HOUR_MS));
          const receivedAt = new Date(dc.now().getTime() - ageHours * HOUR_MS).toISOString();
          let c = register(dc, { category, priority, receivedAt });

          for (const s of steps) {
            // Act
            const next = perform(dc, c, s);

            // Assess
            expect(next.version).toBe(c.version);
            expect(next.stage.seq).toBeGreaterThanOrEqual(c.stage.seq);
            if (next.status !== c.status) expect(next.stage.seq).toBeGreaterThan(c.stage.seq);
            expect(next.stage.name).toBe(next.status);
            expect(next.escalationLevel).toBeGreaterThanOrEqual(c.escalationLevel);
            expect([0, 1, 2, 3]).toContain(next.escalationLevel);
            expect(next.timeline.slice(0, c.timeline.length)).toEqual(c.timeline);
            expect(next.timeline.every((e) => ISO.test(e.at) && new Date(e.at).toISOString() === e.at)).toBe(
              true,
            );
            expect(new Set(next.outbox.map((n) => n.key)).size).toBe(next.outbox.length);
            // SPEC 6: at most one text per change; the escalation text at most once in a complaint's life.
            const texts = next.outbox.slice(c.outbox.length).filter((n) => n.audience === 'customer');
            expect(texts.length).toBeLessThanOrEqual(1);
            expect(next.outbox.filter((n) => n.event === 'escalated').length).toBeLessThanOrEqual(1);
            expect(next.totalPausedMs).toBeGreaterThanOrEqual(c.totalPausedMs);
            if (next.regulatoryRisk) expect(next.escalationLevel).toBeGreaterThanOrEqual(2);
            if (next.clocks.resolution?.breachedAt) expect(next.regulatoryRisk).toBe(true);
            // Which clocks breached is a fact on the complaint, whether a timer or a late action found it.
            for (const clock of Object.values(next.clocks).filter((k) => k.breachedAt)) {
              expect(next.breaches.map((b) => b.clock)).toContain(clock.name);
            }
            if (next.status === 'closed') {
              expect(next.closedAt).toBeDefined();
              expect(next.closeReason).toBeDefined();
              expect(Object.values(next.clocks).filter(isRunning)).toEqual([]);
              expect(next.stage.timer).toBeUndefined();
            } else {
              // An open complaint always waits for some timer, or the workflow would never look at it again.
              expect(next.stage.timer).toBeDefined();
            }
            expect(next.pausedAt !== undefined).toBe(next.status === 'pending-customer');
            c = persisted(c, next);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
