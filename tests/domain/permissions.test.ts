// The permission table itself: every cell as SPEC section 9 writes it, the decisions its grants make, and
// the copy in docs/ARCHITECTURE.md kept equal to it.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_OPERATION,
  actingPartyOf,
  decide,
  OPERATIONS,
  PERMISSIONS,
  PRINCIPAL_ROLES,
  principalKey,
  recordedForCustomer,
  ROLES,
  seesOnlyOwn,
  type Grant,
  type Operation,
  type Principal,
  type Role,
} from '#domain/permissions';
import { ACTIONS } from '#domain/commands';

// SPEC section 9, transcribed by hand: columns intake, agent, supervisor, auditor, admin, customer.
const SPEC: Record<Operation, [Grant, Grant, Grant, Grant, Grant, Grant]> = {
  register: ['yes', 'yes', 'yes', 'no', 'no', 'no'],
  read: ['own', 'yes', 'yes', 'yes', 'no', 'reduced'],
  work: ['delegated', 'yes', 'yes', 'no', 'no', 'no'],
  'customer-reply': ['for-customer', 'yes', 'yes', 'no', 'no', 'yes'],
  manage: ['no', 'no', 'yes', 'no', 'no', 'no'],
  feedback: ['for-customer', 'no', 'no', 'no', 'no', 'yes'],
  reports: ['no', 'no', 'yes', 'yes', 'yes', 'no'],
  unmask: ['no', 'owner', 'yes', 'yes', 'no', 'no'],
  erasure: ['no', 'no', 'yes', 'no', 'yes', 'no'],
  directory: ['no', 'no', 'no', 'no', 'yes', 'no'],
  // Not in SPEC section 9: issue 13's operator list and re-send of undelivered texts (docs/spec.md).
  deliveries: ['no', 'no', 'yes', 'no', 'yes', 'no'],
  incidents: ['no', 'no', 'yes', 'no', 'yes', 'no'],
};

const CELLS = OPERATIONS.flatMap((operation) =>
  ROLES.map((role, column) => ({ operation, role, grant: SPEC[operation][column] as Grant })),
);

describe('the permission table', () => {
  it.each(CELLS)('$operation x $role is $grant', ({ operation, role, grant }) => {
    expect(PERMISSIONS[operation].grants[role]).toBe(grant);
  });

  it('has every operation and role, nothing more', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...OPERATIONS].sort());
    for (const operation of OPERATIONS) {
      expect(Object.keys(PERMISSIONS[operation].grants).sort()).toEqual([...ROLES].sort());
    }
  });

  it('gives every action of the actions route an operation', () => {
    expect(Object.keys(ACTION_OPERATION).sort()).toEqual([...ACTIONS].sort());
  });
});

const principal = (roles: Principal['roles'], extra: Partial<Principal> = {}): Principal => ({
  id: 'p-1',
  kind: 'user',
  roles,
  mayDelegate: false,
  ...extra,
});

const hotline = (extra: Partial<Principal> = {}) =>
  principal(['intake'], { id: 'hotline', kind: 'client', ...extra });

