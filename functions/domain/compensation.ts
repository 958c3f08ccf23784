// Suggested compensation (SPEC section 7; seed 001 section 3.3; Postal Law art. 47). The system only
// suggests: the agent's `resolve` states what is actually offered. Pure.
import * as z from 'zod';
import type { DamageSeverity } from './commands.ts';
import type { Category, Money } from './complaint.ts';
import { configurationProblems, InvalidConfiguration } from './policy.ts';

/** How a delay is compensated; a deployment decision (SPEC: default refund the postage). */
export type DelayCompensationRule = 'refund-postage' | 'none' | { percentOfPostage: number };

export interface CompensationRules {
  /** Damage: share of the declared value, in percent, per severity (packaging 10, contents 30). */
  damagePercentOfDeclaredValue: Readonly<Record<DamageSeverity, number>>;
  /** Uninsured loss: the actual loss, at most this many times the postage. */
  uninsuredLossPostageMultiple: number;
  delay: DelayCompensationRule;
}

export const DEFAULT_COMPENSATION_RULES: CompensationRules = {
  damagePercentOfDeclaredValue: { minor: 10, severe: 30 },
  uninsuredLossPostageMultiple: 3,
  delay: 'refund-postage',
};

const percent = z.number({ error: 'must be a number (percent)' }).min(0, 'must be 0 or more');

/** A complete set of rules, every field checked. */
export const compensationRulesSchema = z
  .object({
    // At most 100%: a damage suggestion never exceeds the declared value.
    damagePercentOfDeclaredValue: z
      .object({
        minor: percent.max(100, 'must be 100 or less'),
        severe: percent.max(100, 'must be 100 or less'),
      })
      .strict(),
    uninsuredLossPostageMultiple: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more'),
    delay: z.union([
      z.literal('refund-postage'),
      z.literal('none'),
      z.object({ percentOfPostage: percent }).strict(),
    ]),
  })
  .strict();

/** A deployment's override: any part of the rules; what it leaves out keeps the default. */
const compensationRulesOverride = z
  .object({
    damagePercentOfDeclaredValue: z
      .object({
        minor: percent.max(100, 'must be 100 or less'),
        severe: percent.max(100, 'must be 100 or less'),
      })
      .partial()
      .strict()
      .optional(),
    uninsuredLossPostageMultiple: z
      .number({ error: 'must be a number' })
      .min(0, 'must be 0 or more')
      .optional(),
    delay: compensationRulesSchema.shape.delay.optional(),
  })
  .strict();

/**
 * The rules a deployment configured (COMPENSATION_RULES, CDK context `compensationRules`), merged onto
 * the defaults. @throws InvalidConfiguration naming each bad entry, at start and at synth alike.
 */
export function parseCompensationRules(json: unknown): CompensationRules {
  const parsed = compensationRulesOverride.safeParse(json);
  if (!parsed.success) {
    throw new InvalidConfiguration('compensation rules', configurationProblems(parsed.error));
  }
  const override = parsed.data;
  return {
    damagePercentOfDeclaredValue: {
      ...DEFAULT_COMPENSATION_RULES.damagePercentOfDeclaredValue,
      ...override.damagePercentOfDeclaredValue,
    },
    uninsuredLossPostageMultiple:
      override.uninsuredLossPostageMultiple ?? DEFAULT_COMPENSATION_RULES.uninsuredLossPostageMultiple,
    delay: override.delay ?? DEFAULT_COMPENSATION_RULES.delay,
  };
}

export interface CompensationInput {
  category: Category;
  /** CNY the sender declared (保价 value when insured). */
  declaredValue?: number;
  /** CNY paid for the shipment. */
  postage?: number;
  insured?: boolean;
  damageSeverity?: DamageSeverity;
  /** CNY the customer proved lost, when known. */
  actualLoss?: number;
}

export interface CompensationSuggestion {
  amount: Money;
  /** A short English explanation, e.g. "30% of declared value 500.00 (severe damage)". */
  basis: string;
}

