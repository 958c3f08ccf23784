import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, STATUSES, type Category, type Status } from '#domain/complaint';
import { InvalidConfiguration } from '#domain/policy';
import {
  DEFAULT_SPIKE_RULE,
  parseSpikeRule,
  countLinks,
  detectSpikes,
  incidentCompensationFor,
  incidentDeclaration,
  incidentFor,
  incidentOutcomeOf,
  linkToIncident,
  matchesIncident,
  newIncident,
  proposedIncident,
  resolveForIncident,
  spikeThreshold,
  type Incident,
  type IncidentDeclaration,
  type IncidentResolution,
  type SpikeFacts,
  type SpikeRule,
} from '#domain/incidents';
import { complaintIn, domainContext, persisted, register } from '../support/domain-context.ts';

const START = '2026-10-12T02:00:00.000Z';

function declared(
  overrides: Partial<IncidentDeclaration> = {},
  status: 'open' | 'proposed' = 'open',
): Incident {
  const declaration = incidentDeclaration.parse({
    cause: { kind: 'flood', summary: '分拨中心进水' },
    area: { outletIds: ['SH-01'], regionIds: [] },
    categories: ['delay'],
    window: { from: '2026-10-12T00:00:00.000Z' },
    escalateToHq: true,
    ...overrides,
  });
  return newIncident('01JINCIDENT000000000000000', declaration, 'sup-li', new Date(START), status);
}

const RESOLUTION: IncidentResolution = {
  text: '受洪涝影响的邮件已全部转运派送',
  compensation: { kind: 'fixed', amount: 20 },
  by: 'sup-li',
  startedAt: START,
};

describe('incidentDeclaration', () => {
  it('needs an outlet or a region, and a window that ends after it starts', () => {
    // Act
    const noArea = incidentDeclaration.safeParse({
      cause: { kind: 'flood', summary: 'x' },
      area: {},
      window: { from: START },
    });
    const backwards = incidentDeclaration.safeParse({
      cause: { kind: 'flood', summary: 'x' },
      area: { regionIds: ['EAST'] },
      window: { from: START, to: '2026-10-11T00:00:00.000Z' },
    });

    // Assess
    expect(noArea.success).toBe(false);
    expect(backwards.success).toBe(false);
  });
});

describe('matchesIncident', () => {
  const incident = declared({
    area: { outletIds: ['SH-01'], regionIds: ['NORTH'] },
    window: { from: '2026-10-12T00:00:00Z', to: '2026-10-13T00:00:00Z' },
  });
  const facts = (overrides: Partial<SpikeFacts & { status: Status }> = {}) => ({
    category: 'delay' as Category,
    receivedAt: '2026-10-12T06:00:00.000Z',
    status: 'received' as Status,
    outletId: 'SH-01',
    ...overrides,
  });

  it('takes a complaint of its outlet or region, category and window', () => {
    expect(matchesIncident(incident, facts())).toBe(true);
    expect(matchesIncident(incident, facts({ outletId: 'BJ-01', regionId: 'NORTH' }))).toBe(true);
  });

  it('leaves out another unit, another category, and receipts outside [from, to)', () => {
    expect(matchesIncident(incident, facts({ outletId: 'SH-02', regionId: 'EAST' }))).toBe(false);
    expect(matchesIncident(incident, facts({ category: 'damage' }))).toBe(false);
    expect(matchesIncident(incident, facts({ receivedAt: '2026-10-11T23:59:59.999Z' }))).toBe(false);
    expect(matchesIncident(incident, facts({ receivedAt: '2026-10-13T00:00:00.000Z' }))).toBe(false);
  });

  it('lets an incident without categories take every category', () => {
    const any = declared({ categories: [] });
    for (const category of CATEGORIES) expect(matchesIncident(any, facts({ category }))).toBe(true);
  });

  it('links by rule only to an open incident, the earliest declared first', () => {
    const later = { ...declared(), id: 'later', declaredAt: '2026-10-12T03:00:00.000Z' };
    const proposed = { ...declared(), id: 'proposed', status: 'proposed' as const };
    expect(incidentFor([later, proposed, declared()], facts())?.id).toBe('01JINCIDENT000000000000000');
    expect(incidentFor([proposed], facts())).toBeUndefined();
  });
});

