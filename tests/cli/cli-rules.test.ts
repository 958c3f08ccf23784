// The CLI's own rules, for all inputs: the action bodies it builds are ones the API's schema accepts, a
// missing detail is caught locally, and times print in Asia/Shanghai (UTC+8, no daylight saving since 1991).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, DAMAGE_SEVERITIES, MANUAL_CLOSE_REASONS, type ActionName } from '#domain/commands';
import { CATEGORIES, COMPLAINT_TYPES, RESPONSIBLE_PARTIES } from '#domain/complaint';
import { actionBody } from '../../functions/api/schemas.ts';
import { ACTION_NEEDS, FLAG_OF, actionBodyOf, type ActOptions } from '../../infra/local/cli/act.ts';
import { shanghaiTime } from '../../infra/local/cli/format.ts';

const words = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.]{0,40}$/);
/** Staff ids follow the API's identifier pattern. */
const staffId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/);
const fen = fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100);

/** Values a person could give for every detail option. */
const detailValues = fc.record({
  assignee: staffId,
  message: words,
  resolution: words,
  amount: fen,
  damageSeverity: fc.constantFrom(...DAMAGE_SEVERITIES),
  reason: words,
  closeReason: fc.constantFrom(...MANUAL_CLOSE_REASONS),
  nextSteps: words,
  text: words,
  category: fc.constantFrom(...CATEGORIES),
  type: fc.constantFrom(...COMPLAINT_TYPES),
  outletId: fc.stringMatching(/^[A-Z]{2}-\d{2}$/),
  regionId: fc.stringMatching(/^[A-Z]{2,5}$/),
  party: fc.constantFrom(...RESPONSIBLE_PARTIES),
  rootCause: fc.constantFrom('missort', 'weather'),
  accountableStaffId: fc.stringMatching(/^agent-\d{1,3}$/),
  correctiveAction: words,
  remedy: fc.constantFrom('money', 'resend', 'replacement'),
  paymentReference: fc.stringMatching(/^PAY-\d{1,10}$/),
  reached: fc.boolean(),
  satisfied: fc.boolean(),
  score: fc.integer({ min: 1, max: 5 }),
  notes: words,
});

/** An action with its required details and any of its optional ones. */
const completeCommand = fc
  .record({
    action: fc.constantFrom(...ACTIONS),
    values: detailValues,
    optionalMask: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    expectedVersion: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  })
  .map(({ action, values, optionalMask, expectedVersion }) => {
    const needs = ACTION_NEEDS[action];
    const picked = needs.optional.filter((_, i) => optionalMask[i]);
    // Responsibility comes whole: party, root cause and corrective action together (or none of them).
    const group = ['party', 'rootCause', 'correctiveAction'] as const;
    const anchors = [...group, 'accountableStaffId'];
    const withGroup = picked.some((name) => anchors.includes(name))
      ? [...new Set([...picked, ...group])]
      : picked;
    const chosen = [...needs.required, ...withGroup];
    const options: ActOptions = Object.fromEntries(chosen.map((name) => [name, values[name]]));
    return { action, options: { ...options, expectedVersion } };
  });

describe('act builds what the API accepts', () => {
  it('every complete command line becomes a body the API schema accepts as that action', () => {
    fc.assert(
      fc.property(completeCommand, ({ action, options }) => {
        // Act
        const built = actionBodyOf(action, options);

        // Assess
        if ('usageError' in built) throw new Error(built.usageError);
        const parsed = actionBody.safeParse(built.body);
        expect(parsed.error?.issues ?? []).toEqual([]);
        expect(parsed.data?.action).toBe(action);
        // Who acts is the caller's token, never a body field.
        expect(built.body).not.toHaveProperty('actor');
      }),
    );
  });

  it('leaving out any required detail is a usage error naming its flag', () => {
    const withRequired = ACTIONS.filter((action) => ACTION_NEEDS[action].required.length > 0);
    fc.assert(
      fc.property(
        completeCommand.filter((c) => withRequired.includes(c.action)),
        fc.nat(),
        ({ action, options }, pick) => {
          // Prepare
          const required = ACTION_NEEDS[action].required;
          const dropped = required[pick % required.length]!;
          const { [dropped]: _gone, ...rest } = options;

          // Act
          const built = actionBodyOf(action, rest);

          // Assess
          expect(built).toEqual({
            usageError: expect.stringContaining(`${action} needs ${FLAG_OF[dropped]}`),
          });
        },
      ),
    );
  });

  it('a detail another action takes is refused, not sent', () => {
    const pairs = ACTIONS.flatMap((action) =>
      (Object.keys(FLAG_OF) as (keyof typeof FLAG_OF)[])
        .filter(
          (name) => ![...ACTION_NEEDS[action].required, ...ACTION_NEEDS[action].optional].includes(name),
        )
        .map((name) => [action, name] as const),
    );
    fc.assert(
      fc.property(fc.constantFrom(...pairs), detailValues, ([action, stray], values) => {
        // Prepare
        const needs = ACTION_NEEDS[action as ActionName];
        const options: ActOptions = Object.fromEntries(needs.required.map((name) => [name, values[name]]));

        // Act
        const built = actionBodyOf(action, { ...options, [stray]: values[stray] });

        // Assess
        expect(built).toEqual({ usageError: `${FLAG_OF[stray]} does not apply to ${action}` });
      }),
    );
  });
});

describe('times', () => {
  it('print as UTC+8 wall-clock time for any instant', () => {
    const instants = fc.date({
      min: new Date('1992-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (instant) => {
        // Prepare: Asia/Shanghai has been UTC+8 all year round since 1992.
        const shifted = new Date(instant.getTime() + 8 * 3_600_000).toISOString();
        const expected = `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;

        // Act / Assess
        expect(shanghaiTime(instant.toISOString())).toBe(expected);
      }),
    );
  });
});
