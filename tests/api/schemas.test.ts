// The request schemas of SPEC section 10: what each accepts, what it refuses and where it says so, and
// that their outputs are exactly the domain's command types.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  ActionRequest as DomainActionRequest,
  FeedbackInput,
  NewComplaintInput,
} from '#domain/commands';
import type { ComplaintQuery } from '#domain/ports';
import { fieldErrors } from '#commons/http-problem';
import { newComplaintBody } from '../../functions/api/intake-schemas.ts';
import { actionBody, complaintPath, feedbackBody, listQuery } from '../../functions/api/schemas.ts';
import { orgUnitInput } from '#domain/organisation';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type ParsedAction = DistributiveOmit<z.output<typeof actionBody>, 'expectedVersion'>;

/** The `{ path, message }` list the API would answer with, or [] when the value is valid. */
function errorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldErrors(result.error);
}
const pathsOf = (schema: z.ZodType, value: unknown) => errorsOf(schema, value).map((e) => e.path);

/** Mobile prefixes every numbering-plan source agrees on (130-139, 150-159 but 154, 180-189, 198, 199). */
const MOBILE_PREFIXES = [
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((d) => [`13${d}`, `18${d}`]),
  ...['0', '1', '2', '3', '5', '6', '7', '8', '9'].map((d) => `15${d}`),
  '198',
  '199',
];

const MINIMAL = { channel: 'hotline', description: '快递还没到', customer: { phone: '13812345678' } };

describe('output types', () => {
  it('are the domain command types', () => {
    expectTypeOf<z.output<typeof newComplaintBody>>().toEqualTypeOf<NewComplaintInput>();
    // The domain's request is built from intersections, so "equal" means each extends the other. Neither
    // names who acts: that is the authenticated caller.
    expectTypeOf<ParsedAction>().toExtend<DomainActionRequest>();
    expectTypeOf<DomainActionRequest>().toExtend<ParsedAction>();
    expectTypeOf<Omit<z.output<typeof feedbackBody>, 'expectedVersion'>>().toEqualTypeOf<FeedbackInput>();
    // registeredBy comes from the caller, never from the query string; asOf from the clock.
    expectTypeOf<z.output<typeof listQuery>>().toEqualTypeOf<Omit<ComplaintQuery, 'registeredBy' | 'asOf'>>();
  });
});

