// Suggested compensation (SPEC section 7; Postal Law art. 47 for registered universal-service items). The
// system only suggests: staff ask for a suggestion before offering (POST .../compensation/suggestion),
// and the offer they make (a claim, functions/domain/claims.ts, or `resolve`) is their own. Pure.
import * as z from 'zod';
import type { DamageSeverity } from './commands.ts';
import type { Category, Money } from './complaint.ts';
import { configurationProblems, InvalidConfiguration } from './policy.ts';

/**
 * How a delay is compensated; a deployment decision (SPEC: default refund the postage). Per day: a share
 * of the postage for each day late, up to a ceiling (a share of the postage too).
 */
export type DelayCompensationRule =
  | 'refund-postage'
  | 'none'
  | { percentOfPostage: number }
  | { perDayPercentOfPostage: number; maxPercentOfPostage: number };

export interface CompensationRules {
  /** Damage: share of the declared value, in percent, per severity (packaging 10, contents 30). */
  damagePercentOfDeclaredValue: Readonly<Record<DamageSeverity, number>>;
  /** Uninsured loss: the actual loss, at most this many times the postage. */
  uninsuredLossPostageMultiple: number;
  delay: DelayCompensationRule;
  /** How long an accepted claim may wait to be paid (its own clock), in working days (cn-workdays). */
  paymentWorkingDays: number;
}

export const DEFAULT_COMPENSATION_RULES: CompensationRules = {
  damagePercentOfDeclaredValue: { minor: 10, severe: 30 },
  uninsuredLossPostageMultiple: 3,
  delay: 'refund-postage',
  paymentWorkingDays: 7,
};

const paymentDays = z
  .int({ error: 'must be a whole number of working days' })
  .min(1, 'must be at least 1')
  .max(60, 'must be at most 60');

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
      z
        .object({
          perDayPercentOfPostage: percent.max(100, 'must be 100 or less'),
          maxPercentOfPostage: percent,
        })
        .strict(),
    ]),
    paymentWorkingDays: paymentDays,
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
    paymentWorkingDays: paymentDays.optional(),
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
    paymentWorkingDays: override.paymentWorkingDays ?? DEFAULT_COMPENSATION_RULES.paymentWorkingDays,
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
  /** Loss: the share of the contents missing (内件短少), above 0 and below 1; absent: the whole item. */
  missingShare?: number;
  /** Delay: whole days late, for a per-day rule. */
  daysLate?: number;
}

/** Which rule produced a suggestion; docs/spec.md section 7 names each one's legal basis. */
export const COMPENSATION_RULE_IDS = [
  'damage-share-of-declared-value',
  'loss-insured-declared-value',
  'loss-uninsured-capped',
  'partial-loss-insured',
  'partial-loss-uninsured-capped',
  'delay-refund-postage',
  'delay-share-of-postage',
  'delay-per-day',
] as const;
export type CompensationRuleId = (typeof COMPENSATION_RULE_IDS)[number];

/**
 * The legal basis of each rule, as staff read it with the suggestion (docs/spec.md section 7 says more).
 * Art. 47 of the Postal Law governs registered universal-service items (给据邮件); express items are
 * governed by the service contract (and the Civil Code), which operators usually align with the same caps.
 */
export const LEGAL_BASIS: Readonly<Record<CompensationRuleId, string>> = {
  'damage-share-of-declared-value':
    "Postal Law art. 47 (registered items); express items: the service contract and Civil Code; the share is the operator's rule",
  'loss-insured-declared-value':
    'Postal Law art. 47: an insured registered item lost is compensated at its declared (insured) value; express items: the service contract',
  'loss-uninsured-capped':
    'Postal Law art. 47: an uninsured registered item lost is compensated for the actual loss, at most 3x postage; express items: the service contract',
  'partial-loss-insured':
    'Postal Law art. 47: missing contents of an insured registered item, in proportion to the declared value; express items: the service contract',
  'partial-loss-uninsured-capped':
    'Postal Law art. 47: missing contents of an uninsured registered item, the actual loss at most 3x postage; express items: the service contract',
  'delay-refund-postage':
    "No statutory amount for delay: the operator's published service commitment (deployment rule)",
  'delay-share-of-postage':
    "No statutory amount for delay: the operator's published service commitment (deployment rule)",
  'delay-per-day':
    "No statutory amount for delay: the operator's published per-day commitment (deployment rule)",
};

/** 赔偿 (compensation owed for loss or damage) or 补偿 (a goodwill payment for anything else). */
export type CompensationKind = 'damages' | 'goodwill';

