// The audit trail's hash chain: what it detects, and that erasure's redaction keeps it verifiable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chainEvents,
  ERASED_TEXT,
  headOf,
  redactEvent,
  timelineEventOf,
  verifyChain,
  type ChainedEvent,
} from '#domain/audit-trail';
import type { TimelineEvent } from '#domain/complaint';

const ID = '01JQ3Z8W2E4X5Y6Z7A8B9C0D1E';
let salts = 0;
const salt = () => `salt-${++salts}`;

const events: TimelineEvent[] = [
  { at: '2026-03-02T08:00:00.000Z', type: 'registered', actor: 'channel:hotline', to: 'received' },
  {
    at: '2026-03-02T09:00:00.000Z',
    type: 'note',
    actor: 'agent-7',
    data: { text: '客户张三说电话13812345678' },
  },
  {
    at: '2026-03-02T10:00:00.000Z',
    type: 'accepted',
    actor: 'agent-7',
    from: 'received',
    to: 'investigating',
  },
  {
    at: '2026-03-03T10:00:00.000Z',
    type: 'closed',
    actor: 'agent-7',
    from: 'investigating',
    to: 'closed',
    data: { reason: 'withdrawn' },
  },
];

function chain(): { chained: ChainedEvent[]; head: ReturnType<typeof headOf> } {
  const chained = chainEvents(ID, undefined, events, salt);
  return { chained, head: headOf(chained) };
}

describe('chainEvents', () => {
  it('numbers events from 1, links each to the one before and keeps personal text apart from facts', () => {
    const { chained, head } = chain();

    expect(chained.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(chained[1]?.prev).toBe(chained[0]?.hash);
    expect(chained[1]?.facts).toBeUndefined();
    expect(chained[1]?.personal?.text).toEqual({ text: '客户张三说电话13812345678' });
    expect(chained[1]?.personalDigest).toMatch(/^[0-9a-f]{64}$/);
    // The closed event's reason is a close reason (a fact), not free text.
    expect(chained[3]?.facts).toEqual({ reason: 'withdrawn' });
    expect(head).toEqual({ seq: 4, hash: chained[3]?.hash });
    expect(chained.map(timelineEventOf)).toEqual(events);
  });

  it('continues a chain from its head', () => {
    const first = chainEvents(ID, undefined, events.slice(0, 2), salt);
    const rest = chainEvents(ID, headOf(first), events.slice(2), salt);

    expect(verifyChain(ID, [...first, ...rest], headOf(rest))).toMatchObject({ intact: true, events: 4 });
  });
});

describe('verifyChain', () => {
  it('finds an intact chain intact', () => {
    const { chained, head } = chain();
    expect(verifyChain(ID, chained, head)).toEqual({ intact: true, events: 4, head });
  });

  it.each([
    [
      'a changed fact',
      (c: ChainedEvent[]) => (c[2] = { ...c[2]!, actor: 'agent-9' }),
      3,
      "the event's content does not match its hash",
    ],
    [
      'changed personal text',
      (c: ChainedEvent[]) => (c[1] = { ...c[1]!, personal: { ...c[1]!.personal!, text: { text: 'x' } } }),
      2,
      "the event's personal text does not match its digest",
    ],
    [
      'a removed event',
      (c: ChainedEvent[]) => c.splice(1, 1),
      2,
      'event 2 is missing (found 3 in its place)',
    ],
    ['a removed last event', (c: ChainedEvent[]) => c.pop(), 4, 'events 4 to 4 are missing'],
    [
      'a rehashed event whose successor still points at the original',
      (c: ChainedEvent[]) => {
        const forged = chainEvents(
          ID,
          { seq: 1, hash: c[0]!.hash },
          [{ ...events[1]!, actor: 'x' }],
          salt,
        )[0]!;
        c[1] = forged;
      },
      3,
      'the event does not link to the event before it',
    ],
    [
      'redacted text without an erasure event',
      (c: ChainedEvent[]) => (c[1] = redactEvent(c[1]!, 'ticket-1', '2026-03-04T00:00:00.000Z')),
      2,
      'personal text was removed without an erasure event in the chain',
    ],
  ])('names the first broken link after %s', (_what, tamper, seq, reason) => {
    const { chained, head } = chain();
    tamper(chained);
    expect(verifyChain(ID, chained, head)).toEqual({
      intact: false,
      events: chained.length,
      brokenAt: { seq, reason },
    });
  });

  it('sees an event moved in from another complaint', () => {
    const { chained, head } = chain();
    expect(verifyChain('01OTHERCOMPLAINT0000000000', chained, head)).toMatchObject({
      intact: false,
      brokenAt: { seq: 1, reason: 'the event belongs to another complaint' },
    });
  });

  it('still verifies after erasure redacted the personal text, and says the text is gone', () => {
    const { chained, head } = chain();
    const erased = chainEvents(
      ID,
      head,
      [{ at: '2026-03-04T00:00:00.000Z', type: 'erased', actor: 'sup-1', data: { reference: 'ticket-1' } }],
      salt,
    );
    const redacted = chained.map((e) => redactEvent(e, 'ticket-1', '2026-03-04T00:00:00.000Z'));

    expect(verifyChain(ID, [...redacted, ...erased], headOf(erased))).toMatchObject({
      intact: true,
      events: 5,
    });
    expect(redacted[1]?.personal).toEqual({ text: { text: ERASED_TEXT } });
    expect(JSON.stringify(redacted)).not.toContain('13812345678');
    expect(JSON.stringify(redacted)).not.toContain('salt-');
  });

  it('detects any single changed byte of any stored field (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: events.length - 1 }),
        fc.constantFrom('at', 'type', 'actor', 'prev', 'hash', 'personalDigest'),
        (index, field) => {
          const { chained, head } = chain();
          const event = chained[index]!;
          const value = event[field as keyof ChainedEvent];
          fc.pre(typeof value === 'string');
          chained[index] = { ...event, [field]: `${value as string}0` };
          return verifyChain(ID, chained, head).intact === false;
        },
      ),
    );
  });
});
