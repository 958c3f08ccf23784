// Who may do what (SPEC section 9): one table, operation x role, read by the handlers, rendered into the
// docs and the OpenAPI document, and tested cell by cell. Pure: a decision needs only the principal and
// the few facts of the complaint it concerns (who registered it, who owns it).
import type { ActionName } from './commands.ts';

/** Roles a bearer token can carry: staff groups and the `intake` scope of upstream systems. */
export const PRINCIPAL_ROLES = ['intake', 'agent', 'supervisor', 'auditor', 'admin'] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

/** Staff users' roles: their user pool groups. */
export const STAFF_ROLES = [
  'agent',
  'supervisor',
  'auditor',
  'admin',
] as const satisfies readonly PrincipalRole[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Every column of the table: the customer acts through the per-complaint link token, never a bearer token. */
export const ROLES = [...PRINCIPAL_ROLES, 'customer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a role may do with an operation:
 * - `yes`, `no`;
 * - `own`: only complaints this principal registered (lists are narrowed to them; others read as unknown);
 * - `delegated`: only as a named agent (a client with the delegation scope naming who it acts for), and
 *   only on complaints it registered;
 * - `for-customer`: recorded as the customer's, on complaints it registered (the timeline names the system);
 * - `owner`: only on complaints the agent owns;
 * - `reduced`: the customer, through their link: their own complaint, in the customer's reduced view.
 */
export const GRANTS = ['yes', 'no', 'own', 'delegated', 'for-customer', 'owner', 'reduced'] as const;
export type Grant = (typeof GRANTS)[number];

export const OPERATIONS = [
  'register',
  'read',
  'work',
  'customer-reply',
  'manage',
  'feedback',
  'reports',
  'unmask',
  'erasure',
  'directory',
  'deliveries',
  'incidents',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OperationRow {
  /** What the operation covers, as the docs print it. */
  what: string;
  grants: Readonly<Record<Role, Grant>>;
}

const row = (
  what: string,
  [intake, agent, supervisor, auditor, admin, customer]: readonly [Grant, Grant, Grant, Grant, Grant, Grant],
): OperationRow => ({ what, grants: { intake, agent, supervisor, auditor, admin, customer } });

/** The default permissions (SPEC section 9). Columns: intake, agent, supervisor, auditor, admin, customer. */
export const PERMISSIONS: Readonly<Record<Operation, OperationRow>> = {
  register: row('register a complaint', ['yes', 'yes', 'yes', 'no', 'no', 'no']),
  read: row('read complaints, timelines, lists', ['own', 'yes', 'yes', 'yes', 'no', 'reduced']),
  work: row('accept, request-info, resolve, note, offer, pay', ['delegated', 'yes', 'yes', 'no', 'no', 'no']),
  'customer-reply': row('customer-reply, accept or decline an offer', [
    'for-customer',
    'yes',
    'yes',
    'no',
    'no',
    'yes',
  ]),
  manage: row('assign, reopen, close, reclassify, route, incidents', ['no', 'no', 'yes', 'no', 'no', 'no']),
  feedback: row('feedback', ['for-customer', 'no', 'no', 'no', 'no', 'yes']),
  reports: row('reports', ['no', 'no', 'yes', 'yes', 'yes', 'no']),
  unmask: row('unmask a phone (with a reason, audited)', ['no', 'owner', 'yes', 'yes', 'no', 'no']),
  erasure: row('erasure request', ['no', 'no', 'yes', 'no', 'yes', 'no']),
  directory: row('organisation directory, parcel volumes', ['no', 'no', 'no', 'no', 'yes', 'no']),
  deliveries: row('undelivered texts: list, re-send', ['no', 'no', 'yes', 'no', 'yes', 'no']),
  incidents: row('mass incidents: declare, link, notify, resolve', ['no', 'no', 'yes', 'no', 'yes', 'no']),
};

/** The operation an action of POST /v1/complaints/{id}/actions belongs to. */
export const ACTION_OPERATION: Readonly<Record<ActionName, Operation>> = {
  accept: 'work',
  'request-info': 'work',
  resolve: 'work',
  note: 'work',
  'customer-reply': 'customer-reply',
  assign: 'manage',
  reopen: 'manage',
  close: 'manage',
  reclassify: 'manage',
  route: 'manage',
  'regulator-reply': 'work',
  'offer-compensation': 'work',
  'record-payment': 'work',
  // The customer's answer to an offer, however it reached us.
  'accept-compensation': 'customer-reply',
  'decline-compensation': 'customer-reply',
  'follow-up': 'work',
};

/** Who calls, as the authorizer established it. */
export interface Principal {
  /** A staff user's username, or an upstream system's client id. */
  id: string;
  kind: 'user' | 'client';
  roles: readonly PrincipalRole[];
  /** A client with the delegation scope: it may name the agent it acts for. */
  mayDelegate: boolean;
  /** The agent a delegating client acts for on this request. */
  onBehalfOf?: string;
}

/** Usernames, client ids and named agents become timeline actors and idempotency scopes: plain ids only. */
export const PRINCIPAL_ID = /^[\p{L}\p{N}._@+-]{1,128}$/u;

/** One key per principal, for what is scoped by caller: idempotency keys, the complaints a client registered. */
export const principalKey = (p: Pick<Principal, 'kind' | 'id'>): string => `${p.kind}:${p.id}`;

/** The facts of a complaint a decision may need. */
export interface ComplaintFacts {
  /** principalKey of whoever registered it. */
  registeredBy?: string;
  owner?: string;
}

export type Refusal =
  /** No role of the principal may do this at all: 403. */
  | 'role'
  /** The grant needs a named agent (delegation) that the request does not carry: 403. */
  | 'needs-delegation'
  /** Only the complaint's owner may: 403. */
  | 'not-owner'
  /** The complaint is outside what the principal may see: answered like an unknown complaint (404). */
  | 'hidden';

export type Decision =
  { allowed: true; role: PrincipalRole; grant: Grant } | { allowed: false; refusal: Refusal };

/** The person a decision is about: the named agent for a delegating client, else the principal itself. */
export const actingPersonOf = (p: Principal): string => p.onBehalfOf ?? p.id;

function decideFor(
  principal: Principal,
  role: PrincipalRole,
  grant: Grant,
  complaint: ComplaintFacts | undefined,
): Decision {
  const allow: Decision = { allowed: true, role, grant };
  const registeredIt = complaint === undefined || complaint.registeredBy === principalKey(principal);
  switch (grant) {
    case 'yes':
      return allow;
    case 'no':
    case 'reduced':
      return { allowed: false, refusal: 'role' };
    case 'own':
    case 'for-customer':
      return registeredIt ? allow : { allowed: false, refusal: 'hidden' };
    case 'delegated':
      if (!registeredIt) return { allowed: false, refusal: 'hidden' };
      return principal.mayDelegate && principal.onBehalfOf !== undefined
        ? allow
        : { allowed: false, refusal: 'needs-delegation' };
    case 'owner':
      return complaint === undefined || complaint.owner === actingPersonOf(principal)
        ? allow
        : { allowed: false, refusal: 'not-owner' };
  }
}

/** How telling each refusal is, when several roles refuse differently: the most specific one is answered. */
const REFUSAL_ORDER: readonly Refusal[] = ['role', 'hidden', 'not-owner', 'needs-delegation'];

/**
 * May the principal perform the operation (on this complaint, when one is given)? Allowed as soon as one
 * of its roles allows it. Without a complaint, grants that depend on one are taken as possible: call
 * again with the complaint once it is read.
 */
export function decide(principal: Principal, operation: Operation, complaint?: ComplaintFacts): Decision {
  let refusal: Refusal = 'role';
  for (const role of principal.roles) {
    const decision = decideFor(principal, role, PERMISSIONS[operation].grants[role], complaint);
    if (decision.allowed) return decision;
    if (REFUSAL_ORDER.indexOf(decision.refusal) > REFUSAL_ORDER.indexOf(refusal)) refusal = decision.refusal;
  }
  return { allowed: false, refusal };
}

/** Whether the principal sees only what it registered (its lists are narrowed to those complaints). */
export function seesOnlyOwn(principal: Principal, operation: Operation = 'read'): boolean {
  const grants = principal.roles.map((role) => PERMISSIONS[operation].grants[role]);
  return (
    !grants.includes('yes') && grants.some((g) => g === 'own' || g === 'for-customer' || g === 'delegated')
  );
}

/** Roles that may perform the operation in some case (for the OpenAPI document and the docs). */
export const rolesAllowed = (operation: Operation): Role[] =>
  ROLES.filter((role) => PERMISSIONS[operation].grants[role] !== 'no');

/** Who a timeline event names: the acting person and, when a system carried the call, that system. */
export interface ActingParty {
  actor: string;
  /** The upstream system's client id when it acted for an agent or recorded something for the customer. */
  client?: string;
}

/** The timeline's actor of a request (never a body field): the named agent of a delegating client. */
export function actingPartyOf(principal: Principal): ActingParty {
  if (principal.kind === 'client' && principal.onBehalfOf !== undefined) {
    return { actor: principal.onBehalfOf, client: principal.id };
  }
  return { actor: principal.id };
}

/** What the customer says through a system (customer-reply, a collected score) is the customer's. */
export const CUSTOMER_ACTOR = 'customer';

/** The acting party of something recorded for the customer: the customer, and the system when one carried it. */
export function recordedForCustomer(principal: Principal, decision: Decision): ActingParty {
  if (decision.allowed && decision.grant === 'for-customer') {
    return { actor: CUSTOMER_ACTOR, client: principal.id };
  }
  return actingPartyOf(principal);
}

/** The permission table as a Markdown table (docs/ARCHITECTURE.md carries it; a test keeps them equal). */
export function permissionTableMarkdown(): string {
  const header = ['what', 'operation', ...ROLES.map((r) => (r === 'customer' ? 'customer (link)' : r))];
  const rows = OPERATIONS.map((op) => [
    PERMISSIONS[op].what,
    `\`${op}\``,
    ...ROLES.map((role) => PERMISSIONS[op].grants[role]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