export function compensationKind(category: Category): CompensationKind {
  return category === 'loss' || category === 'damage' ? 'damages' : 'goodwill';
}

export interface CompensationSuggestion {
  amount: Money;
  /** A short English explanation, e.g. "30% of declared value 500.00 (severe damage)". */
  basis: string;
  rule: CompensationRuleId;
  legalBasis: string;
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
    'damage-share-of-declared-value',
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
  const share = input.missingShare;
  if (share !== undefined && Number.isFinite(share) && share > 0 && share < 1) {
    return forPartialLoss(input, rules, share);
  }
  const declared = toFen(input.declaredValue);
  if (input.insured === true && declared !== undefined) {
    return suggestion(
      'loss-insured-declared-value',
      declared,
      `declared value ${format(declared)} (insured loss)`,
    );
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
  const rule = 'loss-uninsured-capped';
  if (claimed === undefined)
    return suggestion(rule, cap, `${capText} (uninsured loss, actual loss not stated)`);
  if (claimed <= cap) {
    return suggestion(rule, claimed, `${claimedAs} ${format(claimed)} (uninsured loss, within ${capText})`);
  }
  return suggestion(rule, cap, `${capText} (uninsured loss; ${claimedAs} ${format(claimed)} capped)`);
}

/**
 * Missing contents (内件短少): the declared value in proportion to what is missing. Insured: that share of
 * the declared value. Uninsured: the proven actual loss, else that share, capped at N x postage.
 */
function forPartialLoss(
  input: CompensationInput,
  rules: CompensationRules,
  share: number,
): CompensationSuggestion | undefined {
  const declared = toFen(input.declaredValue);
  const percent = Math.round(share * 10_000) / 100;
  const proportional = declared === undefined ? undefined : Math.round(declared * share);
  const shareText = declared === undefined ? '' : `${percent}% of declared value ${format(declared)}`;
  if (input.insured === true && proportional !== undefined) {
    return suggestion('partial-loss-insured', proportional, `${shareText} (insured, contents missing)`);
  }
  const postage = toFen(input.postage);
  if (postage === undefined) return undefined;
  const multiple = rules.uninsuredLossPostageMultiple;
  const cap = Math.round(postage * multiple);
  const capText = `${multiple}x postage ${format(postage)}`;
  const actual = toFen(input.actualLoss);
  const [claimed, claimedAs] =
    actual !== undefined ? [actual, `actual loss ${format(actual)}`] : [proportional, shareText];
  const rule = 'partial-loss-uninsured-capped';
  if (claimed === undefined) {
    return suggestion(rule, cap, `${capText} (uninsured, contents missing, loss not stated)`);
  }
  if (claimed <= cap)
    return suggestion(rule, claimed, `${claimedAs} (uninsured, contents missing, within ${capText})`);
  return suggestion(rule, cap, `${capText} (uninsured, contents missing; ${claimedAs} capped)`);
}

function forDelay(input: CompensationInput, rules: CompensationRules): CompensationSuggestion | undefined {
  const postage = toFen(input.postage);
  if (rules.delay === 'none' || postage === undefined) return undefined;
  if (rules.delay === 'refund-postage')
    return suggestion('delay-refund-postage', postage, `postage ${format(postage)} refunded (delay)`);
  if ('perDayPercentOfPostage' in rules.delay) {
    const days = input.daysLate;
    if (days === undefined || !Number.isInteger(days) || days < 1) return undefined;
    const { perDayPercentOfPostage: perDay, maxPercentOfPostage: max } = rules.delay;
    const earned = Math.min(perDay * days, max);
    return suggestion(
      'delay-per-day',
      percentOf(postage, earned),
      `${perDay}% of postage ${format(postage)} per day x ${days} days late, at most ${max}% (delay)`,
    );
  }
  const share = rules.delay.percentOfPostage;
  return suggestion(
    'delay-share-of-postage',
    percentOf(postage, share),
    `${share}% of postage ${format(postage)} (delay)`,
  );
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

function suggestion(rule: CompensationRuleId, fen: number, basis: string): CompensationSuggestion {
  return { amount: { amount: fen / 100, currency: 'CNY' }, basis, rule, legalBasis: LEGAL_BASIS[rule] };
}

/**
 * Whether a yuan amount is a whole number of fen: the number of fen rounded and divided back is the very
 * same double. A tolerance test would pass 1e-200, which DynamoDB cannot store (it keeps 38 digits).
 */
export function isWholeFen(yuan: number): boolean {
  return Number.isFinite(yuan) && Math.round(yuan * 100) / 100 === yuan;
}
