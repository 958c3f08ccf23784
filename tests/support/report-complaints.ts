// Generated complaint histories for the report tests: each complaint is the sequence of states a store would
// hold over its life (received, accepted, re-classified or re-routed, escalated, answered, closed, reopened
// and closed again), from a seeded generator so every run sees the same 10,000 complaints.
import type {
  Category,
  Channel,
  Complaint,
  ComplaintType,
  EscalationLevel,
  FollowUp,
  FollowUpReason,
  ResponsibleParty,
} from '#domain/complaint';
import { CATEGORIES, CHANNELS, RESPONSIBLE_PARTIES } from '#domain/complaint';
import { domainContext, register } from './domain-context.ts';

/** mulberry32: a small seeded generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const REPORT_OUTLETS: readonly { id: string; regionId: string }[] = [
  { id: 'SH-01', regionId: 'EAST' },
  { id: 'SH-02', regionId: 'EAST' },
  { id: 'HZ-01', regionId: 'EAST' },
  { id: 'NJ-01', regionId: 'EAST' },
  { id: 'BJ-01', regionId: 'NORTH' },
  { id: 'BJ-02', regionId: 'NORTH' },
  { id: 'TJ-01', regionId: 'NORTH' },
  { id: 'GZ-01', regionId: 'SOUTH' },
  { id: 'SZ-01', regionId: 'SOUTH' },
  { id: 'SZ-02', regionId: 'SOUTH' },
  { id: 'CD-01', regionId: 'WEST' },
  { id: 'CQ-01', regionId: 'WEST' },
];

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `count` complaints received over `month` (Asia/Shanghai; a few on the last evening of the month before, so
 * day boundaries matter), each as its successive stored states, oldest first.
 */
