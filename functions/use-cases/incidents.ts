// Mass incidents (SPEC section 13): declare, propose (the spike detector), link complaints by hand and by
// rule, tell every affected customer once, resolve every linked complaint in bounded batches. Every
// batch step is idempotent per complaint: the complaint write is the commit point and the link item
// records what was done after it, so a batch cut off by a crash is simply called again.
import type { Complaint, PendingNotification } from '#domain/complaint';
import {
  ComplaintNotFound,
  IncidentConflict,
  IncidentNotFound,
  InvalidInput,
  VersionConflict,
} from '#domain/errors';
import {
  countLinks,
  detectSpikes,
  incidentFor,
  incidentOutcomeOf,
  linkToIncident,
  newIncident,
  proposedIncident,
  resolveForIncident,
  sameResolution,
  type Incident,
  type IncidentCounts,
  type IncidentDeclaration,
  type IncidentEvent,
  type IncidentLink,
  type IncidentOutcome,
  type IncidentResolutionInput,
  type IncidentStatus,
  type LinkRefusal,
  type SpikeFacts,
} from '#domain/incidents';
import { customerSendAt } from '#domain/notifications/quiet-hours';
import { actingPartyOf, type Principal } from '#domain/permissions';
import type { ComplaintQuery, IncidentPage } from '#domain/ports';
import { requirePermission } from './access.ts';
import { commitChange } from './act-on-complaint.ts';
import { getComplaint } from './queries.ts';
import { clockContext, saveNext, type ServiceDeps } from './service-deps.ts';
import { withRetries } from './stage-workflow.ts';

/** Complaints one call of link-matching, notify or resolve deals with: a call stays well inside a Lambda's time. */
export const INCIDENT_BATCH = 50;
/** Complaints worked on at once inside a batch. */
const CONCURRENCY = 5;
/** The detector reads at most this many complaints of its window (pages of 100). */
const DETECTOR_MAX_PAGES = 100;

export interface IncidentView {
  incident: Incident;
  counts: IncidentCounts;
}

/** What one batch call did, and whether there is more to do (call again). */
export interface IncidentProgress {
  processed: number;
  outcomes: Record<string, number>;
  done: boolean;
  /** link-matching only: where the next call goes on. */
  nextCursor?: string;
}

export type IncidentAction =
  | { action: 'confirm'; escalateToHq?: boolean }
  | { action: 'dismiss'; reason: string }
  | { action: 'link'; complaintIds: string[] }
  | { action: 'link-matching'; cursor?: string }
  | { action: 'notify' }
  | ({ action: 'resolve' } & IncidentResolutionInput)
  | { action: 'close'; reason?: string };

async function loadIncident(deps: ServiceDeps, id: string): Promise<Incident> {
  const incident = await deps.incidents.get(id);
  if (!incident) throw new IncidentNotFound(id);
  return incident;
}

async function record(deps: ServiceDeps, incidentId: string, event: IncidentEvent): Promise<void> {
  await deps.incidents.appendEvent(incidentId, event);
}