describe('POST /v1/complaints body', () => {
  it('accepts the minimal complaint and stores the phone as E.164', () => {
    expect(newComplaintBody.parse(MINIMAL)).toEqual({
      channel: 'hotline',
      description: '快递还没到',
      customer: { phone: '+8613812345678' },
    });
  });

  it('accepts every optional field and normalises them', () => {
    // Act
    const parsed = newComplaintBody.parse({
      ...MINIMAL,
      category: 'loss',
      priority: 'urgent',
      trackingNumber: 'ea123456789cn',
      receivedAt: '2026-10-01T08:00:00+08:00',
      customer: {
        phone: '+86 138 1234 5678',
        name: ' 张三 ',
        locale: 'en',
        pushEndpointArn: 'arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/complaints/0b1c',
        channels: ['sms', 'push'],
      },
      outletId: 'BJ-0101',
      regionId: 'north',
      declaredValue: 199.99,
      postage: 0,
      insured: true,
      externalRef: '12305-2026-000123',
    });

    // Assess
    expect(parsed).toMatchObject({
      trackingNumber: 'EA123456789CN',
      receivedAt: '2026-10-01T00:00:00.000Z',
      customer: { phone: '+8613812345678', name: '张三', channels: ['sms', 'push'] },
      declaredValue: 199.99,
      insured: true,
    });
  });

  it.each([
    ['channel missing', { ...MINIMAL, channel: undefined }, 'channel'],
    ['unknown channel', { ...MINIMAL, channel: 'fax' }, 'channel'],
    ['empty description', { ...MINIMAL, description: '' }, 'description'],
    ['blank description', { ...MINIMAL, description: '   ' }, 'description'],
    ['description over 4000', { ...MINIMAL, description: '慢'.repeat(4001) }, 'description'],
    ['customer missing', { ...MINIMAL, customer: undefined }, 'customer'],
    ['phone missing', { ...MINIMAL, customer: {} }, 'customer.phone'],
    ['phone too short', { ...MINIMAL, customer: { phone: '138123' } }, 'customer.phone'],
    ['phone not a number', { ...MINIMAL, customer: { phone: 'call me' } }, 'customer.phone'],
    ['phone a landline-like number', { ...MINIMAL, customer: { phone: '12345' } }, 'customer.phone'],
    ['unknown locale', { ...MINIMAL, customer: { ...MINIMAL.customer, locale: 'fr' } }, 'customer.locale'],
    [
      'repeated channel',
      { ...MINIMAL, customer: { ...MINIMAL.customer, channels: ['sms', 'sms'] } },
      'customer.channels',
    ],
    [
      'push without an endpoint',
      { ...MINIMAL, customer: { ...MINIMAL.customer, channels: ['push'] } },
      'customer.pushEndpointArn',
    ],
    [
      'not an endpoint ARN',
      { ...MINIMAL, customer: { ...MINIMAL.customer, pushEndpointArn: 'arn:aws:sns:cn-north-1:1:topic' } },
      'customer.pushEndpointArn',
    ],
    ['unknown category', { ...MINIMAL, category: 'weather' }, 'category'],
    ['unknown priority', { ...MINIMAL, priority: 'high' }, 'priority'],
    ['tracking number too short', { ...MINIMAL, trackingNumber: 'EA123' }, 'trackingNumber'],
    ['tracking number with dashes', { ...MINIMAL, trackingNumber: 'EA-1234-5678-CN' }, 'trackingNumber'],
    ['receivedAt without offset', { ...MINIMAL, receivedAt: '2026-10-01T08:00:00' }, 'receivedAt'],
    ['receivedAt not a date', { ...MINIMAL, receivedAt: 'yesterday' }, 'receivedAt'],
    ['negative declared value', { ...MINIMAL, declaredValue: -1 }, 'declaredValue'],
    ['postage in thousandths', { ...MINIMAL, postage: 12.345 }, 'postage'],
    ['declared value as text', { ...MINIMAL, declaredValue: '200' }, 'declaredValue'],
    ['insured as text', { ...MINIMAL, insured: 'yes' }, 'insured'],
    ['empty outlet', { ...MINIMAL, outletId: '' }, 'outletId'],
    ['control characters in a reference', { ...MINIMAL, externalRef: 'a\u0000b' }, 'externalRef'],
  ])('refuses %s at its path', (_case, body, path) => {
    expect(pathsOf(newComplaintBody, body)).toEqual([path]);
  });

  it('rejects unknown fields at the top and inside customer, naming each', () => {
    // Act
    const errors = errorsOf(newComplaintBody, {
      ...MINIMAL,
      address: '北京市',
      customer: { ...MINIMAL.customer, idCard: 'x' },
    });

    // Assess
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'address', message: 'unknown field' },
        { path: 'customer.idCard', message: 'unknown field' },
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('refuses a body that is not an object', () => {
    expect(pathsOf(newComplaintBody, [MINIMAL])).toEqual(['']);
  });

  it('normalises any 11-digit mainland mobile number written with +86, spaces or dashes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MOBILE_PREFIXES),
        fc.stringMatching(/^[0-9]{8}$/),
        fc.constantFrom('', '+86', '+86 ', '86'),
        fc.constantFrom('', ' ', '-'),
        (prefix, rest, country, separator) => {
          // Prepare
          const national = `${prefix}${rest}`;
          const written = `${country}${national.slice(0, 3)}${separator}${national.slice(3, 7)}${separator}${national.slice(7)}`;

          // Act
          const parsed = newComplaintBody.parse({ ...MINIMAL, customer: { phone: written } });

          // Assess
          expect(parsed.customer.phone).toBe(`+86${national}`);
        },
      ),
    );
  });
});

