// Which options each action needs, so a person at the terminal hears "resolve needs --resolution" before
// a round trip. The server stays the judge of everything else (lengths, transitions, versions).
import type { ActionName } from '#domain/commands';

/** The action-specific options of `act`, by their commander names. */
export interface ActOptions {
  assignee?: string;
  message?: string;
  resolution?: string;
  amount?: number;
  damageSeverity?: string;
  reason?: string;
  closeReason?: string;
  nextSteps?: string;
  text?: string;
  category?: string;
  type?: string;
  outletId?: string;
  regionId?: string;
  party?: string;
  rootCause?: string;
  accountableStaffId?: string;
  correctiveAction?: string;
  remedy?: string;
  paymentReference?: string;
  /** follow-up: the call's outcome. */
  reached?: boolean;
  satisfied?: boolean;
  score?: number;
  notes?: string;
  expectedVersion?: number;
}

type DetailOption = Exclude<keyof ActOptions, 'expectedVersion'>;

export const FLAG_OF: Record<DetailOption, string> = {
  assignee: '--assignee',
  message: '--message',
  resolution: '--resolution',
  amount: '--amount',
  damageSeverity: '--damage-severity',
  reason: '--reason',
  closeReason: '--close-reason',
  nextSteps: '--next-steps',
  text: '--text',
  category: '--category',
  type: '--type',
  outletId: '--outlet-id',
  regionId: '--region-id',
  party: '--party',
  rootCause: '--root-cause',
  accountableStaffId: '--accountable-staff-id',
  correctiveAction: '--corrective-action',
  remedy: '--remedy',
  paymentReference: '--payment-reference',
  reached: '--reached',
  satisfied: '--satisfied',
  score: '--score',
  notes: '--notes',
};

const VALUE_OF: Record<DetailOption, string> = {
  assignee: '<id>',
  message: '<text>',
  resolution: '<text>',
  amount: '<yuan>',
  damageSeverity: '<severity>',
  reason: '<text>',
  closeReason: '<reason>',
  nextSteps: '<text>',
  text: '<text>',
  category: '<category>',
  type: '<type>',
  outletId: '<id>',
  regionId: '<id>',
  party: '<party>',
  rootCause: '<code>',
  accountableStaffId: '<id>',
  correctiveAction: '<text>',
  remedy: '<remedy>',
  paymentReference: '<ref>',
  reached: '<yes|no>',
  satisfied: '<yes|no>',
  score: '<1-5>',
  notes: '<text>',
};

const usage = (name: DetailOption) => `${FLAG_OF[name]} ${VALUE_OF[name]}`;

interface ActionNeeds {
  required: DetailOption[];
  optional: DetailOption[];
}

export const ACTION_NEEDS: Record<ActionName, ActionNeeds> = {
  accept: { required: [], optional: [] },
  assign: { required: ['assignee'], optional: [] },
  'request-info': { required: ['message'], optional: [] },
  'customer-reply': { required: ['message'], optional: [] },
  resolve: {
    required: ['resolution'],
    optional: ['amount', 'damageSeverity', 'party', 'rootCause', 'accountableStaffId', 'correctiveAction'],
  },
  reopen: { required: ['reason'], optional: [] },
  close: { required: ['reason'], optional: ['closeReason', 'nextSteps'] },
  note: { required: ['text'], optional: [] },
  reclassify: { required: ['reason'], optional: ['category', 'type'] },
  route: { required: ['reason'], optional: ['outletId', 'regionId'] },
  'regulator-reply': { required: ['text'], optional: [] },
  'offer-compensation': { required: ['remedy'], optional: ['amount', 'damageSeverity'] },
  'accept-compensation': { required: [], optional: [] },
  'decline-compensation': { required: [], optional: ['reason'] },
  'record-payment': { required: ['paymentReference'], optional: [] },
  'follow-up': { required: ['reached'], optional: ['satisfied', 'score', 'notes'] },
};

const RESPONSIBILITY_OPTIONS = ['party', 'rootCause', 'accountableStaffId', 'correctiveAction'] as const;

export type ActionBodyResult = { body: Record<string, unknown> } | { usageError: string };

/** The request body of POST /v1/complaints/{id}/actions, or why the options cannot make one. */
export function actionBodyOf(action: ActionName, options: ActOptions): ActionBodyResult {
  const needs = ACTION_NEEDS[action];
  const missing = needs.required.filter((name) => options[name] === undefined);
  if (missing.length > 0) {
    return { usageError: `${action} needs ${missing.map(usage).join(' and ')}` };
  }
  const allowed = new Set<DetailOption>([...needs.required, ...needs.optional]);
  const stray = (Object.keys(FLAG_OF) as DetailOption[]).filter(
    (name) => options[name] !== undefined && !allowed.has(name),
  );
  if (stray.length > 0) {
    return { usageError: `${stray.map((name) => FLAG_OF[name]).join(', ')} does not apply to ${action}` };
  }
  const { amount, party, rootCause, accountableStaffId, correctiveAction, ...details } = Object.fromEntries(
    [...allowed].filter((name) => options[name] !== undefined).map((name) => [name, options[name]]),
  ) as Partial<ActOptions>;
  const responsibility = { party, rootCause, accountableStaffId, correctiveAction };
  const givenResponsibility = RESPONSIBILITY_OPTIONS.some((name) => responsibility[name] !== undefined);
  const incomplete = (['party', 'rootCause', 'correctiveAction'] as const).filter(
    (name) => responsibility[name] === undefined,
  );
  if (givenResponsibility && incomplete.length > 0) {
    return { usageError: `responsibility needs ${incomplete.map(usage).join(' and ')} as well` };
  }
  return {
    body: {
      action,
      ...details,
      ...(givenResponsibility
        ? {
            responsibility: Object.fromEntries(
              Object.entries(responsibility).filter(([, v]) => v !== undefined),
            ),
          }
        : {}),
      // An offer states its amount; resolve its compensation.
      ...(amount !== undefined
        ? action === 'offer-compensation'
          ? { amount: { amount, currency: 'CNY' } }
          : { compensation: { amount, currency: 'CNY' } }
        : {}),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    },
  };
}

/** One line per action for `act --help`. */
export function actionHelp(): string[] {
  const width = Math.max(...Object.keys(ACTION_NEEDS).map((name) => name.length));
  const lines = Object.entries(ACTION_NEEDS).map(([name, needs]) => {
    const required = needs.required.map(usage);
    const optional = needs.optional.map((o) => `[${usage(o)}]`);
    return `  ${name.padEnd(width)}  ${[...required, ...optional].join(' ') || '(nothing more)'}`;
  });
  return [
    ...lines,
    '',
    'Who acts is who calls: --user <id> (env COMPLAINTS_USER) as an agent, or as a supervisor for',
    'assign, reopen and close; --role and --on-behalf-of for other identities, --token for a given token.',
  ];
}
