// SLA policy as configuration (SPEC section 5): a validated partial override merged onto the default
// policy, and the time-scaled demo mode. Pure: the caller passes the environment in.
import * as z from 'zod';
import { CALENDAR_NAMES, CATEGORIES } from './complaint.ts';
import type { Category, ClockBudget } from './complaint.ts';
import { DomainError } from './errors.ts';
import { DEFAULT_SLA_POLICY } from './sla.ts';
import type { ClockPolicy, PerPriority, SlaPolicy } from './sla.ts';

/** Working hours in one working day on cn-workdays (09:00-18:00). */
export const WORKING_DAY_HOURS = 9;

export interface ConfigurationProblem {
  /** Where in the configuration, e.g. `handling.loss.urgent.budget.workingDays`. */
  path: string;
  message: string;
}

/** Deployment configuration (SLA policy, holiday schedule, time scale) that cannot be used. Raised at
 * start-up, so it is a configuration fault, not a caller's bad input (hence not InvalidInput). */
export class InvalidConfiguration extends DomainError {
  override readonly name = 'InvalidConfiguration';
  readonly code = 'invalid-configuration';
  readonly errors: ConfigurationProblem[];
  constructor(subject: string, errors: ConfigurationProblem[]) {
    super(`${subject} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
    this.errors = errors;
  }
}

/** `a.b[2].c`: dots between keys, brackets around array indices. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

/** One problem per offending entry; an unknown key is reported at its own path. */
export function configurationProblems(error: z.ZodError): ConfigurationProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }))
      : [{ path: formatPath(issue.path) || '(root)', message: issue.message }],
  );
}

const positive = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
  .positive('must be positive');
const shareBelowOne = z
  .number({ error: 'must be a number' })
  .gt(0, 'must be above 0')
  .lt(1, 'must be below 1');

// Not a union of { hours } | { workingDays }: a union would report a bad value at `budget` instead of
// at `budget.workingDays`.
const budgetOverride = z
  .strictObject({ hours: positive.optional(), workingDays: positive.optional() })
  .superRefine((budget, ctx) => {
    const given = [budget.hours, budget.workingDays].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of hours or workingDays' });
  });

const clockOverride = z.strictObject({
  budget: budgetOverride.optional(),
  calendar: z.enum(CALENDAR_NAMES, { error: `must be one of ${CALENDAR_NAMES.join(', ')}` }).optional(),
});
type ClockOverride = z.infer<typeof clockOverride>;

const perPriorityOverride = z.strictObject({
  normal: clockOverride.optional(),
  urgent: clockOverride.optional(),
});
type PerPriorityOverride = z.infer<typeof perPriorityOverride>;

const handlingOverride = z.strictObject({
  default: perPriorityOverride.optional(),
  ...(Object.fromEntries(CATEGORIES.map((category) => [category, perPriorityOverride.optional()])) as Record<
    Category,
    z.ZodOptional<typeof perPriorityOverride>
  >),
});

const slaPolicyOverride = z.strictObject({
  response: perPriorityOverride.optional(),
  handling: handlingOverride.optional(),
  resolution: perPriorityOverride.optional(),
  review: perPriorityOverride.optional(),
  pending: perPriorityOverride.optional(),
  feedback: perPriorityOverride.optional(),
  warningRatio: shareBelowOne.optional(),
  graceRatio: positive.optional(),
  pendingReminderRatio: shareBelowOne.optional(),
  maxTopLevelRealerts: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .nonnegative('must not be negative')
    .optional(),
});

function mergeClock(base: ClockPolicy, override: ClockOverride | undefined): ClockPolicy {
  const budget = override?.budget;
  return {
    // The budget is replaced whole: merging { hours } into { workingDays } would mean nothing.
    budget: budget
      ? budget.hours !== undefined
        ? { hours: budget.hours }
        : { workingDays: budget.workingDays as number }
      : base.budget,
    calendar: override?.calendar ?? base.calendar,
  };
}

function mergePerPriority(base: PerPriority, override: PerPriorityOverride | undefined): PerPriority {
  return {
    normal: mergeClock(base.normal, override?.normal),
    urgent: mergeClock(base.urgent, override?.urgent),
  };
}

/**
 * Deep-merges a partial override (per clock, per category, per priority) onto DEFAULT_SLA_POLICY.
 * A category the default does not list starts from the (overridden) `handling.default`.
 * @throws InvalidConfiguration naming every bad entry, e.g. `handling.loss.urgent.budget.workingDays: must be positive`.
 */
export function parseSlaPolicyOverride(json: unknown): SlaPolicy {
  return mergedPolicy('SLA policy override', json);
}

function mergedPolicy(subject: string, json: unknown): SlaPolicy {
  const parsed = slaPolicyOverride.safeParse(json);
  if (!parsed.success) throw new InvalidConfiguration(subject, configurationProblems(parsed.error));
  const override = parsed.data;
  const base = DEFAULT_SLA_POLICY;

  const handlingDefault = mergePerPriority(base.handling.default, override.handling?.default);
  const handling: Partial<Record<Category, PerPriority>> = {};
  for (const category of CATEGORIES) {
    const baseEntry = base.handling[category];
    const overrideEntry = override.handling?.[category];
    if (baseEntry || overrideEntry)
      handling[category] = mergePerPriority(baseEntry ?? handlingDefault, overrideEntry);
  }

  return {
    response: mergePerPriority(base.response, override.response),
    handling: { ...handling, default: handlingDefault },
    resolution: mergePerPriority(base.resolution, override.resolution),
    review: mergePerPriority(base.review, override.review),
    pending: mergePerPriority(base.pending, override.pending),
    feedback: mergePerPriority(base.feedback, override.feedback),
    warningRatio: override.warningRatio ?? base.warningRatio,
    graceRatio: override.graceRatio ?? base.graceRatio,
    pendingReminderRatio: override.pendingReminderRatio ?? base.pendingReminderRatio,
    maxTopLevelRealerts: override.maxTopLevelRealerts ?? base.maxTopLevelRealerts,
  };
}

function assertTimeScale(n: number, path: string): void {
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidConfiguration('time scale', [{ path, message: `must be a positive number, got ${n}` }]);
  }
}

function scaleClock(clock: ClockPolicy, n: number): ClockPolicy {
  // 24x7 time from here on: a working day is the 9 hours of work it stands for, not a calendar day.
  const hours = 'hours' in clock.budget ? clock.budget.hours : clock.budget.workingDays * WORKING_DAY_HOURS;
  const budget: ClockBudget = { hours: hours / n };
  return { budget, calendar: '24x7' };
}

function scalePerPriority(perPriority: PerPriority, n: number): PerPriority {
  return { normal: scaleClock(perPriority.normal, n), urgent: scaleClock(perPriority.urgent, n) };
}

/**
 * The time-scaled demo mode (SPEC section 5): every SLA duration divided by `n`, every clock on 24x7.
 * A budget of d working days first becomes d x 9 hours (the working time it stands for), then is divided,
 * so 3 working days at n = 3600 last 27 seconds. Ratios and counts are not durations and stay as they are.
 */
export function scalePolicy(policy: SlaPolicy, n: number): SlaPolicy {
  assertTimeScale(n, 'timeScale');
  const handling: Partial<Record<Category, PerPriority>> = {};
  for (const category of CATEGORIES) {
    const entry = policy.handling[category];
    if (entry) handling[category] = scalePerPriority(entry, n);
  }
  return {
    ...policy,
    response: scalePerPriority(policy.response, n),
    handling: { ...handling, default: scalePerPriority(policy.handling.default, n) },
    resolution: scalePerPriority(policy.resolution, n),
    review: scalePerPriority(policy.review, n),
    pending: scalePerPriority(policy.pending, n),
    feedback: scalePerPriority(policy.feedback, n),
  };
}

/** Unset or blank means real time (1). Only plain decimals: "3600", "0.5". */
function parseTimeScale(raw: string | undefined): number {
  const text = raw?.trim() ?? '';
  if (text === '') return 1;
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(n > 0)) {
    throw new InvalidConfiguration('COMPLAINTS_TIME_SCALE', [
      { path: 'COMPLAINTS_TIME_SCALE', message: `must be a positive number such as 3600, got '${raw}'` },
    ]);
  }
  return n;
}

function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new InvalidConfiguration(name, [
      { path: name, message: `is not valid JSON (${(error as Error).message})` },
    ]);
  }
}

/**
 * The deployment's SLA policy: SLA_POLICY (a JSON partial override) merged onto the default, then scaled
 * when COMPLAINTS_TIME_SCALE is set. The returned policy is already scaled; `timeScale` is 1 in real
 * time (unset, blank or "1": nothing is scaled), otherwise N, which also tells callers to turn quiet hours off.
 */
export function loadSlaPolicy(env: { SLA_POLICY?: string; COMPLAINTS_TIME_SCALE?: string }): {
  policy: SlaPolicy;
  timeScale: number;
} {
  const rawPolicy = env.SLA_POLICY?.trim() ?? '';
  const policy =
    rawPolicy === '' ? DEFAULT_SLA_POLICY : mergedPolicy('SLA_POLICY', parseJson('SLA_POLICY', rawPolicy));
  const timeScale = parseTimeScale(env.COMPLAINTS_TIME_SCALE);
  return { policy: timeScale === 1 ? policy : scalePolicy(policy, timeScale), timeScale };
}
