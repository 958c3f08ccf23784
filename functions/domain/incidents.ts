// Mass incidents (突发事件, SPEC section 13): a flooded sorting centre, a storm, a carrier outage. Staff
// declare one (cause, area of outlets and regions, time window) or the spike detector proposes one; the
// complaints it explains are linked to it by hand or by rule, hear about it once, can be escalated
// straight to headquarters and are resolved together, each through the same lifecycle transitions a
// single resolve uses. Pure: the use cases in functions/use-cases/incidents.ts persist what this returns.
import * as z from 'zod';
import type { ClockContext } from './clocks.ts';
import type { ResponsibilityInput } from './commands.ts';
import {
  CATEGORIES,
  TOP_ESCALATION_LEVEL,
  type Category,
  type Complaint,
  type Instant,
  type Money,
  type Status,
} from './complaint.ts';
import { suggestCompensation } from './compensation.ts';
import { configurationProblems, InvalidConfiguration } from './policy.ts';
import { applyAction } from './lifecycle.ts';
import { withEvent } from './notices.ts';
import { RESPONSIBLE_PARTIES } from './complaint.ts';

export const INCIDENT_CAUSES = [
  'severe-weather',
  'flood',
  'facility-outage',
  'carrier-outage',
  'system-outage',
  'traffic-control',
  'public-health',
  'other',
] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

/**
 * proposed: the detector saw a spike, nobody has looked yet; open: declared (or a proposal confirmed),
 * complaints are linked and told; resolving: a bulk resolution has started; closed: done; dismissed: a
 * proposal staff rejected.
 */
export const INCIDENT_STATUSES = ['proposed', 'open', 'resolving', 'closed', 'dismissed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface IncidentArea {
  /** Outlets of the organisation directory (functions/domain/organisation.ts). */
  outletIds: string[];
  /** Regions: every complaint of the region, whatever its outlet. */
  regionIds: string[];
}

/** Per-complaint compensation of a bulk resolution. */
export type IncidentCompensation =
  | { kind: 'none' }
  /** The same amount for every complaint (CNY). */
  | { kind: 'fixed'; amount: number }
  /** What the deployment's rules suggest for each complaint (functions/domain/compensation.ts). */
  | { kind: 'suggested' };

export interface IncidentResolution {
  text: string;
  compensation: IncidentCompensation;
  responsibility?: ResponsibilityInput;
  by: string;
  startedAt: Instant;
  completedAt?: Instant;
}

export interface SpikeProposal {
  category: Category;
  unit: { kind: 'outlet' | 'region'; id: string };
  count: number;
  windowMinutes: number;
  /** The count above which the window is a spike (the configured rate over the window). */
  threshold: number;
  detectedAt: Instant;
}

export interface Incident {
  id: string;
  status: IncidentStatus;
  cause: { kind: IncidentCause; summary: string };
  area: IncidentArea;
  /** Categories the incident explains; empty: every category. */
  categories: Category[];
  /** Complaints received in [from, to) are the incident's; no `to` while it lasts. */
  window: { from: Instant; to?: Instant };
  /** Linked complaints go straight to level 3 (总部), the three levels acting together. */
  escalateToHq: boolean;
  declaredBy: string;
  declaredAt: Instant;
  updatedAt: Instant;
  /** Set by the detector on a proposal. */
  proposal?: SpikeProposal;
  /** When staff had the notice sent: complaints linked later are told on linking. */
  noticeIssuedAt?: Instant;
  resolution?: IncidentResolution;
  closedAt?: Instant;
  /** Optimistic concurrency of the stored incident. */
  version: number;
}

/** One complaint's membership of an incident: its own item, so an incident of thousands stays small. */
export interface IncidentLink {
  incidentId: string;
  complaintId: string;
  category: Category;
  linkedAt: Instant;
  linkedBy: string;
  via: 'manual' | 'rule' | 'intake';
  /** When the incident notice was handed to delivery (or found owed to the same customer already). */
  notifiedAt?: Instant;
  notice?: 'dispatched' | 'same-customer' | 'closed';
  /** When the bulk resolution dealt with it, and how. */
  resolvedAt?: Instant;
  outcome?: IncidentOutcome;
  compensation?: number;
}

