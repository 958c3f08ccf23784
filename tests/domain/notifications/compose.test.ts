import fc from 'fast-check';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_NAMES,
  CLOSE_REASONS,
  ESCALATION_LEVELS,
  LOCALES,
  type Complaint,
  type PendingNotification,
} from '#domain/complaint';
import { composeMessages } from '#domain/notifications/compose';
import { NotificationDataMissing } from '#domain/notifications/errors';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import { isGsm7 } from '#domain/notifications/sms-segments';
import {
  CUSTOMER_EVENTS,
  MAX_AMOUNT_IN_TEXT,
  MAX_LINK_LENGTH,
  STAFF_EVENTS,
  CUSTOMER_TEMPLATES,
  fitsOneSegment,
  formatAmount,
  render,
  smsText,
  templateVariables,
  type CustomerTemplateName,
} from '#domain/notifications/templates';
import type { OutboundMessage } from '#domain/ports';
import { complaintFixture } from '../../support/complaint-fixture.ts';

const BASE_URL = 'https://ts.example.cn';

function complaint(overrides: Partial<Complaint> = {}): Complaint {
  const id = overrides.id ?? ulid();
  return complaintFixture({ id, shortId: shortComplaintNumber(id), ...overrides });
}

function notification(event: PendingNotification['event'], extra: Partial<PendingNotification> = {}) {
  const audience = event.startsWith('staff-') ? 'staff' : 'customer';
  return { key: `${event}.2`, audience, event, createdAt: '2026-03-02T08:00:00.000Z', ...extra } as const;
}

function texts(messages: OutboundMessage[]): string[] {
  return messages.flatMap((m) =>
    m.kind === 'topic' ? [m.subject, m.message] : m.kind === 'push' ? [m.title, m.message] : [m.message],
  );
}

