// The customer's view through the link: plain words in the customer's language, a deadline only while one
// lies ahead, and of the timeline only what concerns the customer. Nothing staff wrote for themselves, and
// no actor, ever reaches it, whatever the timeline holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Complaint, TimelineEvent } from '#domain/complaint';
import { customerView, eventText } from '#domain/customer-view';
import { act, complaintIn, domainContext, HOUR_MS, MINUTE_MS, rate } from '../support/domain-context.ts';

const START = '2026-10-12T02:00:00.000Z';

const texts = (c: Complaint, locale: 'zh-CN' | 'en' = 'zh-CN', now = new Date(c.updatedAt)) =>
  customerView(c, locale, now).timeline.map((entry) => entry.text);

describe('customerView', () => {
  it('tells a complaint awaiting a rating what to do by when, with the answer and the compensation', () => {
    // Prepare
    const dc = domainContext(START);
    let c = complaintIn('investigating', dc);
    c = act(dc, c, {
      action: 'resolve',
      actor: 'agent-1',
      resolution: '已赔付',
      compensation: { amount: 35.5, currency: 'CNY' },
    });

    // Act
    const zh = customerView(c, 'zh-CN', dc.now());
    const en = customerView(c, 'en', dc.now());

    // Assess: the 72 h rating window from 10:10 Beijing time on 12 Oct ends 10:10 on 15 Oct.
    expect(zh).toMatchObject({
      status: 'awaiting-feedback',
      statusText: '已答复，待您评价',
      nextStep: '请在10月15日10:10前为我们的答复评分（1-5分）。',
      deadline: c.clocks.feedback?.dueAt,
      answer: { text: '已赔付', compensation: { amount: 35.5, currency: 'CNY' } },
      canRate: true,
    });
    expect(en.nextStep).toBe('Please rate our answer from 1 to 5 by 15 Oct 10:10 (Beijing time).');
    expect(texts(c)).toEqual(['投诉已登记', '专人已受理您的投诉', '我们已答复您的投诉，拟向您支付35.50元']);
  });

  it('while it waits for the customer, quotes the latest request and says to reply on this page', () => {
    // Prepare
    const dc = domainContext(START);
    let c = complaintIn('investigating', dc);
    c = act(dc, c, { action: 'request-info', actor: 'agent-1', message: '请提供寄件凭证' });
    c = act(dc, c, { action: 'customer-reply', actor: 'customer', message: '已发' });
    c = act(dc, c, { action: 'request-info', actor: 'agent-1', message: '请上传外包装照片' });

    // Act
    const waiting = customerView(c, 'zh-CN', dc.now());
    const replied = customerView(
      act(dc, c, { action: 'customer-reply', actor: 'customer', message: '照片见附件' }),
      'zh-CN',
      dc.now(),
    );

    // Assess
    expect(waiting.infoRequest).toMatchObject({ text: '请上传外包装照片' });
    expect(waiting.nextStep).toMatch(/^请于.+前在本页补充所需信息，逾期未回复将结案。$/);
    expect(customerView(c, 'en', dc.now()).nextStep).toMatch(/on this page by .+ \(Beijing time\)\./);
    expect(replied.infoRequest).toBeUndefined();
  });

  it('drops a deadline that has passed and says "as soon as possible" instead', () => {
    // Prepare
    const dc = domainContext(START);
    const c = complaintIn('investigating', dc);
    const late = new Date(Date.parse(c.clocks.resolution!.dueAt) + MINUTE_MS);

    // Act
    const view = customerView(c, 'en', late);

    // Assess
    expect(view.deadline).toBeUndefined();
    expect(view.nextStep).toBe('An agent is handling your complaint and will answer as soon as possible.');
  });

  it('words a review after a low rating, and a close after a good one', () => {
    // Prepare
    const dc = domainContext(START);
    const answered = complaintIn('awaiting-feedback', dc);
    dc.advance(HOUR_MS);

    // Act
    const reviewed = customerView(rate(dc, answered, { score: 2 }), 'zh-CN', dc.now());
    const closed = customerView(rate(dc, answered, { score: 4 }), 'zh-CN', dc.now());

    // Assess
    expect(reviewed).toMatchObject({ status: 'review', canRate: false, rating: { score: 2 } });
    expect(reviewed.nextStep).toMatch(/^主管正在复核，预计\d+月\d+日\d\d:\d\d前答复您。$/);
    expect(reviewed.timeline.at(-1)?.text).toBe('您为答复评了2分，主管将复核');
    expect(closed).toMatchObject({
      status: 'closed',
      nextStep: '投诉已结案：您对答复表示满意。',
      canRate: false,
    });
    expect(closed.deadline).toBeUndefined();
    expect(closed.timeline.slice(-2).map((e) => e.text)).toEqual([
      '您为答复评了4分',
      '投诉已结案：您对答复表示满意',
    ]);
  });

  it('shows the information asked for, but never notes, assignments or alerts', () => {
    // Prepare
    const dc = domainContext(START);
    let c = complaintIn('investigating', dc);
    c = act(dc, c, { action: 'assign', actor: 'supervisor-9', assignee: 'agent-2' });
    c = act(dc, c, { action: 'note', actor: 'agent-2', text: '客户脾气急，注意措辞' });
    c = act(dc, c, { action: 'request-info', actor: 'agent-2', message: '请提供面单照片' });

    // Act
    const view = customerView(c, 'zh-CN', dc.now());

    // Assess
    expect(view.timeline.map((e) => e.text)).toEqual([
      '投诉已登记',
      '专人已受理您的投诉',
      '我们请您补充信息：请提供面单照片',
    ]);
    expect(JSON.stringify(view)).not.toMatch(/agent-|supervisor-|脾气/);
  });
});