/** What the bulk resolution did with one complaint. */
export const INCIDENT_OUTCOMES = [
  'resolved',
  'already-answered',
  'already-closed',
  'waiting-for-customer',
] as const;
export type IncidentOutcome = (typeof INCIDENT_OUTCOMES)[number];

/** An event of the incident's own timeline (its own items, like a complaint's). */
export interface IncidentEvent {
  at: Instant;
  type: string;
  actor: string;
  data?: Record<string, unknown>;
}

/** Counts on the incident, for its page and the reports (computed from the link items). */
export interface IncidentCounts {
  linked: number;
  byCategory: Partial<Record<Category, number>>;
  notified: number;
  /** Linked complaints whose customer was already told through another of their complaints. */
  sameCustomer: number;
  resolved: number;
  skipped: Partial<Record<Exclude<IncidentOutcome, 'resolved'>, number>>;
  /** Linked and not yet dealt with by the bulk resolution. */
  pendingResolution: number;
  compensationTotal: number;
}

// ---------------------------------------------------------------------------------------------------
// Input

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const unitIds = z.array(z.string().regex(IDENTIFIER, 'must be a unit id')).max(200);

export const incidentDeclaration = z
  .strictObject({
    cause: z.strictObject({
      kind: z.enum(INCIDENT_CAUSES),
      summary: z.string().trim().min(1).max(500),
    }),
    area: z.strictObject({ outletIds: unitIds.default([]), regionIds: unitIds.default([]) }),
    categories: z.array(z.enum(CATEGORIES)).max(CATEGORIES.length).default([]),
    window: z.strictObject({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }).optional(),
    }),
    escalateToHq: z.boolean().default(false),
  })
  .superRefine((d, ctx) => {
    if (d.area.outletIds.length + d.area.regionIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['area'], message: 'name at least one outlet or region' });
    }
    if (d.window.to !== undefined && Date.parse(d.window.to) <= Date.parse(d.window.from)) {
      ctx.addIssue({ code: 'custom', path: ['window', 'to'], message: 'must be after window.from' });
    }
  })
  .meta({ id: 'IncidentDeclaration' });
export type IncidentDeclaration = z.output<typeof incidentDeclaration>;

export const incidentCompensation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('fixed'), amount: z.number().positive().max(1_000_000).multipleOf(0.01) }),
  z.strictObject({ kind: z.literal('suggested') }),
]);

export const incidentResolutionInput = z.strictObject({
  resolution: z.string().trim().min(1).max(4000),
  compensation: incidentCompensation.default({ kind: 'none' }),
  responsibility: z
    .strictObject({
      party: z.enum(RESPONSIBLE_PARTIES),
      rootCause: z.string().min(1).max(64),
      accountableStaffId: z.string().min(1).max(64).optional(),
      correctiveAction: z.string().trim().min(1).max(2000),
    })
    .optional(),
});
export type IncidentResolutionInput = z.output<typeof incidentResolutionInput>;

export function newIncident(
  id: string,
  d: IncidentDeclaration,
  by: string,
  now: Date,
  status: 'open' | 'proposed' = 'open',
): Incident {
  const at = now.toISOString();
  return {
    id,
    status,
    cause: d.cause,
    area: { outletIds: [...new Set(d.area.outletIds)], regionIds: [...new Set(d.area.regionIds)] },
    categories: [...new Set(d.categories)],
    window: {
      from: new Date(d.window.from).toISOString(),
      ...(d.window.to ? { to: new Date(d.window.to).toISOString() } : {}),
    },
    escalateToHq: d.escalateToHq,
    declaredBy: by,
    declaredAt: at,
    updatedAt: at,
    version: 1,
  };
}

// ---------------------------------------------------------------------------------------------------
// Matching and linking

export type ComplaintFactsForIncident = Pick<
  Complaint,
  'category' | 'receivedAt' | 'status' | 'outletId' | 'regionId'
>;

/**
 * Does the incident take complaints by rule? Open, and still while its bulk resolution runs (a complaint
 * linked then is resolved by the next resolve call); a proposal does not until staff confirm it.
 */
export const takesComplaints = (i: Pick<Incident, 'status'>): boolean =>
  i.status === 'open' || i.status === 'resolving';