describe('composeMessages for the customer', () => {
  it('texts the customer in Chinese with the signature, the short number and the promised answer time', () => {
    // Prepare: resolution due 2026-03-09T08:00Z = 16:00 in Shanghai
    const c = complaint();
    // Act
    const [sms, ...rest] = composeMessages(c, notification('received'), { publicBaseUrl: BASE_URL });
    // Assess
    expect(rest).toEqual([]);
    expect(sms).toEqual({
      kind: 'sms',
      phone: c.customer.phone,
      message: `【邮政投诉】已收到您的投诉，编号${c.shortId}，预计3月9日16:00前答复。`,
      // What a provider of registered templates sends instead: the wording and its values.
      template: {
        name: 'received',
        locale: 'zh-CN',
        params: { shortId: c.shortId, answerBy: '3月9日16:00' },
      },
    });
  });

  it('prefers the deadline the notification recorded (promisedBy) to the complaint clock', () => {
    const c = complaint({ customer: { ...complaint().customer, locale: 'en' } });
    const n = notification('received', { data: { promisedBy: '2026-03-05T10:30:00.000Z' } });
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL });
    expect(sms?.message).toContain('answer by 5 Mar 18:30 (Beijing time)');
  });

  it('promises no time already past: a late-registered complaint, or a text sent after its answer time', () => {
    // Prepare: resolution due 2026-03-09T08:00Z
    const c = complaint();
    const en = complaint({ customer: { ...complaint().customer, locale: 'en' } });
    const lateRegistration = notification('received', { createdAt: '2026-03-10T02:00:00.000Z' });

    // Act
    const [zhLate] = composeMessages(c, lateRegistration, { publicBaseUrl: BASE_URL });
    const [enHeldBack] = composeMessages(en, notification('accepted'), {
      publicBaseUrl: BASE_URL,
      sentAt: new Date('2026-03-09T08:00:00.000Z'),
    });
    const [onTime] = composeMessages(c, notification('accepted'), {
      publicBaseUrl: BASE_URL,
      sentAt: new Date('2026-03-09T07:59:00.000Z'),
    });

    // Assess
    expect(zhLate?.message).toBe(`【邮政投诉】已收到您的投诉，编号${c.shortId}，我们将尽快答复。`);
    expect(enHeldBack?.message).toBe(
      `Complaint ${en.shortId}: an agent is handling it and will answer as soon as possible.`,
    );
    expect(onTime?.message).toContain('预计3月9日16:00前答复');
  });

  it('sends a push with a title when the customer chose push and has an endpoint', () => {
    // Prepare
    const arn = 'arn:aws-cn:sns:cn-north-1:123456789012:endpoint/GCM/app/1';
    const c = complaint({
      customer: { ...complaint().customer, channels: ['push'], pushEndpointArn: arn, locale: 'en' },
    });
    // Act
    const messages = composeMessages(c, notification('accepted'), { publicBaseUrl: BASE_URL });
    // Assess
    expect(messages).toEqual([
      {
        kind: 'push',
        targetArn: arn,
        title: 'Complaint in progress',
        message: `Complaint ${c.shortId}: an agent is handling it. We expect to answer by 9 Mar 16:00 (Beijing time).`,
      },
    ]);
  });

  it('sends both when both are chosen, and neither to an opted-out number without push', () => {
    const arn = 'arn:aws:sns:ap-east-1:123456789012:endpoint/APNS/app/1';
    const both = complaint({
      customer: { ...complaint().customer, channels: ['sms', 'push'], pushEndpointArn: arn },
    });
    const optedOut = complaint({
      customer: { ...complaint().customer, channels: ['sms'], smsOptedOutAt: '2026-03-01T00:00:00.000Z' },
    });
    const pushWithoutEndpoint = complaint({ customer: { ...complaint().customer, channels: ['push'] } });

    expect(
      composeMessages(both, notification('accepted'), { publicBaseUrl: BASE_URL }).map((m) => m.kind),
    ).toEqual(['sms', 'push']);
    expect(composeMessages(optedOut, notification('accepted'), { publicBaseUrl: BASE_URL })).toEqual([]);
    expect(
      composeMessages(pushWithoutEndpoint, notification('accepted'), { publicBaseUrl: BASE_URL }),
    ).toEqual([]);
  });

  it('names the level reached when escalated', () => {
    const c = complaint({ escalationLevel: 2 });
    const [fromComplaint] = composeMessages(c, notification('escalated'), { publicBaseUrl: BASE_URL });
    const [fromNotification] = composeMessages(c, notification('escalated', { level: 1 }), {
      publicBaseUrl: BASE_URL,
    });
    expect(fromComplaint?.message).toContain('已升级至区域中心督办');
    expect(fromNotification?.message).toContain('已升级至网点负责人督办');
  });

  it('asks for information with the reply deadline and the default link', () => {
    // Prepare
    const c = complaint();
    const n = notification('info-requested', { data: { dueAt: '2026-03-05T12:00:00.000Z' } });
    // Act
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL });
    // Assess
    expect(sms?.message).toBe(
      `【邮政投诉】请于3月5日20:00前补充${c.shortId}的信息：${BASE_URL}/${c.shortId.replace('-', '')}`,
    );
  });

  it('reminds with the pending deadline the reminder recorded (expiresAt)', () => {
    const n = notification('pending-reminder', { data: { expiresAt: '2026-03-05T12:00:00.000Z' } });
    const [sms] = composeMessages(complaint(), n, { publicBaseUrl: BASE_URL });
    expect(sms?.message).toContain('3月5日20:00前未回复将结案');
  });

  it('states the goodwill payment offered (补偿, not for loss or damage), without thousands separators', () => {
    // Prepare
    const c = complaint({ category: 'delay' });
    const n = notification('answered', { data: { compensation: 1234.5 } });
    // Act
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL, link: 'https://t.example.cn/aB3' });
    // Assess
    expect(sms?.message).toBe(
      `【邮政投诉】${c.shortId}已答复，拟补偿1234.50元，评价：https://t.example.cn/aB3`,
    );
  });

  it.each(['loss', 'damage'] as const)('words the money for %s as 赔偿 (compensation owed)', (category) => {
    // Prepare
    const c = complaint({ category });
    const n = notification('answered', { data: { compensation: 300 } });
    // Act
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL, link: 'https://t.example.cn/aB3' });
    // Assess
    expect(sms?.message).toBe(
      `【邮政投诉】${c.shortId}已答复，拟赔偿300.00元，评价：https://t.example.cn/aB3`,
    );
  });

  it('signs Chinese texts with the configured signature, English ones with none', () => {
    // Prepare
    const zh = complaint();
    const en = complaint({ customer: { ...complaint().customer, locale: 'en' } });
    const options = { publicBaseUrl: BASE_URL, smsSignature: '【中国邮政】' };
    // Act
    const [zhSms] = composeMessages(zh, notification('accepted'), options);
    const [enSms] = composeMessages(en, notification('accepted'), options);
    // Assess
    expect(zhSms?.message.startsWith('【中国邮政】您的投诉')).toBe(true);
    expect(enSms?.message.startsWith('Complaint')).toBe(true);
  });

  it('texts a claim offered and paid in the words of its remedy', () => {
    // Prepare
    const c = complaint({ category: 'loss' });
    const offer = (data: Record<string, string | number>) =>
      composeMessages(c, notification('claim-offered', { data }), { publicBaseUrl: BASE_URL })[0]?.message;
    const paid = (data: Record<string, string | number>) =>
      composeMessages(c, notification('claim-paid', { data }), { publicBaseUrl: BASE_URL })[0]?.message;
    // Act + Assess
    expect(offer({ remedy: 'money', kind: 'damages', amount: 200 })).toBe(
      `【邮政投诉】您的投诉${c.shortId}拟赔偿200.00元，请通过原投诉渠道告知是否接受。`,
    );
    expect(offer({ remedy: 'money', kind: 'goodwill', amount: 10 })).toContain('拟补偿10.00元');
    expect(offer({ remedy: 'resend' })).toContain('拟为您补寄物品');
    expect(offer({ remedy: 'replacement' })).toContain('拟为您更换物品');
    expect(paid({ remedy: 'money', kind: 'damages', amount: 200 })).toBe(
      `【邮政投诉】您的投诉${c.shortId}的赔偿款200.00元已支付，请注意查收。`,
    );
    expect(paid({ remedy: 'resend' })).toContain('补寄或换货物品已寄出');
  });

  it('thanks the customer only for a rating actually given', () => {
    // Prepare
    const c = complaint();
    const closed = (reason: string) =>
      composeMessages(c, notification('closed', { data: { reason } }), { publicBaseUrl: BASE_URL })[0]
        ?.message;
    // Act + Assess
    expect(closed('satisfied')).toBe(`【邮政投诉】您的投诉${c.shortId}已结案，感谢您的评价。`);
    expect(closed('neutral')).toBe(`【邮政投诉】您的投诉${c.shortId}已结案，感谢您的评价。`);
    expect(closed('no-feedback')).toBe(`【邮政投诉】您的投诉${c.shortId}已结案：评价期内未收到您的评价。`);
    expect(closed('closed-by-staff')).toBe(`【邮政投诉】您的投诉${c.shortId}已结案：经核实已办结。`);
    expect(closed('closed-by-staff')).not.toContain('撤回');
  });

  it('uses the plain answered wording when no compensation is offered', () => {
    const c = complaint();
    for (const data of [{}, { compensation: 0 }] as Record<string, number>[]) {
      const [sms] = composeMessages(c, notification('answered', { data }), { publicBaseUrl: BASE_URL });
      expect(sms?.message).toBe(
        `【邮政投诉】您的投诉${c.shortId}已答复，请查看并评价：${BASE_URL}/${c.shortId.replace('-', '')}`,
      );
    }
  });

  it('drops the link from an SMS that would not fit one segment with it, but keeps it in the push', () => {
    // Prepare: the default AWS deployment puts the long API Gateway URL into PUBLIC_BASE_URL.
    const apiUrl = 'https://a1b2c3d4e5.execute-api.cn-northwest-1.amazonaws.com.cn/prod';
    const arn = 'arn:aws-cn:sns:cn-northwest-1:123456789012:endpoint/BAIDU/app/1';
    const c = complaint({
      customer: { ...complaint().customer, channels: ['sms', 'push'], pushEndpointArn: arn },
    });
    const n = notification('answered', { data: { compensation: 120 } });
    // Act
    const [sms, push] = composeMessages(c, n, { publicBaseUrl: apiUrl });
    // Assess
    expect(sms?.message).toBe(
      `【邮政投诉】您的投诉${c.shortId}已答复，拟补偿120.00元，请通过原投诉渠道查看并评价。`,
    );
    expect(push?.message).toBe(
      `${c.shortId}已答复，拟补偿120.00元，评价：${apiUrl}/${c.shortId.replace('-', '')}`,
    );
  });

  it('keeps the amount rather than the link when only one of them fits', () => {
    const c = complaint();
    const n = notification('answered', { data: { compensation: 1_234_567.89 } });
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL });
    expect(sms?.message).toContain('拟补偿1234567.89元，请通过原投诉渠道查看并评价');
    expect(fitsOneSegment(sms?.message ?? '')).toBe(true);
  });

  it('asks for information without a link when the link is too long', () => {
    const c = complaint({ customer: { ...complaint().customer, locale: 'en' } });
    const n = notification('info-requested', { data: { dueAt: '2026-03-05T12:00:00.000Z' } });
    const [sms] = composeMessages(c, n, { publicBaseUrl: BASE_URL, link: `https://${'x'.repeat(90)}` });
    expect(sms?.message).toBe(
      `Complaint ${c.shortId}: we need more information. Please reply by 5 Mar 20:00 (Beijing time) through the channel you used to complain.`,
    );
  });

  it('says why the complaint closed, in plain words', () => {
    const c = complaint({ customer: { ...complaint().customer, locale: 'en' } });
    const [sms] = composeMessages(c, notification('closed', { data: { reason: 'customer-unresponsive' } }), {
      publicBaseUrl: BASE_URL,
    });
    expect(sms?.message).toBe(
      `Complaint ${c.shortId} is closed: the information we asked for was not received in time.`,
    );
  });

  it('fails loudly when the complaint lacks what the text must state', () => {
    const noClocks = complaint({ clocks: {} });
    expect(() => composeMessages(noClocks, notification('received'), { publicBaseUrl: BASE_URL })).toThrow(
      NotificationDataMissing,
    );
    expect(() => composeMessages(complaint(), notification('closed'), { publicBaseUrl: BASE_URL })).toThrow(
      NotificationDataMissing,
    );
  });

  it('refuses a staff event addressed to the customer', () => {
    const n = { ...notification('staff-warning'), audience: 'customer' as const };
    expect(() => composeMessages(complaint(), n, { publicBaseUrl: BASE_URL })).toThrow(/not a customer/);
  });
});