describe('decisions', () => {
  it('a yes or no cell decides alone, whatever the complaint', () => {
    const facts = fc.record({
      registeredBy: fc.option(fc.string(), { nil: undefined }),
      owner: fc.option(fc.string(), { nil: undefined }),
    });
    const plain = CELLS.filter(
      (c): c is typeof c & { role: Exclude<Role, 'customer'> } =>
        c.role !== 'customer' && (c.grant === 'yes' || c.grant === 'no'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...plain), facts, ({ operation, role, grant }, complaint) => {
        expect(decide(principal([role]), operation, complaint).allowed).toBe(grant === 'yes');
      }),
    );
  });

  it('an intake system reads only what it registered: others are hidden', () => {
    const own = { registeredBy: principalKey(hotline()) };
    expect(decide(hotline(), 'read', own)).toMatchObject({ allowed: true, grant: 'own' });
    expect(decide(hotline(), 'read', { registeredBy: 'client:web' })).toEqual({
      allowed: false,
      refusal: 'hidden',
    });
    expect(decide(hotline(), 'read', { registeredBy: 'user:hotline' })).toMatchObject({ allowed: false });
    expect(seesOnlyOwn(hotline())).toBe(true);
    expect(seesOnlyOwn(principal(['agent']))).toBe(false);
    expect(seesOnlyOwn(principal(['intake', 'auditor']))).toBe(false);
  });

  it('an intake system works a complaint only as a named agent, with the delegation scope', () => {
    const own = { registeredBy: 'client:hotline' };
    expect(decide(hotline(), 'work', own)).toEqual({ allowed: false, refusal: 'needs-delegation' });
    expect(decide(hotline({ onBehalfOf: 'agent-5' }), 'work', own)).toEqual({
      allowed: false,
      refusal: 'needs-delegation',
    });
    expect(decide(hotline({ mayDelegate: true, onBehalfOf: 'agent-5' }), 'work', own)).toMatchObject({
      allowed: true,
    });
    expect(
      decide(hotline({ mayDelegate: true, onBehalfOf: 'agent-5' }), 'work', { registeredBy: 'client:web' }),
    ).toEqual({ allowed: false, refusal: 'hidden' });
  });

  it('an agent unmasks only the complaints it owns', () => {
    expect(decide(principal(['agent'], { id: 'agent-7' }), 'unmask', { owner: 'agent-7' }).allowed).toBe(
      true,
    );
    expect(decide(principal(['agent'], { id: 'agent-7' }), 'unmask', { owner: 'agent-8' })).toEqual({
      allowed: false,
      refusal: 'not-owner',
    });
  });

  it('any role that allows is enough', () => {
    fc.assert(
      fc.property(
        fc.subarray([...PRINCIPAL_ROLES], { minLength: 1 }),
        fc.constantFrom(...OPERATIONS),
        (roles, operation) => {
          const alone = roles.some((role) => decide(principal([role]), operation).allowed);
          expect(decide(principal(roles), operation).allowed).toBe(alone);
        },
      ),
    );
  });

  it('a principal without roles may do nothing', () => {
    for (const operation of OPERATIONS) {
      expect(decide(principal([]), operation)).toEqual({ allowed: false, refusal: 'role' });
    }
  });
});

describe('who the timeline names', () => {
  it('the principal, or the named agent and the system that carried the call', () => {
    expect(actingPartyOf(principal(['agent'], { id: 'agent-7' }))).toEqual({ actor: 'agent-7' });
    expect(actingPartyOf(hotline({ mayDelegate: true, onBehalfOf: 'agent-5' }))).toEqual({
      actor: 'agent-5',
      client: 'hotline',
    });
  });

  it("the customer for what an intake system records for them; the agent for an agent's relay", () => {
    const forCustomer = decide(hotline(), 'customer-reply', { registeredBy: 'client:hotline' });
    expect(recordedForCustomer(hotline(), forCustomer)).toEqual({ actor: 'customer', client: 'hotline' });
    const agent = principal(['agent'], { id: 'agent-7' });
    expect(recordedForCustomer(agent, decide(agent, 'customer-reply'))).toEqual({ actor: 'agent-7' });
  });
});

/** The cells of the first Markdown table under a heading of docs/ARCHITECTURE.md. */
function documentedTable(heading: string): string[][] {
  const text = readFileSync(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
  const after = text.slice(text.indexOf(heading));
  const lines = after.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows.filter((row) => !row.every((cell) => /^-+$/.test(cell)));
}

describe('docs/ARCHITECTURE.md', () => {
  it('prints the table the code uses, cell for cell', () => {
    const documented = documentedTable('### Permissions');
    expect(documented[0]).toEqual([
      'what',
      'operation',
      ...ROLES.map((r) => (r === 'customer' ? 'customer (link)' : r)),
    ]);
    expect(documented.slice(1)).toEqual(
      OPERATIONS.map((operation) => [
        PERMISSIONS[operation].what,
        `\`${operation}\``,
        ...ROLES.map((role) => PERMISSIONS[operation].grants[role]),
      ]),
    );
  });
});