/** Does the complaint fall in the incident's area, categories and time window? */
export function matchesIncident(i: Incident, c: ComplaintFactsForIncident): boolean {
  const inArea =
    (c.outletId !== undefined && i.area.outletIds.includes(c.outletId)) ||
    (c.regionId !== undefined && i.area.regionIds.includes(c.regionId));
  const inCategory = i.categories.length === 0 || i.categories.includes(c.category);
  const received = Date.parse(c.receivedAt);
  const inWindow =
    received >= Date.parse(i.window.from) &&
    (i.window.to === undefined || received < Date.parse(i.window.to));
  return inArea && inCategory && inWindow;
}

/** The open incident a new complaint belongs to by rule, if any (the earliest declared wins a tie). */
export function incidentFor(
  incidents: readonly Incident[],
  c: ComplaintFactsForIncident,
): Incident | undefined {
  return incidents
    .filter((i) => takesComplaints(i) && matchesIncident(i, c))
    .sort((a, b) => a.declaredAt.localeCompare(b.declaredAt) || a.id.localeCompare(b.id))[0];
}

export type LinkRefusal = 'closed' | 'other-incident';

/**
 * Links the complaint: records the incident on it, writes `incident-linked` to its timeline and, when
 * the incident says so, raises it straight to headquarters (an `escalated` event; no per-complaint alert:
 * headquarters acts on the incident). Returns the complaint unchanged when it is already linked to this
 * incident, and a refusal for a closed complaint or one linked to another incident.
 */
export function linkToIncident(
  c: Complaint,
  i: Incident,
  party: { actor: string; client?: string },
  via: IncidentLink['via'],
  now: Date,
): { complaint: Complaint; changed: boolean } | { refusal: LinkRefusal } {
  if (c.incident?.id === i.id) return { complaint: c, changed: false };
  if (c.incident !== undefined) return { refusal: 'other-incident' };
  if (c.status === 'closed') return { refusal: 'closed' };
  const at = now.toISOString();
  const carrier = party.client === undefined ? {} : { client: party.client };
  let next: Complaint = withEvent(
    { ...c, incident: { id: i.id, linkedAt: at } },
    { at, type: 'incident-linked', actor: party.actor, ...carrier, data: { incidentId: i.id, via } },
  );
  if (i.escalateToHq && c.escalationLevel < TOP_ESCALATION_LEVEL) {
    next = withEvent(
      { ...next, escalationLevel: TOP_ESCALATION_LEVEL },
      {
        at,
        type: 'escalated',
        actor: party.actor,
        ...carrier,
        data: { from: c.escalationLevel, level: TOP_ESCALATION_LEVEL, incidentId: i.id, reason: 'incident' },
      },
    );
  }
  return { complaint: next, changed: true };
}

// ---------------------------------------------------------------------------------------------------
// Bulk resolution

/** The amount one complaint is offered under the incident's rule (undefined: no money). */
export function incidentCompensationFor(
  c: Pick<Complaint, 'category' | 'declaredValue' | 'postage' | 'insured'>,
  rule: IncidentCompensation,
  ctx: Pick<ClockContext, 'compensation'>,
): Money | undefined {
  switch (rule.kind) {
    case 'none':
      return undefined;
    case 'fixed':
      return { amount: rule.amount, currency: 'CNY' };
    case 'suggested': {
      const suggestion = suggestCompensation(
        { category: c.category, declaredValue: c.declaredValue, postage: c.postage, insured: c.insured },
        ctx.compensation,
      );
      return suggestion && suggestion.amount.amount > 0 ? suggestion.amount : undefined;
    }
  }
}

/** What the bulk resolution does with a complaint in this status (before anything is written). */
export function incidentOutcomeOf(c: Pick<Complaint, 'status' | 'incident'>): IncidentOutcome | 'resolve' {
  if (c.incident?.resolvedAt !== undefined) return 'resolved';
  const byStatus: Record<Status, IncidentOutcome | 'resolve'> = {
    received: 'resolve',
    investigating: 'resolve',
    review: 'resolve',
    // Waiting for the customer's information: resolve is not a transition of that status; the owner
    // finishes it once the customer replies.
    'pending-customer': 'waiting-for-customer',
    'awaiting-feedback': 'already-answered',
    closed: 'already-closed',
  };
  return byStatus[c.status];
}

/**
 * Resolves one linked complaint for the incident through the lifecycle's own transitions: `accept` first
 * when nobody has yet (the incident's resolver becomes owner and first responder), then `resolve` with
 * the incident's answer and this complaint's compensation. The customer hears the answer once: the
 * `accepted` text the accept owes is dropped, since the answer goes out in the same write.
 */