describe('composeMessages for staff', () => {
  it('alerts the topic of the notification level with an ASCII subject and structured facts', () => {
    // Prepare
    const c = complaint({ priority: 'urgent', category: 'loss' });
    // Act
    const messages = composeMessages(c, notification('staff-new-urgent', { level: 1 }), {
      publicBaseUrl: BASE_URL,
    });
    // Assess
    expect(messages).toHaveLength(1);
    const [alert] = messages;
    expect(alert).toMatchObject({
      kind: 'topic',
      level: 1,
      subject: `[L1] New urgent complaint ${c.shortId} (loss)`,
    });
    expect(alert?.message).toContain(`投诉编号：${c.shortId}`);
    expect(alert?.message).toContain('类别：丢失/内件短少');
    expect(alert?.message).toContain('受理时限：3月3日16:00'); // response clock: 24 h after 16:00 Shanghai
    expect(alert?.message).toContain(`${BASE_URL}/v1/complaints/${c.id}`);
  });

  it("falls back to the complaint's level and writes English bodies on request", () => {
    const c = complaint({ escalationLevel: 2 });
    const n = notification('staff-warning', {
      data: { clock: 'response', dueAt: '2026-03-03T08:00:00.000Z' },
    });
    const [alert] = composeMessages(c, n, { publicBaseUrl: BASE_URL, staffLocale: 'en' });
    expect(alert).toMatchObject({ kind: 'topic', level: 2 });
    expect(alert?.message).toContain('Deadline warning: the response deadline is near.');
    expect(alert?.message).toContain('Due: 3 Mar 16:00');
  });

  it('names the breached clock on escalation', () => {
    const n = notification('staff-escalation', { level: 3, data: { clock: 'resolution', level: 3 } });
    const [alert] = composeMessages(complaint(), n, { publicBaseUrl: BASE_URL });
    expect(alert).toMatchObject({ level: 3 });
    expect(alert?.kind === 'topic' && alert.subject).toContain('breached its resolution clock');
    expect(alert?.message).toContain('投诉已超时升级：答复时限已过。');
  });

  it('words a top-level re-alert as the n-th reminder, not as another escalation', () => {
    // Prepare
    const n = notification('staff-escalation', {
      level: 3,
      data: { clock: 'resolution', level: 3, realert: 2 },
    });
    // Act
    const [zh] = composeMessages(complaint(), n, { publicBaseUrl: BASE_URL });
    const [en] = composeMessages(complaint(), n, { publicBaseUrl: BASE_URL, staffLocale: 'en' });
    // Assess
    expect(zh?.kind === 'topic' && zh.subject).toContain('Reminder 2:');
    expect(zh?.message).toContain('第2次提醒：投诉答复时限已过，仍未办结。');
    expect(zh?.message).not.toContain('升级');
    expect(en?.message).toContain('Reminder 2: the resolution deadline has passed');
  });

  it('calls a pre-breach warning 超时预警, not SLA预警', () => {
    const n = notification('staff-warning', {
      data: { clock: 'handling', dueAt: '2026-03-03T08:00:00.000Z' },
    });
    const [alert] = composeMessages(complaint(), n, { publicBaseUrl: BASE_URL });
    expect(alert?.message).toContain('超时预警：处理时限即将到期。');
    expect(alert?.message).not.toContain('SLA');
  });
});