/**
 * The amount the rules suggest, or undefined when there is nothing to base one on: another category, a
 * missing amount, damage without a stated severity, or a delay rule of 'none'.
 */
export function suggestCompensation(
  input: CompensationInput,
  rules: CompensationRules = DEFAULT_COMPENSATION_RULES,
): CompensationSuggestion | undefined {
  switch (input.category) {
    case 'damage':
      return forDamage(input, rules);
    case 'loss':
      return forLoss(input, rules);
    case 'delay':
      return forDelay(input, rules);
    // Named rather than defaulted: a category added later must decide here whether it has a rule.
    case 'wrong-delivery':
    case 'attitude':
    case 'business-handling':
    case 'facilities':
    case 'fees':
    case 'online-service':
    case 'privacy':
    case 'other':
      return undefined;
  }
}

function forDamage(input: CompensationInput, rules: CompensationRules): CompensationSuggestion | undefined {
  const declared = toFen(input.declaredValue);
  if (declared === undefined || input.damageSeverity === undefined) return undefined;
  const share = rules.damagePercentOfDeclaredValue[input.damageSeverity];
  return suggestion(
    percentOf(declared, share),
    `${share}% of declared value ${format(declared)} (${input.damageSeverity} damage)`,
  );
}

/**
 * Insured: the declared value. Uninsured: the actual loss capped at N x postage. Without a proven actual
 * loss the declared value stands in for it (the sender's own statement of worth), and without either the
 * cap itself is suggested: the statutory maximum, which the agent lowers once the loss is known.
 */
function forLoss(input: CompensationInput, rules: CompensationRules): CompensationSuggestion | undefined {
  const declared = toFen(input.declaredValue);
  if (input.insured === true && declared !== undefined) {
    return suggestion(declared, `declared value ${format(declared)} (insured loss)`);
  }
  const postage = toFen(input.postage);
  if (postage === undefined) return undefined;
  const multiple = rules.uninsuredLossPostageMultiple;
  const cap = Math.round(postage * multiple);
  const capText = `${multiple}x postage ${format(postage)}`;
  const actual = toFen(input.actualLoss);
  const [claimed, claimedAs] =
    actual !== undefined
      ? [actual, 'actual loss']
      : declared !== undefined
        ? [declared, 'declared value']
        : [];
  if (claimed === undefined) return suggestion(cap, `${capText} (uninsured loss, actual loss not stated)`);
  if (claimed <= cap) {
    return suggestion(claimed, `${claimedAs} ${format(claimed)} (uninsured loss, within ${capText})`);
  }
  return suggestion(cap, `${capText} (uninsured loss; ${claimedAs} ${format(claimed)} capped)`);
}

function forDelay(input: CompensationInput, rules: CompensationRules): CompensationSuggestion | undefined {
  const postage = toFen(input.postage);
  if (rules.delay === 'none' || postage === undefined) return undefined;
  if (rules.delay === 'refund-postage')
    return suggestion(postage, `postage ${format(postage)} refunded (delay)`);
  const share = rules.delay.percentOfPostage;
  return suggestion(percentOf(postage, share), `${share}% of postage ${format(postage)} (delay)`);
}

// Amounts are worked in whole fen (0.01 CNY) so that a share rounds once and a cap is never overshot.
// A negative or non-finite amount is no amount at all.
function toFen(yuan: number | undefined): number | undefined {
  if (yuan === undefined || !Number.isFinite(yuan) || yuan < 0) return undefined;
  return Math.round(yuan * 100);
}

function percentOf(fen: number, share: number): number {
  return Math.round((fen * share) / 100);
}

function format(fen: number): string {
  return (fen / 100).toFixed(2);
}

function suggestion(fen: number, basis: string): CompensationSuggestion {
  return { amount: { amount: fen / 100, currency: 'CNY' }, basis };
}
