// Erasure in the domain: what a complaint keeps afterwards (who may ask is the permission table's).
import { describe, expect, it } from 'vitest';
import { anonymiseComplaint } from '#domain/erasure';
import { act, complaintIn, domainContext, shanghai } from '../support/domain-context.ts';

describe('anonymiseComplaint', () => {
  it('removes phone, name, hash, link token and free text; keeps facts and clocks; records the erasure', () => {
    // Prepare
    const dc = domainContext(shanghai('2026-03-02T10:00'));
    let c = complaintIn('awaiting-feedback', dc, { description: '我是张三，电话13812345678' });
    c = act(
      dc,
      { ...c, linkToken: 'aZ3kP9qL2x', timeline: [] },
      { action: 'note', actor: 'a', text: '张三来电' },
    );

    // Act
    const erased = anonymiseComplaint(c, {
      reference: 'PIPL-1',
      by: 'sup-1',
      at: '2026-03-03T00:00:00.000Z',
    });

    // Assess
    expect(erased.customer).toEqual({ phone: '', locale: 'zh-CN', channels: [] });
    expect(erased).toMatchObject({
      phoneHash: '',
      description: '[erased]',
      resolution: { text: '[erased]' },
    });
    expect(erased.linkToken).toBeUndefined();
    expect(erased.erasure).toEqual({ reference: 'PIPL-1', by: 'sup-1', at: '2026-03-03T00:00:00.000Z' });
    expect(erased.outbox.filter((n) => n.audience === 'customer')).toEqual([]);
    expect({ status: erased.status, clocks: erased.clocks, category: erased.category }).toEqual({
      status: c.status,
      clocks: c.clocks,
      category: c.category,
    });
    expect(erased.timeline.map((e) => [e.type, e.data])).toEqual([
      ['note', { text: '[erased]' }],
      ['erased', { reference: 'PIPL-1' }],
    ]);
    expect(JSON.stringify(erased)).not.toMatch(/13812345678|张三/);
  });
});