describe('eventText', () => {
  const at = START;

  it.each<[TimelineEvent, string | undefined]>([
    [
      { at, type: 'escalated', actor: 'system', data: { fromLevel: 0, toLevel: 1 } },
      '您的投诉已升级至网点负责人督办',
    ],
    [
      { at, type: 'escalated', actor: 'system', data: { fromLevel: 1, toLevel: 3, regulatoryRisk: true } },
      '您的投诉已升级至总部督办',
    ],
    [
      { at, type: 'reopened', actor: 'supervisor-1', to: 'review', data: { reason: '客户投诉升级' } },
      '您的投诉已转主管复核',
    ],
    [
      { at, type: 'customer-replied', actor: 'customer', data: { message: '照片已发' } },
      '已收到您补充的信息',
    ],
    [
      { at, type: 'closed', actor: 'system', to: 'closed', data: { reason: 'no-feedback' } },
      '投诉已结案：评价期内未收到您的评价',
    ],
    [{ at, type: 'sla-warning', actor: 'system', data: { clock: 'handling' } }, undefined],
    [{ at, type: 'realerted', actor: 'system', data: { level: 3 } }, undefined],
    [{ at, type: 'workflow-failed', actor: 'system', data: { error: 'States.Timeout' } }, undefined],
    [{ at, type: 'sms-opted-out', actor: 'sms-provider' }, undefined],
    [{ at, type: 'close-requested', actor: 'agent-1', data: { reason: '重复投诉' } }, undefined],
    [{ at, type: 'customer-reminded', actor: 'system' }, undefined],
    [
      {
        at,
        type: 'claim-offered',
        actor: 'agent-1',
        data: { remedy: 'money', kind: 'damages', amount: { amount: 200, currency: 'CNY' } },
      },
      '我们拟赔偿您200.00元',
    ],
    [
      {
        at,
        type: 'claim-offered',
        actor: 'agent-1',
        data: { remedy: 'money', kind: 'goodwill', amount: { amount: 12, currency: 'CNY' } },
      },
      '我们拟补偿您12.00元',
    ],
    [{ at, type: 'claim-offered', actor: 'agent-1', data: { remedy: 'resend' } }, '我们拟为您补寄物品'],
    [{ at, type: 'claim-declined', actor: 'customer', data: { reason: '太少了' } }, '您未接受处理方案'],
    [
      {
        at,
        type: 'claim-paid',
        actor: 'agent-1',
        data: { remedy: 'money', amount: { amount: 200, currency: 'CNY' }, paymentReference: 'PAY-1' },
      },
      '200.00元已支付给您',
    ],
    [
      { at, type: 'claim-paid', actor: 'agent-1', data: { remedy: 'resend', amount: null } },
      '补寄或换货物品已寄出',
    ],
  ])('words %j as %j', (event, expected) => {
    expect(eventText(event, 'zh-CN')).toBe(expected);
  });

  it('never lets an actor or a data field other than the information request through, whatever the event', () => {
    const SECRET = 'SECRET';
    const types = fc.constantFrom(
      'registered',
      'accepted',
      'assigned',
      'note',
      'info-requested',
      'customer-replied',
      'resolved',
      'feedback',
      'reopened',
      'close-requested',
      'closed',
      'escalated',
      'realerted',
      'sla-warning',
      'workflow-failed',
      'anything-else',
    );
    const leaky = fc.oneof(fc.constant(SECRET), fc.constant({ amount: SECRET }), fc.integer());
    fc.assert(
      fc.property(
        types,
        fc.dictionary(
          fc.constantFrom('message', 'text', 'reason', 'score', 'toLevel', 'compensation', 'assignee'),
          leaky,
        ),
        fc.constantFrom('zh-CN' as const, 'en' as const),
        (type, data, locale) => {
          // Prepare: the information request shows its message by design; every other field is a secret.
          const { message, ...rest } = data;
          const shown = type === 'info-requested' ? { ...rest, message: '请提供照片' } : { message, ...rest };

          // Act
          const text = eventText({ at, type, actor: `${SECRET}-actor`, data: shown }, locale);

          // Assess
          expect(text ?? '').not.toContain(SECRET);
        },
      ),
    );
  });
});
