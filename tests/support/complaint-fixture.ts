// A valid complaint as a freshly registered one looks, for tests that need stored complaints rather than
// the registration rules. Every field can be overridden; instants derive from `createdAt`.
import { ulid } from 'ulid';
import type { Complaint } from '#domain/complaint';

const HOUR_MS = 3600 * 1000;

function plusHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * HOUR_MS).toISOString();
}

export function complaintFixture(overrides: Partial<Complaint> = {}): Complaint {
  const id = overrides.id ?? ulid();
  const createdAt = overrides.createdAt ?? '2026-03-02T08:00:00.000Z';
  const receivedAt = overrides.receivedAt ?? createdAt;
  return {
    id,
    shortId: id.slice(-8),
    channel: 'hotline',
    category: 'delay',
    classification: { category: overrides.category ?? 'delay', confidence: 1, source: 'declared' },
    priority: 'normal',
    description: '快递已经延误五天还没到',
    trackingNumber: 'EMS1234567890CN',
    customer: { name: '张三', phone: '+8613812345678', locale: 'zh-CN', channels: ['sms'] },
    phoneHash: 'hash-of-13812345678',
    outletId: 'outlet-001',
    regionId: 'region-east',
    declaredValue: 200,
    postage: 12,
    insured: false,
    receivedAt,
    createdAt,
    updatedAt: createdAt,
    status: 'received',
    escalationLevel: 0,
    regulatoryRisk: false,
    clocks: {
      response: {
        name: 'response',
        calendar: '24x7',
        budget: { hours: 24 },
        startedAt: receivedAt,
        dueAt: plusHours(receivedAt, 24),
        warnAt: plusHours(receivedAt, 19.2),
      },
      resolution: {
        name: 'resolution',
        calendar: '24x7',
        budget: { hours: 168 },
        startedAt: receivedAt,
        dueAt: plusHours(receivedAt, 168),
      },
    },
    totalPausedMs: 0,
    breaches: [],
    stage: {
      name: 'received',
      seq: 1,
      enteredAt: createdAt,
      timer: { kind: 'warning', clock: 'response', at: plusHours(receivedAt, 19.2) },
    },
    timeline: [{ at: createdAt, type: 'registered', actor: 'intake:hotline', to: 'received' }],
    outbox: [
      {
        key: 'status:received:1',
        audience: 'customer',
        event: 'received',
        createdAt,
        data: { shortId: id.slice(-8), answerBy: plusHours(receivedAt, 168) },
      },
    ],
    execution: { attempt: 0 },
    version: 1,
    revision: 1,
    ...overrides,
  };
}

/** The complaint after it was closed at `closedAt` (the next version of `complaint`). */
export function closedFixture(complaint: Complaint, closedAt: string): Complaint {
  const stopped = Object.fromEntries(
    Object.entries(complaint.clocks).map(([name, clock]) => [name, { ...clock, stoppedAt: closedAt }]),
  );
  return {
    ...complaint,
    status: 'closed',
    closeReason: 'satisfied',
    closedAt,
    updatedAt: closedAt,
    clocks: stopped,
    stage: { name: 'closed', seq: complaint.stage.seq + 1, enteredAt: closedAt },
    timeline: [
      ...complaint.timeline,
      { at: closedAt, type: 'closed', actor: 'agent-7', from: complaint.status, to: 'closed' },
    ],
    version: complaint.version + 1,
    revision: complaint.revision + 1,
  };
}