export function resolveForIncident(
  c: Complaint,
  i: Incident,
  resolution: IncidentResolution,
  ctx: ClockContext,
): Complaint {
  const party = { actor: resolution.by };
  const outbox = new Set(c.outbox.map((n) => n.key));
  let next = c;
  if (c.status === 'received') next = applyAction(next, { action: 'accept', ...party }, ctx);
  const compensation = incidentCompensationFor(c, resolution.compensation, ctx);
  next = applyAction(
    next,
    {
      action: 'resolve',
      ...party,
      resolution: resolution.text,
      ...(compensation ? { compensation } : {}),
      ...(resolution.responsibility ? { responsibility: resolution.responsibility } : {}),
    },
    ctx,
  );
  const at = ctx.now.toISOString();
  return {
    ...next,
    incident: { id: i.id, linkedAt: c.incident?.linkedAt ?? at, resolvedAt: at },
    outbox: next.outbox.filter((n) => outbox.has(n.key) || n.event !== 'accepted'),
  };
}

/** Resolution specs are compared to tell a resumed bulk resolution from a different one (409). */
export function sameResolution(
  a: IncidentResolution,
  b: Omit<IncidentResolution, 'by' | 'startedAt'>,
): boolean {
  const strip = (
    r: Omit<IncidentResolution, 'by' | 'startedAt' | 'completedAt'> & Partial<IncidentResolution>,
  ) =>
    JSON.stringify({ text: r.text, compensation: r.compensation, responsibility: r.responsibility ?? null });
  return strip(a) === strip(b);
}

// ---------------------------------------------------------------------------------------------------
// The spike detector

/** When complaints of one category from one unit count as a spike (a deployment setting, INCIDENT_SPIKE). */
export interface SpikeRule {
  /** The window counted, ending now. */
  windowMinutes: number;
  /** The configured rate: complaints of one category per unit per hour that are still normal. */
  normalPerHour: number;
  /** Never propose below this many complaints, however short the window. */
  minCount: number;
}

export const DEFAULT_SPIKE_RULE: SpikeRule = { windowMinutes: 60, normalPerHour: 10, minCount: 20 };

export const spikeRuleSchema = z.strictObject({
  windowMinutes: z
    .int()
    .min(5)
    .max(24 * 60),
  normalPerHour: z.number().min(0).max(100_000),
  minCount: z.int().min(2).max(100_000),
});

/** A deployment's spike rule (any part of it; the rest keeps the default). Throws InvalidConfiguration. */
export function parseSpikeRuleOverride(json: unknown): SpikeRule {
  const parsed = spikeRuleSchema.partial().safeParse(json);
  if (!parsed.success)
    throw new InvalidConfiguration('incident spike rule', configurationProblems(parsed.error));
  const rule = { ...DEFAULT_SPIKE_RULE, ...parsed.data };
  return rule;
}

/** INCIDENT_SPIKE as the functions read it: JSON text, unset for the default. */
export function parseSpikeRule(json: string | undefined): SpikeRule {
  if (json === undefined || json.trim() === '') return DEFAULT_SPIKE_RULE;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InvalidConfiguration('incident spike rule', [{ path: '(root)', message: 'is not JSON' }]);
  }
  return parseSpikeRuleOverride(value);
}

export type SpikeFacts = Pick<Complaint, 'category' | 'receivedAt' | 'outletId' | 'regionId'>;

/** The count above which a window of this rule is a spike. */
export const spikeThreshold = (rule: SpikeRule): number =>
  Math.max(rule.minCount, Math.floor((rule.normalPerHour * rule.windowMinutes) / 60) + 1);

/**
 * Counts the complaints received in the rule's window (ending at `now`) per category and outlet and per
 * category and region, and proposes an incident for every count at or above the threshold that no
 * incident already covers (open, resolving or proposed, same unit and category, window running at `now`). A region
 * is proposed only when none of its outlets is for that category: the outlet is the narrower cause.
 * Deterministic: proposals come sorted by count, then unit and category.
 */