describe('POST /v1/complaints/{id}/actions body', () => {
  const VALID_ACTIONS = [
    { action: 'accept' },
    { action: 'assign', assignee: 'agent-9' },
    { action: 'request-info', message: '请提供运单照片' },
    { action: 'customer-reply', message: '照片已上传' },
    {
      action: 'resolve',
      resolution: '已赔偿',
      compensation: { amount: 20, currency: 'CNY' },
      damageSeverity: 'minor',
    },
    { action: 'reopen', reason: '客户不满意' },
    { action: 'close', reason: '重复投诉', closeReason: 'duplicate' },
    { action: 'note', text: '已联系网点' },
  ];

  it.each(VALID_ACTIONS)('accepts $action', (body) => {
    expect(actionBody.parse({ ...body, expectedVersion: 3 })).toEqual({ ...body, expectedVersion: 3 });
  });

  it.each([
    ['assign', 'assignee'],
    ['request-info', 'message'],
    ['customer-reply', 'message'],
    ['resolve', 'resolution'],
    ['reopen', 'reason'],
    ['close', 'reason'],
    ['note', 'text'],
  ])('%s requires %s', (action, field) => {
    expect(errorsOf(actionBody, { action })).toEqual([{ path: field, message: expect.any(String) }]);
  });

  it.each(VALID_ACTIONS.map((a) => a.action))('%s refuses an actor: who acts is the caller', (action) => {
    const valid = VALID_ACTIONS.find((a) => a.action === action)!;
    expect(errorsOf(actionBody, { ...valid, actor: 'someone-else' })).toEqual([
      { path: 'actor', message: 'unknown field' },
    ]);
  });

  it.each([
    ['an unknown action', { action: 'delete' }, 'action'],
    ['no action', {}, 'action'],
    ['a field of another action', { action: 'accept', assignee: 'b' }, 'assignee'],
    ['a version of 0', { action: 'accept', expectedVersion: 0 }, 'expectedVersion'],
    ['a fractional version', { action: 'accept', expectedVersion: 1.5 }, 'expectedVersion'],
    [
      'compensation in dollars',
      { action: 'resolve', resolution: 'r', compensation: { amount: 1, currency: 'USD' } },
      'compensation.currency',
    ],
    [
      'a close reason only the workflow gives',
      { action: 'close', reason: 'r', closeReason: 'satisfied' },
      'closeReason',
    ],
  ])('refuses %s', (_case, body, path) => {
    expect(pathsOf(actionBody, body)).toEqual([path]);
  });
});

describe('POST /v1/complaints/{id}/feedback body', () => {
  it.each([1, 2, 3, 4, 5])('accepts score %i', (score) => {
    expect(feedbackBody.parse({ score })).toEqual({ score });
  });

  it.each([0, 6, 2.5, '5', null])('refuses score %j', (score) => {
    expect(pathsOf(feedbackBody, { score })).toEqual(['score']);
  });

  it('takes a comment up to 1000 characters and an expected version', () => {
    expect(feedbackBody.parse({ score: 4, comment: '好'.repeat(1000), expectedVersion: 7 })).toMatchObject({
      expectedVersion: 7,
    });
    expect(pathsOf(feedbackBody, { score: 4, comment: '好'.repeat(1001) })).toEqual(['comment']);
  });

  it('rejects unknown fields', () => {
    expect(errorsOf(feedbackBody, { score: 4, rating: 4 })).toEqual([
      { path: 'rating', message: 'unknown field' },
    ]);
  });
});