/** Saves the next version of the incident (conditional on the one read). */
async function saveIncident(deps: ServiceDeps, read: Incident, next: Partial<Incident>): Promise<Incident> {
  const saved: Incident = {
    ...read,
    ...next,
    version: read.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.incidents.save(saved, read.version);
  return saved;
}

async function checkArea(deps: ServiceDeps, d: IncidentDeclaration): Promise<void> {
  const missing: { path: string; message: string }[] = [];
  for (const [i, id] of d.area.outletIds.entries()) {
    if (!(await deps.org.getUnit('outlet', id)))
      missing.push({ path: `area.outletIds[${i}]`, message: 'no such outlet in the directory' });
  }
  for (const [i, id] of d.area.regionIds.entries()) {
    if (!(await deps.org.getUnit('region', id)))
      missing.push({ path: `area.regionIds[${i}]`, message: 'no such region in the directory' });
  }
  if (missing.length > 0)
    throw new InvalidInput('the incident names units the directory does not have', missing);
}

export async function declareIncident(
  deps: ServiceDeps,
  principal: Principal,
  declaration: IncidentDeclaration,
): Promise<IncidentView> {
  requirePermission(principal, 'incidents');
  await checkArea(deps, declaration);
  const now = deps.clock.now();
  const { actor } = actingPartyOf(principal);
  const incident = newIncident(deps.newId(), declaration, actor, now);
  await deps.incidents.create(incident);
  await record(deps, incident.id, {
    at: now.toISOString(),
    type: 'declared',
    actor,
    data: {
      cause: incident.cause.kind,
      area: incident.area,
      categories: incident.categories,
      escalateToHq: incident.escalateToHq,
    },
  });
  return { incident, counts: countLinks([]) };
}

export async function listIncidents(
  deps: ServiceDeps,
  principal: Principal,
  status?: IncidentStatus,
): Promise<Incident[]> {
  requirePermission(principal, 'incidents');
  const all = await deps.incidents.list();
  return status === undefined ? all : all.filter((i) => i.status === status);
}

/** Every link of the incident, page by page (bounded: an incident's links are its complaints). */
async function allLinks(deps: ServiceDeps, incidentId: string): Promise<IncidentLink[]> {
  const links: IncidentLink[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.incidents.links(incidentId, { limit: 500, ...(cursor ? { cursor } : {}) });
    links.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return links;
}

export async function readIncident(
  deps: ServiceDeps,
  principal: Principal,
  id: string,
): Promise<IncidentView> {
  requirePermission(principal, 'incidents');
  const incident = await loadIncident(deps, id);
  return { incident, counts: countLinks(await allLinks(deps, id)) };
}

export async function readIncidentTimeline(
  deps: ServiceDeps,
  principal: Principal,
  id: string,
  page: { limit: number; cursor?: string },
): Promise<IncidentPage<IncidentEvent>> {
  requirePermission(principal, 'incidents');
  await loadIncident(deps, id);
  return deps.incidents.events(id, page);
}

export async function actOnIncident(
  deps: ServiceDeps,
  principal: Principal,
  id: string,
  request: IncidentAction,
): Promise<IncidentView & { progress?: IncidentProgress }> {
  requirePermission(principal, 'incidents');
  const { actor } = actingPartyOf(principal);
  const incident = await loadIncident(deps, id);
  const at = () => deps.clock.now().toISOString();
  const view = async (i: Incident, progress?: IncidentProgress) => ({
    incident: i,
    counts: countLinks(await allLinks(deps, i.id)),
    ...(progress ? { progress } : {}),
  });
  const needStatus = (allowed: IncidentStatus[]) => {
    if (!allowed.includes(incident.status)) {
      throw new IncidentConflict(
        `'${request.action}' is not allowed while the incident is '${incident.status}'`,
        incident.status,
      );
    }
  };
  switch (request.action) {
    case 'confirm': {
      needStatus(['proposed']);
      const saved = await saveIncident(deps, incident, {
        status: 'open',
        ...(request.escalateToHq !== undefined ? { escalateToHq: request.escalateToHq } : {}),
      });
      await record(deps, id, { at: at(), type: 'confirmed', actor });
      return view(saved);
    }
    case 'dismiss': {
      needStatus(['proposed']);
      const saved = await saveIncident(deps, incident, { status: 'dismissed', closedAt: at() });
      await record(deps, id, { at: at(), type: 'dismissed', actor, data: { reason: request.reason } });
      return view(saved);
    }
    case 'link': {
      needStatus(['open', 'resolving']);
      const outcomes: Record<string, number> = {};
      await inBatches(request.complaintIds, async (complaintId) => {
        const outcome = await linkComplaint(deps, incident, complaintId, actingPartyOf(principal), 'manual');
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      });
      await record(deps, id, { at: at(), type: 'linked', actor, data: { via: 'manual', outcomes } });
      return view(incident, { processed: request.complaintIds.length, outcomes, done: true });
    }
    case 'link-matching': {
      needStatus(['open', 'resolving']);
      const progress = await linkMatching(deps, incident, actingPartyOf(principal), request.cursor);
      if (progress.processed > 0) {
        await record(deps, id, {
          at: at(),
          type: 'linked',
          actor,
          data: { via: 'rule', outcomes: progress.outcomes },
        });
      }
      return view(incident, progress);
    }
    case 'notify': {
      needStatus(['open', 'resolving']);
      const issued = incident.noticeIssuedAt
        ? incident
        : await saveIncident(deps, incident, { noticeIssuedAt: at() });
      if (!incident.noticeIssuedAt)
        await record(deps, id, {
          at: at(),
          type: 'notice-issued',
          actor,
          data: { cause: issued.cause.kind },
        });
      const progress = await notifyBatch(deps, issued);
      if (progress.processed > 0)
        await record(deps, id, { at: at(), type: 'notice-batch', actor, data: progress.outcomes });
      return view(issued, progress);
    }
    case 'resolve': {
      const wanted = {
        text: request.resolution,
        compensation: request.compensation,
        ...(request.responsibility ? { responsibility: request.responsibility } : {}),
      };
      let current = incident;
      if (incident.status === 'open') {
        current = await saveIncident(deps, incident, {
          status: 'resolving',
          resolution: { ...wanted, by: actor, startedAt: at() },
        });
        await record(deps, id, {
          at: at(),
          type: 'resolution-started',
          actor,
          data: { compensation: wanted.compensation },
        });
      } else {
        needStatus(['resolving']);
        if (!incident.resolution || !sameResolution(incident.resolution, wanted)) {
          throw new IncidentConflict(
            'a bulk resolution with another answer is under way: resume it with the same body',
            incident.status,
          );
        }
      }
      const progress = await resolveBatch(deps, current);
      if (progress.processed > 0)
        await record(deps, id, { at: at(), type: 'resolution-batch', actor, data: progress.outcomes });
      if (progress.done && current.resolution && !current.resolution.completedAt) {
        current = await saveIncident(deps, current, {
          resolution: { ...current.resolution, completedAt: at() },
        });
        await record(deps, id, { at: at(), type: 'resolution-completed', actor });
      }
      return view(current, progress);
    }
    case 'close': {
      needStatus(['open', 'resolving']);
      const pending = countLinks(await allLinks(deps, id)).pendingResolution;
      if (incident.status === 'resolving' && pending > 0) {
        throw new IncidentConflict(
          `the bulk resolution still has ${pending} complaints to do`,
          incident.status,
        );
      }
      const saved = await saveIncident(deps, incident, { status: 'closed', closedAt: at() });
      await record(deps, id, {
        at: at(),
        type: 'closed',
        actor,
        ...(request.reason ? { data: { reason: request.reason } } : {}),
      });
      return view(saved);
    }
  }
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
  }
}

// ---------------------------------------------------------------------------------------------------
// Linking

type LinkOutcome = 'linked' | 'already-linked' | LinkRefusal | 'not-found';

/**
 * Links one complaint: the complaint first (its `incident`, timeline and escalation, one conditional
 * write), then the link item, then its notice when the incident's notice is out already. A retry after a
 * crash finds the complaint linked and writes what is missing.
 */
async function linkComplaint(
  deps: ServiceDeps,
  incident: Incident,
  complaintId: string,
  party: { actor: string; client?: string },
  via: IncidentLink['via'],
): Promise<LinkOutcome> {
  let linked: Complaint;
  let changed: boolean;
  try {
    ({ linked, changed } = await withRetries(async () => {
      const current = await getComplaint(deps, complaintId);
      const now = deps.clock.now();
      const result = linkToIncident(current, incident, party, via, now);
      if ('refusal' in result) throw new LinkRefused(result.refusal);
      if (!result.changed) return { linked: current, changed: false };
      return { linked: await saveNext(deps.store, current, result.complaint, now), changed: true };
    }));
  } catch (error) {
    if (error instanceof LinkRefused) return error.refusal;
    if (error instanceof ComplaintNotFound) return 'not-found';
    throw error;
  }
  await recordLink(deps, incident, linked, party.actor, via);
  return changed ? 'linked' : 'already-linked';
}

class LinkRefused extends Error {
  override readonly name = 'LinkRefused';
  readonly refusal: LinkRefusal;
  constructor(refusal: LinkRefusal) {
    super(refusal);
    this.refusal = refusal;
  }
}

async function recordLink(
  deps: ServiceDeps,
  incident: Incident,
  c: Complaint,
  by: string,
  via: IncidentLink['via'],
): Promise<void> {
  await deps.incidents.putLink({
    incidentId: incident.id,
    complaintId: c.id,
    category: c.category,
    linkedAt: c.incident?.linkedAt ?? deps.clock.now().toISOString(),
    linkedBy: by,
    via,
  });
  if (incident.noticeIssuedAt) await notifyOne(deps, incident, c);
}

/** One page of the incident's area (an outlet or region, in turn), linking the open complaints that match. */
async function linkMatching(
  deps: ServiceDeps,
  incident: Incident,
  party: { actor: string; client?: string },
  cursor: string | undefined,
): Promise<IncidentProgress> {
  const units = [
    ...incident.area.outletIds.map((id) => ({ outletId: id })),
    ...incident.area.regionIds.map((id) => ({ regionId: id })),
  ];
  const position = parseMatchCursor(cursor, units.length);
  const unit = units[position.unit];
  const outcomes: Record<string, number> = {};
  if (!unit) return { processed: 0, outcomes, done: true };
  const query: ComplaintQuery = {
    ...unit,
    receivedFrom: incident.window.from,
    ...(incident.window.to ? { receivedBefore: incident.window.to } : {}),
    ...(incident.categories.length === 1 && incident.categories[0]
      ? { category: incident.categories[0] }
      : {}),
    limit: INCIDENT_BATCH,
    ...(position.page ? { cursor: position.page } : {}),
  };
  const page = await deps.store.list(query);
  const candidates = page.items.filter((c) => c.status !== 'closed' && matchesLinkRule(incident, c));
  await inBatches(candidates, async (c) => {
    const outcome = await linkComplaint(deps, incident, c.id, party, 'rule');
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  const next = page.nextCursor
    ? { unit: position.unit, page: page.nextCursor }
    : position.unit + 1 < units.length
      ? { unit: position.unit + 1 }
      : undefined;
  return {
    processed: candidates.length,
    outcomes,
    done: next === undefined,
    ...(next ? { nextCursor: Buffer.from(JSON.stringify(next)).toString('base64url') } : {}),
  };
}

function matchesLinkRule(incident: Incident, c: Complaint): boolean {
  return incidentFor([{ ...incident, status: 'open' }], c) !== undefined;
}

function parseMatchCursor(cursor: string | undefined, units: number): { unit: number; page?: string } {
  if (cursor === undefined) return { unit: 0 };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      unit?: unknown;
      page?: unknown;
    };
    if (
      typeof parsed.unit === 'number' &&
      Number.isInteger(parsed.unit) &&
      parsed.unit >= 0 &&
      parsed.unit < units
    ) {
      return { unit: parsed.unit, ...(typeof parsed.page === 'string' ? { page: parsed.page } : {}) };
    }
  } catch {
    // answered below
  }
  throw new InvalidInput('malformed cursor', [
    { path: 'cursor', message: 'use the nextCursor of a previous answer' },
  ]);
}

/**
 * On intake: the open incident the new complaint belongs to by rule, linked before it is first stored (so
 * the complaint is created linked and, if the incident says so, at level 3). The link item and the notice
 * follow the create (`afterIntake`); a crash in between is repaired by link-matching.
 */
export async function linkOnIntake(
  deps: ServiceDeps,
  complaint: Complaint,
  party: { actor: string; client?: string },
): Promise<{ complaint: Complaint; incident?: Incident }> {
  const incident = incidentFor(await deps.incidents.list(), complaint);
  if (!incident) return { complaint };
  const result = linkToIncident(complaint, incident, party, 'intake', deps.clock.now());
  if ('refusal' in result) return { complaint };
  return { complaint: result.complaint, incident };
}

export async function afterIntake(
  deps: ServiceDeps,
  incident: Incident,
  complaint: Complaint,
  by: string,
): Promise<void> {
  await recordLink(deps, incident, complaint, by, 'intake');
}

// ---------------------------------------------------------------------------------------------------
// The notice

export const incidentNoticeKey = (incidentId: string): string => `incident.${incidentId}`;

/**
 * Tells the complaint's customer about the incident, once per customer: the notice is claimed per keyed
 * phone hash, handed to the notification workflow under a key of its own (the delivery's execution is
 * named by it, the delivery log records it: a second hand-over sends nothing), at the customer's next
 * allowed hour (quiet hours), and the send step leaves out SMS to an opted-out number.
 */
async function notifyOne(
  deps: ServiceDeps,
  incident: Incident,
  c: Complaint,
): Promise<IncidentLink['notice']> {
  const now = deps.clock.now();
  let notice: IncidentLink['notice'];
  if (c.status === 'closed') {
    notice = 'closed';
  } else if (!(await deps.incidents.claimCustomerNotice(incident.id, c.phoneHash || c.id, c.id))) {
    notice = 'same-customer';
  } else {
    const n: PendingNotification = {
      key: incidentNoticeKey(incident.id),
      audience: 'customer',
      event: 'incident-notice',
      createdAt: incident.noticeIssuedAt ?? now.toISOString(),
      data: { cause: incident.cause.kind },
    };
    const sendAt = customerSendAt(now, { quietHours: deps.quietHours });
    await deps.deliveries.schedule(c.id, n, sendAt);
    await deps.dispatcher.dispatch(c.id, n, sendAt);
    notice = 'dispatched';
  }
  await deps.incidents.updateLink(incident.id, c.id, { notifiedAt: now.toISOString(), notice });
  return notice;
}

async function notifyBatch(deps: ServiceDeps, incident: Incident): Promise<IncidentProgress> {
  const page = await deps.incidents.links(incident.id, { limit: INCIDENT_BATCH, without: 'notifiedAt' });
  const outcomes: Record<string, number> = {};
  await inBatches(page.items, async (link) => {
    const c = await getComplaint(deps, link.complaintId);
    const notice = (await notifyOne(deps, incident, c)) ?? 'dispatched';
    outcomes[notice] = (outcomes[notice] ?? 0) + 1;
  });
  return { processed: page.items.length, outcomes, done: page.nextCursor === undefined };
}

// ---------------------------------------------------------------------------------------------------
// Bulk resolution

class AlreadyHandled extends Error {
  override readonly name = 'AlreadyHandled';
}

async function resolveOne(
  deps: ServiceDeps,
  incident: Incident,
  link: IncidentLink,
): Promise<IncidentOutcome> {
  const resolution = incident.resolution;
  if (!resolution) throw new IncidentConflict('the incident has no resolution', incident.status);
  let c = await getComplaint(deps, link.complaintId);
  if (incidentOutcomeOf(c) === 'resolve') {
    try {
      c = await commitChange(
        deps,
        c.id,
        (current, now) => {
          if (incidentOutcomeOf(current) !== 'resolve') throw new AlreadyHandled();
          return resolveForIncident(current, incident, resolution, clockContext(deps, now));
        },
        true,
        undefined,
      );
    } catch (error) {
      if (!(error instanceof AlreadyHandled)) throw error;
      c = await getComplaint(deps, link.complaintId);
    }
  }
  const outcome = incidentOutcomeOf(c);
  const done: IncidentOutcome = outcome === 'resolve' ? 'resolved' : outcome;
  const compensation = done === 'resolved' ? c.resolution?.compensation?.amount : undefined;
  await deps.incidents.updateLink(incident.id, c.id, {
    resolvedAt: c.incident?.resolvedAt ?? deps.clock.now().toISOString(),
    outcome: done,
    ...(compensation !== undefined ? { compensation } : {}),
  });
  return done;
}

async function resolveBatch(deps: ServiceDeps, incident: Incident): Promise<IncidentProgress> {
  const page = await deps.incidents.links(incident.id, { limit: INCIDENT_BATCH, without: 'resolvedAt' });
  const outcomes: Record<string, number> = {};
  await inBatches(page.items, async (link) => {
    try {
      const outcome = await resolveOne(deps, incident, link);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    } catch (error) {
      // Left for the next call (the link stays without resolvedAt): one complaint never stops the batch.
      if (
        !(error instanceof VersionConflict) &&
        !(error instanceof Error && error.name === 'WorkflowNotReady')
      )
        throw error;
      outcomes.retry = (outcomes.retry ?? 0) + 1;
    }
  });
  const retried = outcomes.retry ?? 0;
  return { processed: page.items.length, outcomes, done: page.nextCursor === undefined && retried === 0 };
}

// ---------------------------------------------------------------------------------------------------
// The spike detector

/**
 * Runs the detector over the complaints received in the rule's window and stores a proposal for each
 * spike no incident covers yet (the proposal's id is derived from unit, category and window: a second run
 * over the same spike proposes nothing new). Returns the proposals stored by this run.
 */
export async function detectIncidents(deps: ServiceDeps, principal?: Principal): Promise<Incident[]> {
  if (principal) requirePermission(principal, 'incidents');
  const now = deps.clock.now();
  const rule = deps.spikeRule;
  const from = new Date(now.getTime() - rule.windowMinutes * 60_000).toISOString();
  const facts: SpikeFacts[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < DETECTOR_MAX_PAGES; pages++) {
    const page = await deps.store.list({ receivedFrom: from, limit: 100, ...(cursor ? { cursor } : {}) });
    facts.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const incidents = await deps.incidents.list();
  const stored: Incident[] = [];
  for (const proposal of detectSpikes(facts, rule, now, incidents)) {
    const incident = proposedIncident(proposal);
    if (await deps.incidents.create(incident)) {
      await record(deps, incident.id, {
        at: now.toISOString(),
        type: 'proposed',
        actor: 'detector',
        data: { ...proposal },
      });
      stored.push(incident);
    }
  }
  return stored;
}