describe('linkToIncident', () => {
  it('records the incident, writes the link to the timeline and raises the complaint to HQ', () => {
    // Prepare
    const dc = domainContext(START);
    const c = register(dc, { outletId: 'SH-01' });

    // Act
    const result = linkToIncident(c, declared(), { actor: 'sup-li' }, 'manual', dc.now());

    // Assess
    if (!('complaint' in result)) throw new Error('refused');
    expect(result.changed).toBe(true);
    expect(result.complaint.incident).toEqual({ id: '01JINCIDENT000000000000000', linkedAt: START });
    expect(result.complaint.escalationLevel).toBe(3);
    expect(result.complaint.timeline.slice(-2).map((e) => e.type)).toEqual(['incident-linked', 'escalated']);
    expect(result.complaint.status).toBe(c.status);
  });

  it('keeps the level when the incident does not escalate, and is idempotent', () => {
    const dc = domainContext(START);
    const once = linkToIncident(
      register(dc),
      declared({ escalateToHq: false }),
      { actor: 's' },
      'rule',
      dc.now(),
    );
    if (!('complaint' in once)) throw new Error('refused');
    const twice = linkToIncident(
      once.complaint,
      declared({ escalateToHq: false }),
      { actor: 's' },
      'rule',
      dc.now(),
    );
    expect(once.complaint.escalationLevel).toBe(0);
    expect(twice).toEqual({ complaint: once.complaint, changed: false });
  });

  it('refuses a closed complaint and one linked to another incident', () => {
    const dc = domainContext(START);
    const closed = complaintIn('closed', dc);
    const elsewhere = { ...register(dc), incident: { id: 'other', linkedAt: START } };
    expect(linkToIncident(closed, declared(), { actor: 's' }, 'rule', dc.now())).toEqual({
      refusal: 'closed',
    });
    expect(linkToIncident(elsewhere, declared(), { actor: 's' }, 'rule', dc.now())).toEqual({
      refusal: 'other-incident',
    });
  });
});

describe('resolveForIncident', () => {
  it('accepts and resolves a received complaint in one change, owing the answer but not the accepted text', () => {
    // Prepare
    const dc = domainContext(START);
    // As stored: its events written to the audit trail, its received text handed to delivery.
    const c = persisted(register(dc), { ...register(dc), outbox: [], timeline: [] });
    dc.advance(60_000);

    // Act
    const next = resolveForIncident(c, declared(), RESOLUTION, dc.ctx());

    // Assess
    expect(next.status).toBe('awaiting-feedback');
    expect(next.owner).toBe('sup-li');
    expect(next.resolution?.compensation).toEqual({ amount: 20, currency: 'CNY' });
    expect(next.incident?.resolvedAt).toBe(dc.now().toISOString());
    expect(next.outbox.map((n) => n.event)).toEqual(['answered']);
    // The money stated with the answer is an offered claim, as for a single resolve (no extra text).
    expect(next.timeline.map((e) => e.type)).toEqual(['accepted', 'resolved', 'claim-offered']);
  });

  it('resolves an investigating complaint and a review as a single resolve would', () => {
    const dc = domainContext(START);
    for (const status of ['investigating', 'review'] as const) {
      const next = resolveForIncident(complaintIn(status, dc), declared(), RESOLUTION, dc.ctx());
      expect(next.status).toBe('awaiting-feedback');
      expect(next.timeline.map((e) => e.type).slice(-2)).toEqual(['resolved', 'claim-offered']);
    }
  });

  it('says what it does with every status, and a resolved complaint is not resolved again', () => {
    const dc = domainContext(START);
    const outcomes = Object.fromEntries(STATUSES.map((s) => [s, incidentOutcomeOf(complaintIn(s, dc))]));
    expect(outcomes).toEqual({
      received: 'resolve',
      investigating: 'resolve',
      'pending-customer': 'waiting-for-customer',
      'awaiting-feedback': 'already-answered',
      review: 'resolve',
      closed: 'already-closed',
    });
    const resolved = resolveForIncident(register(dc), declared(), RESOLUTION, dc.ctx());
    expect(incidentOutcomeOf(resolved)).toBe('resolved');
  });

  it('offers each complaint what the rules suggest, with kind suggested', () => {
    const dc = domainContext(START);
    const delay = register(dc, { category: 'delay', postage: 12 });
    const fees = register(dc, { category: 'fees', postage: 12 });
    expect(incidentCompensationFor(delay, { kind: 'suggested' }, dc.ctx())).toEqual({
      amount: 12,
      currency: 'CNY',
    });
    expect(incidentCompensationFor(fees, { kind: 'suggested' }, dc.ctx())).toBeUndefined();
    expect(incidentCompensationFor(delay, { kind: 'none' }, dc.ctx())).toBeUndefined();
  });
});

