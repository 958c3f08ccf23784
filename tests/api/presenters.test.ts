// What a client sees of a complaint: the response contract, masked personal data, and none of the
// internal state (phone hash, workflow token, outbox, pending signal).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionsFor } from '#domain/lifecycle';
import { presentComplaint, presentPage, presentTimeline } from '../../functions/api/presenters.ts';
import { complaintPage, complaintView, timeline } from '../../functions/api/schemas.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';

const NOW = new Date('2026-03-02T09:00:00.000Z');

/** Mobile prefixes every numbering-plan source agrees on. */
const MOBILE_PREFIXES = [
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((d) => [`13${d}`, `18${d}`]),
  ...['0', '1', '2', '3', '5', '6', '7', '8', '9'].map((d) => `15${d}`),
  '198',
  '199',
];
const mainlandMobile = fc
  .tuple(fc.constantFrom(...MOBILE_PREFIXES), fc.stringMatching(/^[0-9]{8}$/))
  .map(([prefix, rest]) => `${prefix}${rest}`);

/** A complaint carrying internal state that must never reach a client. */
function busyComplaint(national: string, writtenInText: string) {
  return complaintFixture({
    status: 'awaiting-feedback',
    customer: { name: '张三丰', phone: `+86${national}`, locale: 'zh-CN', channels: ['sms'] },
    phoneHash: 'secret-phone-hash',
    description: `快递丢了，请回电 ${writtenInText}`,
    owner: 'agent-7',
    firstResponder: 'agent-7',
    stage: {
      name: 'awaiting-feedback',
      seq: 4,
      enteredAt: '2026-03-02T08:30:00.000Z',
      taskToken: 'secret-task-token',
    },
    pendingSignal: { taskToken: 'secret-task-token', seq: 4, at: '2026-03-02T08:30:00.000Z' },
    resolution: { text: `已致电 ${national}`, at: '2026-03-02T08:30:00.000Z', by: 'agent-7' },
    timeline: [
      { at: '2026-03-02T08:00:00.000Z', type: 'registered', actor: 'intake:hotline', to: 'received' },
      {
        at: '2026-03-02T08:20:00.000Z',
        type: 'customer-replied',
        actor: 'customer',
        from: 'pending-customer',
        to: 'investigating',
        data: { message: `我的电话是${national}`, nested: [{ note: `+86 ${national}` }] },
      },
    ],
  });
}

describe('presentComplaint', () => {
  it('follows the response schema and carries the fields of SPEC section 10', () => {
    // Act
    const complaint = busyComplaint('13812345678', 'none');
    const view = presentComplaint(complaint, NOW);

    // Assess
    expect(complaintView.safeParse(view).success).toBe(true);
    expect(view).toMatchObject({
      status: 'awaiting-feedback',
      owner: 'agent-7',
      firstResponder: 'agent-7',
      trackingNumber: 'EMS1234567890CN',
      customer: { phone: expect.stringContaining('****'), locale: 'zh-CN', channels: ['sms'] },
      closeReason: null,
      feedback: null,
      // Not a regulator transfer: no regulator-reply.
      allowedActions: actionsFor(complaint),
    });
    expect(Object.keys(view.deadlines).sort()).toEqual(['resolution', 'response', 'stage']);
  });

  it('never returns the phone hash, the task token, the outbox or a pending signal', () => {
    // Act
    const json = JSON.stringify(presentComplaint(busyComplaint('13812345678', 'none'), NOW));

    // Assess
    for (const secret of [
      'phoneHash',
      'secret-phone-hash',
      'taskToken',
      'secret-task-token',
      'outbox',
      'pendingSignal',
    ]) {
      expect(json).not.toContain(secret);
    }
  });

  it('masks the name and the phone number', () => {
    const view = presentComplaint(busyComplaint('13812345678', 'none'), NOW);
    expect(view.customer.phone).toBe('138****5678');
    expect(view.customer.name).not.toBe('张三丰');
    expect(view.customer.name).toContain('张');
  });

  it('shows absent optional fields as null rather than leaving them out', () => {
    // Prepare
    const bare = complaintFixture();
    delete bare.trackingNumber;
    delete bare.outletId;
    delete bare.customer.name;

    // Act
    const view = presentComplaint(bare, NOW);

    // Assess
    expect(view).toMatchObject({
      trackingNumber: null,
      outletId: null,
      owner: null,
      customer: { name: null },
    });
    expect(complaintView.safeParse(view).success).toBe(true);
  });

  it('puts no full mainland number anywhere, however the customer wrote it into text', () => {
    fc.assert(
      fc.property(
        mainlandMobile,
        fc.constantFrom('', '+86', '+86 ', '86', '0086'),
        fc.constantFrom('', ' ', '-'),
        (national, country, separator) => {
          // Prepare
          const written = `${country}${national.slice(0, 3)}${separator}${national.slice(3, 7)}${separator}${national.slice(7)}`;
          const complaint = busyComplaint(national, written);

          // Act
          const serialized = JSON.stringify([
            presentComplaint(complaint, NOW),
            presentTimeline({ items: complaint.timeline }),
            presentPage({ items: [complaint] }, NOW),
          ]);

          // Assess
          expect(serialized).not.toContain(national);
          expect(serialized.replace(/[\s-]/g, '')).not.toContain(national);
          expect(serialized).toContain(`${national.slice(0, 3)}****${national.slice(7)}`);
        },
      ),
    );
  });

  it('leaves numbers that are not phone numbers alone', () => {
    const view = presentComplaint(
      complaintFixture({ description: '运单 SF1381234567890 金额 200 元，订单 913812345678' }),
      NOW,
    );
    expect(view.description).toBe('运单 SF1381234567890 金额 200 元，订单 913812345678');
  });
});

describe('presentTimeline and presentPage', () => {
  it('lists each event with from, to and data, absent ones as null', () => {
    // Act
    const view = presentTimeline({ items: busyComplaint('13812345678', 'none').timeline });

    // Assess
    expect(timeline.safeParse(view).success).toBe(true);
    expect(view.items[0]).toEqual({
      at: '2026-03-02T08:00:00.000Z',
      type: 'registered',
      actor: 'intake:hotline',
      from: null,
      to: 'received',
      data: null,
    });
    expect(view.items[1]).toMatchObject({ from: 'pending-customer', to: 'investigating' });
  });

  it('presents a page with its cursor, or null on the last page', () => {
    const first = presentPage({ items: [complaintFixture()], nextCursor: 'next' }, NOW);
    const last = presentPage({ items: [] }, NOW);
    expect(complaintPage.safeParse(first).success).toBe(true);
    expect(first.nextCursor).toBe('next');
    expect(last).toEqual({ items: [], nextCursor: null });
  });
});