describe('GET /v1/complaints query', () => {
  it('defaults the page size to 20', () => {
    expect(listQuery.parse({})).toEqual({ limit: 20 });
  });

  it('turns text parameters into typed filters', () => {
    expect(
      listQuery.parse({
        status: 'review',
        category: 'damage',
        trackingNumber: 'ea123456789cn',
        escalated: 'false',
        limit: '100',
        cursor: 'abc',
      }),
    ).toEqual({
      status: 'review',
      category: 'damage',
      trackingNumber: 'EA123456789CN',
      escalated: false,
      limit: 100,
      cursor: 'abc',
    });
  });

  it.each([
    ['limit', '0'],
    ['limit', '101'],
    ['limit', '5.5'],
    ['limit', 'ten'],
    ['escalated', 'yes'],
    ['status', 'open'],
    ['category', 'weather'],
    ['cursor', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(pathsOf(listQuery, { [name]: value })).toEqual([name]);
  });

  it('rejects unknown parameters', () => {
    expect(errorsOf(listQuery, { sort: 'asc' })).toEqual([{ path: 'sort', message: 'unknown field' }]);
  });
});

describe('complaint id in the path', () => {
  it('accepts a ULID', () => {
    expect(complaintPath.parse({ id: '01JD5Q8W4ZK3V9B7N2M6R0T1XY' })).toEqual({
      id: '01JD5Q8W4ZK3V9B7N2M6R0T1XY',
    });
  });

  it.each(['42', '01JD5Q8W4ZK3V9B7N2M6R0T1X', '01JD5Q8W4ZK3V9B7N2M6R0T1XYZ', '01JD5Q8W4ZK3V9B7N2M6R0T1XU'])(
    'refuses %s',
    (id) => {
      expect(pathsOf(complaintPath, { id })).toEqual(['id']);
    },
  );
});

describe('identifiers and free text', () => {
  const act = (fields: Record<string, unknown>) => ({
    action: 'note',
    text: '备注',
    ...fields,
  });

  it.each(['agent-1', 'intake:hotline', 'sup.1@hq', 'BJ_0101'])('accepts the identifier %j', (id) => {
    expect(pathsOf(actionBody, { action: 'assign', assignee: id })).toEqual([]);
  });

  it.each(['agent 1', '张三', '-agent', 'agent\u200b1', 'a/b', '', 'x'.repeat(65), 'agent-1\n'])(
    'refuses the identifier %j wherever one is expected, naming the field',
    (id) => {
      expect(pathsOf(actionBody, { action: 'assign', assignee: id })).toEqual(['assignee']);
      expect(pathsOf(newComplaintBody, { ...MINIMAL, outletId: id, regionId: id })).toEqual([
        'outletId',
        'regionId',
      ]);
    },
  );

  it.each([
    ['a control character', 'bad\u0007text'],
    ['a NUL', 'bad\u0000text'],
    ['a zero-width space', '138\u200b1234\u200b5678'],
    ['a right-to-left override', 'abc\u202edef'],
    ['a byte order mark inside', 'abc\ufeffdef'],
    ['a lone high surrogate', 'abc\ud800def'],
    ['a lone low surrogate', 'abc\udc00'],
  ])('refuses free text with %s, naming the field', (_what, value) => {
    expect(
      pathsOf(newComplaintBody, {
        ...MINIMAL,
        description: value,
        customer: { ...MINIMAL.customer, name: value },
      }),
    ).toEqual(['description', 'customer.name']);
    expect(pathsOf(actionBody, act({ text: value }))).toEqual(['text']);
    expect(pathsOf(actionBody, { action: 'resolve', resolution: value })).toEqual(['resolution']);
    expect(pathsOf(feedbackBody, { score: 4, comment: value })).toEqual(['comment']);
    expect(pathsOf(newComplaintBody, { ...MINIMAL, externalRef: value })).toEqual(['externalRef']);
    // The directory's unit names reach staff alerts: the same rule (POST /v1/org/units).
    expect(pathsOf(orgUnitInput, { kind: 'region', id: 'SH', name: value })).toEqual(['name']);
    expect(
      pathsOf(orgUnitInput, {
        kind: 'hq',
        name: '总部',
        recipients: [{ protocol: 'https', endpoint: `https://hooks.example.cn/${value}` }],
      }),
    ).toEqual(['recipients[0].endpoint']);
  });

  it('accepts line breaks and tabs in multi-line text, emoji sequences and every script', () => {
    const text = '第一行\r\n第二行\t👨‍👩‍👧 ok — مرحبا 𠮷';
    expect(pathsOf(newComplaintBody, { ...MINIMAL, description: text })).toEqual([]);
    expect(pathsOf(actionBody, act({ text }))).toEqual([]);
    expect(
      pathsOf(newComplaintBody, { ...MINIMAL, customer: { ...MINIMAL.customer, name: '第一行\n第二行' } }),
    ).toEqual(['customer.name']);
  });

  it('never accepts a string carrying a control, format or lone surrogate code unit', () => {
    const bad = fc.constantFrom(
      '\u0001',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u200b',
      '\u200e',
      '\u2060',
      '\ufeff',
      '\ud83d',
      '\udca9',
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        bad,
        fc.string({ maxLength: 20 }),
        (before, character, after) => {
          const value = `x${before}${character}${after}x`;
          expect(pathsOf(actionBody, act({ text: value }))).toEqual(['text']);
        },
      ),
    );
  });
});