describe('detectSpikes', () => {
  const rule: SpikeRule = { windowMinutes: 60, normalPerHour: 4, minCount: 5 };
  const now = new Date('2026-10-12T10:00:00.000Z');
  const many = (n: number, facts: Partial<SpikeFacts>, minutesAgo = 10): SpikeFacts[] =>
    Array.from({ length: n }, () => ({
      category: 'delay',
      receivedAt: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
      outletId: 'SH-01',
      regionId: 'EAST',
      ...facts,
    }));

  it('proposes the outlet, not its region, when one outlet spikes', () => {
    // Act
    const proposals = detectSpikes(many(5, {}), rule, now, []);

    // Assess
    expect(spikeThreshold(rule)).toBe(5);
    expect(proposals).toEqual([
      {
        category: 'delay',
        unit: { kind: 'outlet', id: 'SH-01' },
        count: 5,
        windowMinutes: 60,
        threshold: 5,
        detectedAt: now.toISOString(),
      },
    ]);
  });

  it('proposes the region when its outlets together spike but none alone does', () => {
    const spread = [...many(3, { outletId: 'SH-01' }), ...many(3, { outletId: 'SH-02' })];
    expect(detectSpikes(spread, rule, now, []).map((p) => p.unit)).toEqual([{ kind: 'region', id: 'EAST' }]);
  });

  it('counts only the window and one category, and nothing an incident covers', () => {
    expect(detectSpikes(many(5, {}, 61), rule, now, [])).toEqual([]);
    expect(detectSpikes([...many(3, {}), ...many(3, { category: 'loss' })], rule, now, [])).toEqual([]);
    const covering = declared({ categories: ['delay'], window: { from: '2026-10-12T00:00:00.000Z' } });
    expect(detectSpikes(many(9, {}), rule, now, [covering])).toEqual([]);
  });

  it('gives the same proposal the same incident id within a window', () => {
    const [proposal] = detectSpikes(many(5, {}), rule, now, []);
    const again = detectSpikes(many(5, {}), rule, new Date(now.getTime() + 60_000), []);
    expect(proposedIncident(proposal!).id).toBe(proposedIncident(again[0]!).id);
    expect(proposedIncident(proposal!).status).toBe('proposed');
  });

  it('never proposes below the threshold, for any counts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            category: fc.constantFrom(...CATEGORIES),
            outletId: fc.constantFrom('A', 'B', 'C'),
            regionId: fc.constantFrom('R1', 'R2'),
            minutesAgo: fc.integer({ min: 0, max: 120 }),
          }),
          { maxLength: 80 },
        ),
        fc.record({
          windowMinutes: fc.integer({ min: 5, max: 120 }),
          normalPerHour: fc.integer({ min: 0, max: 20 }),
          minCount: fc.integer({ min: 2, max: 10 }),
        }),
        (rows, r) => {
          const facts = rows.map((row) => ({
            category: row.category,
            outletId: row.outletId,
            regionId: row.regionId,
            receivedAt: new Date(now.getTime() - row.minutesAgo * 60_000).toISOString(),
          }));
          for (const p of detectSpikes(facts, r, now, [])) {
            const inWindow = rows.filter(
              (row) =>
                row.minutesAgo <= r.windowMinutes &&
                row.category === p.category &&
                (p.unit.kind === 'outlet' ? row.outletId : row.regionId) === p.unit.id,
            );
            expect(p.count).toBe(inWindow.length);
            expect(p.count).toBeGreaterThanOrEqual(spikeThreshold(r));
          }
        },
      ),
    );
  });
});

describe('countLinks', () => {
  it('counts links, notices, outcomes and compensation', () => {
    const base = {
      incidentId: 'i',
      category: 'delay' as const,
      linkedAt: START,
      linkedBy: 's',
      via: 'rule' as const,
    };
    const counts = countLinks([
      { ...base, complaintId: 'a', notice: 'dispatched', outcome: 'resolved', compensation: 20 },
      { ...base, complaintId: 'b', notice: 'same-customer', outcome: 'resolved', compensation: 20.1 },
      { ...base, complaintId: 'c', category: 'loss', outcome: 'waiting-for-customer' },
      { ...base, complaintId: 'd' },
    ]);
    expect(counts).toEqual({
      linked: 4,
      byCategory: { delay: 3, loss: 1 },
      notified: 1,
      sameCustomer: 1,
      resolved: 2,
      skipped: { 'waiting-for-customer': 1 },
      pendingResolution: 1,
      compensationTotal: 40.1,
    });
  });
});

describe('parseSpikeRule', () => {
  it('takes any part of the rule, keeps the default for the rest, and names what is wrong', () => {
    // Act
    const partial = parseSpikeRule('{"minCount":5}');
    const attempt = () => parseSpikeRule('{"windowMinutes":1,"surprise":true}');

    // Assess
    expect(partial).toEqual({ ...DEFAULT_SPIKE_RULE, minCount: 5 });
    expect(parseSpikeRule(undefined)).toEqual(DEFAULT_SPIKE_RULE);
    expect(attempt).toThrow(InvalidConfiguration);
    expect(attempt).toThrow(/windowMinutes/);
    expect(() => parseSpikeRule('{not json')).toThrow(InvalidConfiguration);
  });
});
