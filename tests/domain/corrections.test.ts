// Type and category corrections, the short flow, responsibility at resolve, the unresolved close, the
// regulator's transfer with its own deadline, and which unit an alert of each level goes to.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESCALATION_LEVELS } from '#domain/complaint';
import { InvalidInput } from '#domain/errors';
import { applyAction } from '#domain/lifecycle';
import { alertAddress, unitsOfDirectoryFile } from '#domain/organisation';
import { ACTION_OPERATION, decide, type Principal, type PrincipalRole } from '#domain/permissions';
import { DEFAULT_ROOT_CAUSES, parseRootCauses } from '#domain/responsibility';
import { InvalidConfiguration } from '#domain/policy';
import { act, domainContext, fireDue, HOUR_MS, register, shanghai } from '../support/domain-context.ts';

const START = shanghai('2026-03-02T10:00');

describe('reclassify', () => {
  it('re-plans the running clocks from the new category and re-enters the stage', () => {
    // Prepare: a delay complaint being handled (48 h), found to be about privacy (24 h, urgent).
    const dc = domainContext(START);
    const accepted = act(dc, register(dc), { action: 'accept', actor: 'agent-1' });
    dc.advance(HOUR_MS);

    // Act
    const after = act(dc, accepted, {
      action: 'reclassify',
      actor: 'supervisor-1',
      reason: '涉及个人信息泄露',
      category: 'privacy',
    });

    // Assess
    expect(after.category).toBe('privacy');
    expect(after.priority).toBe('urgent');
    expect(after.classification).toEqual({ category: 'privacy', confidence: 1, source: 'agent' });
    const handling = after.clocks.handling;
    expect(handling?.startedAt).toBe(accepted.clocks.handling?.startedAt);
    expect(Date.parse(handling?.dueAt ?? '') - Date.parse(handling?.startedAt ?? '')).toBe(12 * HOUR_MS);
    expect(after.stage.seq).toBe(accepted.stage.seq + 1);
    expect(after.timeline.at(-1)).toMatchObject({
      type: 'reclassified',
      from: 'investigating',
      to: 'investigating',
    });
    // Urgent: the answer is due in 3 days, not 7: the customer is told the new time.
    const told = after.outbox.slice(accepted.outbox.length).filter((n) => n.audience === 'customer');
    expect(told).toHaveLength(1);
    expect(told[0]?.data?.promisedBy).toBe(after.clocks.resolution?.dueAt);
  });

  it('does not text the customer when the answer time stays', () => {
    const dc = domainContext(START);
    const c = register(dc);
    const after = act(dc, c, {
      action: 'reclassify',
      actor: 'supervisor-1',
      reason: '实为资费问题',
      category: 'fees',
    });
    expect(after.clocks.resolution?.dueAt).toBe(c.clocks.resolution?.dueAt);
    expect(after.outbox.slice(c.outbox.length).filter((n) => n.audience === 'customer')).toEqual([]);
  });

  it('refuses a correction that changes nothing', () => {
    const dc = domainContext(START);
    const c = register(dc);
    expect(() =>
      applyAction(c, { action: 'reclassify', actor: 's', reason: 'x', category: c.category }, dc.ctx()),
    ).toThrow(InvalidInput);
  });

  it('an enquiry is answered and closed, with no rating asked', () => {
    const dc = domainContext(START);
    const enquiry = act(dc, register(dc), {
      action: 'reclassify',
      actor: 's',
      reason: '客户咨询',
      type: 'enquiry',
    });
    const accepted = act(dc, enquiry, { action: 'accept', actor: 'agent-1' });
    const answered = act(dc, accepted, { action: 'resolve', actor: 'agent-1', resolution: '周末正常派送' });
    expect(answered.status).toBe('closed');
    expect(answered.closeReason).toBe('answered');
    expect(answered.clocks.feedback).toBeUndefined();
    expect(answered.outbox.slice(accepted.outbox.length).map((n) => n.event)).toEqual(['closed']);
  });
});

describe('responsibility and the unresolved close', () => {
  it('records responsibility from the taxonomy, and refuses a code of another party', () => {
    const dc = domainContext(START);
    const accepted = act(dc, register(dc), { action: 'accept', actor: 'agent-1' });
    const responsibility = {
      party: 'sorting-centre' as const,
      rootCause: 'missort',
      accountableStaffId: 'sc-0042',
      correctiveAction: '分拣口复训',
    };
    const resolved = act(dc, accepted, {
      action: 'resolve',
      actor: 'agent-1',
      resolution: '已补派',
      responsibility,
    });
    expect(resolved.responsibility).toMatchObject({ ...responsibility, by: 'agent-1' });
    expect(() =>
      applyAction(
        accepted,
        {
          action: 'resolve',
          actor: 'agent-1',
          resolution: 'x',
          responsibility: { ...responsibility, party: 'customer' },
        },
        dc.ctx(),
      ),
    ).toThrow(InvalidInput);
  });

  it('closes as unresolved only with next steps, and keeps them', () => {
    const dc = domainContext(START);
    const accepted = act(dc, register(dc), { action: 'accept', actor: 'agent-1' });
    const close = {
      action: 'close' as const,
      actor: 'supervisor-1',
      reason: '承运商拒绝赔付',
      closeReason: 'unresolved' as const,
    };
    expect(() => applyAction(accepted, close, dc.ctx())).toThrow(InvalidInput);
    const closed = act(dc, accepted, { ...close, nextSteps: '已向承运商发起索赔，结果将电话告知' });
    expect(closed.closeReason).toBe('unresolved');
    expect(closed.unresolved).toEqual({
      reason: '承运商拒绝赔付',
      nextSteps: '已向承运商发起索赔，结果将电话告知',
    });
  });

  it('takes a deployment taxonomy and refuses a malformed one', () => {
    const taxonomy = parseRootCauses(JSON.stringify({ ...DEFAULT_ROOT_CAUSES, outlet: ['late-dispatch'] }));
    expect(taxonomy.outlet).toEqual(['late-dispatch']);
    expect(() => parseRootCauses('{"outlet":["Bad Code"]}')).toThrow(InvalidConfiguration);
  });
});