export function generateHistories(count: number, month: string, seed = 20260301): Complaint[][] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  // Durations spread over minutes to days: log-uniform between 1 minute and `maxMinutes`.
  const duration = (maxMinutes: number) => Math.exp(random() * Math.log(maxMinutes)) * MINUTE;
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const monthStart = Date.UTC(year, monthNumber - 1, 1) - 8 * 3_600_000; // 00:00 Asia/Shanghai
  const monthEnd = Date.UTC(year, monthNumber, 1) - 8 * 3_600_000;
  const base = register(domainContext(iso(monthStart)));
  const histories: Complaint[][] = [];
  for (let i = 0; i < count; i++) {
    const receivedMs = monthStart - 6 * 3_600_000 + Math.floor(random() * (monthEnd - monthStart));
    const type: ComplaintType = chance(0.8) ? 'complaint' : chance(0.5) ? 'suggestion' : 'enquiry';
    const channel: Channel = chance(0.04) ? 'regulator' : pick(CHANNELS.filter((c) => c !== 'regulator'));
    const outlet = chance(0.05) ? undefined : pick(REPORT_OUTLETS);
    const states: Complaint[] = [];
    let c: Complaint = {
      ...base,
      id: `C${String(i).padStart(7, '0')}`,
      shortId: `S${i}`,
      type,
      channel,
      category: pick(CATEGORIES) as Category,
      receivedAt: iso(receivedMs),
      createdAt: iso(receivedMs),
      updatedAt: iso(receivedMs),
      status: 'received',
      escalationLevel: 0,
      regulatoryRisk: false,
      breaches: [],
      clocks: {
        response: { ...base.clocks.response!, startedAt: iso(receivedMs) },
        resolution: { ...base.clocks.resolution!, startedAt: iso(receivedMs) },
      },
      version: 1,
      timeline: [],
      ...(outlet ? { outletId: outlet.id, regionId: outlet.regionId } : {}),
      ...(channel === 'regulator' ? { appeal: true } : {}),
      ...(chance(0.1) ? { repeatOf: `C${Math.max(0, i - 1)}` } : {}),
    };
    delete c.firstResponseAt;
    delete c.resolvedAt;
    delete c.closedAt;
    delete c.closeReason;
    delete c.feedback;
    delete c.responsibility;
    delete c.followUp;
    const followUp = (reason: FollowUpReason): FollowUp => ({
      reason,
      owner: outlet ? `outlet:${outlet.id}` : 'hq',
      openedAt: iso(now),
      dueAt: iso(now + 3 * 1440 * MINUTE),
    });
    const next = (change: Partial<Complaint>) => {
      c = { ...c, ...change, version: c.version + 1 };
      states.push(c);
    };
    states.push(c);
    let now = receivedMs;
    if (chance(0.04)) {
      now += duration(600);
      next({ status: 'closed', closedAt: iso(now), closeReason: 'withdrawn' });
      histories.push(states);
      continue;
    }
    if (chance(0.08)) {
      // Never accepted yet: still waiting (maybe escalated for it).
      if (chance(0.5)) {
        next({
          escalationLevel: 1,
          breaches: [{ clock: 'response', dueAt: iso(now), at: iso(now), level: 1 }],
          clocks: { ...c.clocks, response: { ...c.clocks.response!, breachedAt: iso(now + 3_600_000) } },
        });
      }
      histories.push(states);
      continue;
    }
    now += duration(3 * 1440);
    next({
      status: 'investigating',
      firstResponseAt: iso(now),
      owner: 'agent-1',
      clocks: {
        ...c.clocks,
        response: {
          ...c.clocks.response!,
          stoppedAt: iso(now),
          ...(chance(0.1) ? { breachedAt: iso(now) } : {}),
        },
        handling: { ...base.clocks.response!, name: 'handling', startedAt: iso(now) },
      },
    });
    if (chance(0.08)) next({ category: pick(CATEGORIES) });
    if (chance(0.06)) {
      const moved = pick(REPORT_OUTLETS);
      next({ outletId: moved.id, regionId: moved.regionId });
    }
    if (chance(0.15)) {
      const level = (1 + Math.floor(random() * 3)) as EscalationLevel;
      next({
        escalationLevel: level,
        regulatoryRisk: level >= 2 && chance(0.5),
        breaches: [{ clock: 'handling', dueAt: iso(now), at: iso(now), level }],
        clocks: { ...c.clocks, handling: { ...c.clocks.handling!, breachedAt: iso(now + MINUTE) } },
      });
    }
    if (chance(0.12)) {
      histories.push(states);
      continue; // still being handled
    }
    now += duration(5 * 1440);
    const party: ResponsibleParty = pick(RESPONSIBLE_PARTIES);
    next({
      status: type === 'complaint' ? 'awaiting-feedback' : 'closed',
      resolvedAt: iso(now),
      clocks: { ...c.clocks, handling: { ...c.clocks.handling!, stoppedAt: iso(now) } },
      ...(type === 'complaint'
        ? {
            responsibility: { party, rootCause: 'x', correctiveAction: 'y', at: iso(now), by: 'agent-1' },
          }
        : { closedAt: iso(now), closeReason: 'answered' }),
    });
    if (type !== 'complaint') {
      histories.push(states);
      continue;
    }
    if (chance(0.07)) {
      histories.push(states);
      continue; // awaiting the customer's rating
    }
    now += duration(4 * 1440);
    const roll = random();
    if (roll < 0.65) {
      const score = (3 + Math.floor(random() * 3)) as 3 | 4 | 5;
      next({
        status: 'closed',
        closedAt: iso(now),
        closeReason: 'satisfied',
        feedback: { score, at: iso(now) },
      });
    } else if (roll < 0.8) {
      next({
        status: 'closed',
        closedAt: iso(now),
        closeReason: 'no-feedback',
        followUp: followUp('no-feedback'),
      });
    } else if (roll < 0.9) {
      const score = (1 + Math.floor(random() * 2)) as 1 | 2;
      next({ status: 'review', feedback: { score, at: iso(now) }, followUp: followUp('low-score') });
      now += duration(1440);
      next({
        status: 'closed',
        closedAt: iso(now),
        closeReason: chance(0.7) ? 'reviewed' : 'unresolved',
        clocks: { ...c.clocks, review: { ...base.clocks.response!, name: 'review', startedAt: iso(now) } },
      });
    } else {
      next({
        status: 'closed',
        closedAt: iso(now),
        closeReason: 'satisfied',
        feedback: { score: 5, at: iso(now) },
      });
    }
    const opened = (c as Complaint).followUp;
    if (opened !== undefined && chance(0.8)) {
      // The outlet calls back: in time or late, the customer reached or not, satisfied or not.
      now += duration(6 * 1440);
      const reached = chance(0.75);
      next({
        followUp: {
          ...opened,
          outcome: {
            reached,
            ...(reached ? { satisfied: chance(0.6) } : {}),
            at: iso(now),
            by: 'agent-3',
            onTime: now <= Date.parse(opened.dueAt),
          },
        },
      });
    }
    if (chance(0.05)) {
      // Reopened after closing (the closing counts come off again), then closed as reviewed.
      now += duration(2 * 1440);
      const reopened = { ...c, status: 'review' as const };
      delete reopened.closedAt;
      delete reopened.closeReason;
      c = reopened;
      next({});
      now += duration(1440);
      next({ status: 'closed', closedAt: iso(now), closeReason: 'reviewed' });
    }
    histories.push(states);
  }
  return histories;
}