export function detectSpikes(
  complaints: readonly SpikeFacts[],
  rule: SpikeRule,
  now: Date,
  incidents: readonly Incident[],
): SpikeProposal[] {
  const since = now.getTime() - rule.windowMinutes * 60_000;
  const counts = new Map<
    string,
    { category: Category; kind: 'outlet' | 'region'; id: string; region?: string; count: number }
  >();
  const bump = (category: Category, kind: 'outlet' | 'region', id: string, region?: string) => {
    const key = `${kind}\u0000${id}\u0000${category}`;
    const entry = counts.get(key) ?? { category, kind, id, ...(region ? { region } : {}), count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  };
  for (const c of complaints) {
    const received = Date.parse(c.receivedAt);
    if (!(received >= since && received <= now.getTime())) continue;
    if (c.outletId !== undefined) bump(c.category, 'outlet', c.outletId, c.regionId);
    if (c.regionId !== undefined) bump(c.category, 'region', c.regionId);
  }
  const threshold = spikeThreshold(rule);
  const spiking = [...counts.values()].filter((e) => e.count >= threshold);
  const outletSpikes = new Set(
    spiking.filter((e) => e.kind === 'outlet' && e.region).map((e) => `${e.region ?? ''}\u0000${e.category}`),
  );
  const at = now.toISOString();
  const covered = (e: (typeof spiking)[number]) =>
    incidents.some(
      (i) =>
        (i.status === 'open' || i.status === 'resolving' || i.status === 'proposed') &&
        (e.kind === 'outlet' ? i.area.outletIds.includes(e.id) : i.area.regionIds.includes(e.id)) &&
        (i.categories.length === 0 || i.categories.includes(e.category)) &&
        Date.parse(i.window.from) <= now.getTime() &&
        (i.window.to === undefined || Date.parse(i.window.to) > now.getTime()),
    );
  return spiking
    .filter((e) => !(e.kind === 'region' && outletSpikes.has(`${e.id}\u0000${e.category}`)))
    .filter((e) => !covered(e))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id) || a.category.localeCompare(b.category))
    .map((e) => ({
      category: e.category,
      unit: { kind: e.kind, id: e.id },
      count: e.count,
      windowMinutes: rule.windowMinutes,
      threshold,
      detectedAt: at,
    }));
}

/**
 * The incident a proposal would be: its id is derived from the unit, category and window so two detector
 * runs over the same spike propose it once (a conditional create).
 */
export function proposedIncident(p: SpikeProposal): Incident {
  const from = new Date(Date.parse(p.detectedAt) - p.windowMinutes * 60_000);
  const bucket = Math.floor(Date.parse(p.detectedAt) / (p.windowMinutes * 60_000));
  const declaration: IncidentDeclaration = {
    cause: { kind: 'other', summary: `spike: ${p.count} ${p.category} complaints in ${p.windowMinutes} min` },
    area: {
      outletIds: p.unit.kind === 'outlet' ? [p.unit.id] : [],
      regionIds: p.unit.kind === 'region' ? [p.unit.id] : [],
    },
    categories: [p.category],
    window: { from: from.toISOString() },
    escalateToHq: false,
  };
  const id = `spike-${p.unit.kind}-${p.unit.id}-${p.category}-${bucket}`;
  return { ...newIncident(id, declaration, 'detector', new Date(p.detectedAt), 'proposed'), proposal: p };
}

// ---------------------------------------------------------------------------------------------------
// Counts

export function countLinks(links: readonly IncidentLink[]): IncidentCounts {
  const counts: IncidentCounts = {
    linked: 0,
    byCategory: {},
    notified: 0,
    sameCustomer: 0,
    resolved: 0,
    skipped: {},
    pendingResolution: 0,
    compensationTotal: 0,
  };
  for (const link of links) {
    counts.linked += 1;
    counts.byCategory[link.category] = (counts.byCategory[link.category] ?? 0) + 1;
    if (link.notice === 'dispatched') counts.notified += 1;
    if (link.notice === 'same-customer') counts.sameCustomer += 1;
    if (link.outcome === undefined) counts.pendingResolution += 1;
    else if (link.outcome === 'resolved') counts.resolved += 1;
    else counts.skipped[link.outcome] = (counts.skipped[link.outcome] ?? 0) + 1;
    counts.compensationTotal += link.compensation ?? 0;
  }
  counts.compensationTotal = Math.round(counts.compensationTotal * 100) / 100;
  return counts;
}