describe('regulator transfers', () => {
  const transfer = (replyDueAt: string) => ({
    channel: 'regulator' as const,
    regulator: { reference: '12305-2026-000123', replyDueAt },
  });

  it('runs the regulator clock to its deadline, escalating to HQ when missed, and records the reply', () => {
    // Prepare: the regulator wants a reply within 2 days, sooner than any stage clock here.
    const dc = domainContext(START);
    const due = new Date(START.getTime() + 2 * 24 * HOUR_MS).toISOString();
    let c = register(dc, transfer(due));
    expect(c.appeal).toBe(true);
    expect(c.clocks.regulator?.dueAt).toBe(due);
    c = act(dc, c, { action: 'accept', actor: 'agent-1' });
    c = act(dc, c, { action: 'request-info', actor: 'agent-1', message: '请提供面单' });

    // Act: nobody replies; the waiting customer does not stop the regulator's clock.
    let fired = fireDue(dc, c);
    while (fired.complaint.stage.timer?.clock !== 'regulator' && fired.complaint.escalationLevel < 3) {
      if (fired.complaint.clocks.regulator?.breachedAt) break;
      fired = fireDue(dc, fired.complaint);
    }
    const breached = fired.complaint.clocks.regulator?.breachedAt
      ? fired.complaint
      : fireDue(dc, fired.complaint).complaint;

    // Assess
    expect(breached.clocks.regulator?.breachedAt).toBe(due);
    expect(breached.escalationLevel).toBe(3);
    const replied = act(dc, breached, {
      action: 'regulator-reply',
      actor: 'supervisor-1',
      text: '已答复申诉中心',
    });
    expect(replied.regulator?.reply).toMatchObject({ text: '已答复申诉中心', by: 'supervisor-1' });
    expect(replied.clocks.regulator?.stoppedAt).toBe(dc.now().toISOString());
    expect(replied.timeline.at(-1)).toMatchObject({ type: 'regulator-replied', data: { late: true } });
    expect(() =>
      applyAction(replied, { action: 'regulator-reply', actor: 's', text: 'again' }, dc.ctx()),
    ).toThrow(InvalidInput);
  });

  it('needs the reference and a future deadline on channel regulator, and refuses them elsewhere', () => {
    const dc = domainContext(START);
    expect(() => register(dc, { channel: 'regulator' })).toThrow(InvalidInput);
    expect(() => register(dc, transfer(new Date(START.getTime() - 1).toISOString()))).toThrow(InvalidInput);
    expect(() =>
      register(dc, { regulator: { reference: 'x', replyDueAt: '2027-01-01T00:00:00.000Z' } }),
    ).toThrow(InvalidInput);
  });
});

describe('organisation', () => {
  it('addresses each level to the responsible unit, one unit up when a complaint lacks one', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom('SH-01', 'BJ-01'), { nil: undefined }),
        fc.option(fc.constantFrom('EAST', 'NORTH'), { nil: undefined }),
        fc.constantFrom(...ESCALATION_LEVELS),
        (outletId, regionId, level) => {
          const address = alertAddress(
            { ...(outletId ? { outletId } : {}), ...(regionId ? { regionId } : {}) },
            level,
          );
          if (level === 3) return address === 'hq';
          if (level <= 1 && outletId) return address === `outlet:${outletId}`;
          if (regionId) return address === `region:${regionId}`;
          return address === 'hq';
        },
      ),
    );
  });

  it('reads a directory file as a whole: duplicate ids and unknown regions are named', () => {
    const file = {
      hq: { name: '总部' },
      regions: [{ id: 'EAST', name: '华东' }],
      outlets: [
        { id: 'SH-01', regionId: 'EAST', name: '浦东' },
        { id: 'SH-01', regionId: 'EAST', name: '浦东二' },
        { id: 'BJ-01', regionId: 'NORTH', name: '朝阳' },
      ],
    };
    expect(() => unitsOfDirectoryFile(file)).toThrow(
      expect.objectContaining({
        errors: [
          { path: 'outlet[3].id', message: 'SH-01 is listed twice' },
          { path: 'outlets[2].regionId', message: 'no region NORTH in the file' },
        ],
      }),
    );
    expect(unitsOfDirectoryFile({ ...file, outlets: [file.outlets[0]] }).map((u) => u.kind)).toEqual([
      'hq',
      'region',
      'outlet',
    ]);
  });

  it('lets only an admin change the directory, and only a supervisor reclassify or route', () => {
    const as = (...roles: PrincipalRole[]): Principal => ({
      id: 'u',
      kind: 'user',
      roles,
      mayDelegate: false,
    });
    expect(decide(as('agent', 'supervisor'), 'directory').allowed).toBe(false);
    expect(decide(as('admin'), 'directory').allowed).toBe(true);
    expect(ACTION_OPERATION.reclassify).toBe('manage');
    expect(ACTION_OPERATION.route).toBe('manage');
    expect(decide(as('agent'), 'manage').allowed).toBe(false);
    expect(decide(as('supervisor'), 'manage').allowed).toBe(true);
  });
});