describe('every composed message', () => {
  const mainlandMobile = fc
    .tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.stringMatching(/^\d{9}$/))
    .map(([prefix, rest]) => `+86${prefix}${rest}`);
  const instant = fc
    .date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
  // Amounts and links beyond the proven worst case too: the SMS must then fall back, never split.
  const cents = fc.oneof(
    fc.integer({ min: 1, max: Math.round(MAX_AMOUNT_IN_TEXT * 100) }),
    fc.integer({ min: 1, max: 1_000_000_000 }),
  );
  const link = fc
    .oneof(fc.integer({ min: 12, max: MAX_LINK_LENGTH }), fc.integer({ min: 12, max: 200 }))
    .map((length) => `https://${'abcdefghijklmnopqrstuvwxyz0123456789/'.repeat(6).slice(0, length - 8)}`);

  const scenario = fc.record({
    phone: mainlandMobile,
    name: fc.constantFrom('张三', '欧阳娜娜', 'Li Wei'),
    locale: fc.constantFrom(...LOCALES),
    event: fc.constantFrom(...CUSTOMER_EVENTS, ...STAFF_EVENTS),
    level: fc.constantFrom(...ESCALATION_LEVELS),
    dueAt: instant,
    compensation: cents.map((c) => c / 100),
    reason: fc.constantFrom(...CLOSE_REASONS),
    clock: fc.constantFrom(...CLOCK_NAMES),
    remedy: fc.constantFrom('money', 'resend', 'replacement'),
    kind: fc.constantFrom('damages', 'goodwill'),
    link,
    // From the scenario, not minted inside compose(), so a failure's seed reproduces it.
    id: fc.ulid(),
  });

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  function compose(s: Scenario): { c: Complaint; messages: OutboundMessage[] } {
    const c = complaint({
      id: s.id,
      description: '北京市朝阳区建国路88号3单元502室，快递被放在门口丢了',
      customer: {
        name: s.name,
        phone: s.phone,
        locale: s.locale,
        channels: ['sms', 'push'],
        pushEndpointArn: 'arn:aws:sns:ap-east-1:123456789012:endpoint/GCM/app/1',
      },
    });
    const n = notification(s.event, {
      level: s.level,
      data: {
        dueAt: s.dueAt,
        compensation: s.compensation,
        reason: s.reason,
        clock: s.clock,
        score: 2,
        remedy: s.remedy,
        kind: s.kind,
      },
    });
    return {
      c,
      messages: composeMessages(c, n, { publicBaseUrl: BASE_URL, link: s.link, staffLocale: s.locale }),
    };
  }

  it('fits one SMS segment, and English texts stay GSM-7', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { messages } = compose(s);
        for (const m of messages.filter((x) => x.kind === 'sms')) {
          expect(fitsOneSegment(m.message), m.message).toBe(true);
          if (s.locale === 'en') expect(isGsm7(m.message), m.message).toBe(true);
          // Within the proven limits the link is never dropped.
          const linked = s.event === 'info-requested' || s.event === 'answered';
          if (linked && s.link.length <= MAX_LINK_LENGTH && s.compensation <= MAX_AMOUNT_IN_TEXT) {
            expect(m.message, m.message).toContain(s.link);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('carries no phone number, name, address or description of the customer', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { c, messages } = compose(s);
        for (const text of texts(messages)) {
          expect(text).not.toContain(s.phone);
          expect(text).not.toContain(s.phone.slice(3)); // national form
          expect(text).not.toContain(s.phone.slice(-8));
          expect(text).not.toContain(s.name);
          expect(text).not.toContain('建国路');
          expect(text).not.toContain(c.trackingNumber);
          // About 1 short number in 100 000 is all digits ("61932-09752") and reads as a landline
          // number; it is the complaint's own number, not the customer's, so it is left out of the scan.
          // Amounts print without thousands separators now, and "10000.00" reads as a landline too: the
          // amount offered is no personal data either.
          const rest = text.replaceAll(c.shortId, '').replaceAll(formatAmount(s.compensation), '');
          expect(findPhoneNumbersInText(rest, 'CN'), text).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('composeMessages in a deployment without mobile push', () => {
  const arn = 'arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/1a2b';

  it('texts a customer who chose push instead, once, and never pushes', () => {
    // Prepare
    const pushOnly = complaint({
      customer: { ...complaint().customer, channels: ['push'], pushEndpointArn: arn },
    });
    const both = complaint({
      customer: { ...complaint().customer, channels: ['sms', 'push'], pushEndpointArn: arn },
    });

    // Act
    const fallback = composeMessages(pushOnly, notification('accepted'), {
      publicBaseUrl: BASE_URL,
      pushAvailable: false,
    });
    const withPush = composeMessages(pushOnly, notification('accepted'), { publicBaseUrl: BASE_URL });
    const bothWithout = composeMessages(both, notification('accepted'), {
      publicBaseUrl: BASE_URL,
      pushAvailable: false,
    });

    // Assess
    expect(fallback).toEqual([
      expect.objectContaining({
        kind: 'sms',
        phone: pushOnly.customer.phone,
        template: expect.objectContaining({ name: 'accepted' }),
      }),
    ]);
    expect(withPush.map((m) => m.kind)).toEqual(['push']);
    expect(bothWithout.map((m) => m.kind)).toEqual(['sms']);
  });

  it('keeps an opted-out push customer silent rather than text them', () => {
    const optedOut = complaint({
      customer: {
        ...complaint().customer,
        channels: ['push'],
        pushEndpointArn: arn,
        smsOptedOutAt: '2026-03-01T00:00:00.000Z',
      },
    });
    expect(
      composeMessages(optedOut, notification('accepted'), { publicBaseUrl: BASE_URL, pushAvailable: false }),
    ).toEqual([]);
  });

  it('names the wording the text was sent in, with exactly its variables', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CUSTOMER_EVENTS),
        fc.constantFrom(...LOCALES),
        fc.option(fc.integer({ min: 1, max: 10_000_000_000 }).map((fen) => fen / 100)),
        fc.constantFrom('https://ts.example.cn', 'https://complaints.postal-operator.example.com.cn'),
        (event, locale, amount, publicBaseUrl) => {
          const c = complaint({ customer: { ...complaint().customer, locale }, closeReason: 'withdrawn' });
          const data = {
            reason: 'withdrawn',
            dueAt: '2026-03-20T08:00:00.000Z',
            // A claim's texts name its remedy: money with an amount, otherwise goods sent.
            remedy: amount !== null ? 'money' : 'resend',
            ...(amount !== null ? { amount } : {}),
          };
          const [sms] = composeMessages(c, notification(event, { data }), { publicBaseUrl });
          if (sms?.kind !== 'sms') throw new Error('no text');
          const template = sms.template!;
          const body = CUSTOMER_TEMPLATES[locale][template.name as CustomerTemplateName].body;
          expect(Object.keys(template.params).sort()).toEqual(templateVariables(body).sort());
          expect(smsText(locale, render(body, template.params))).toBe(sms.message);
        },
      ),
    );
  });
});
