// Responsibility at resolve (SPEC 8): the responsible party, a root-cause code from a small taxonomy the
// deployment may replace (ROOT_CAUSES), the accountable staff id where known and the corrective action.
import * as z from 'zod';
import type { ResponsibilityInput } from './commands.ts';
import { RESPONSIBLE_PARTIES, type ResponsibleParty } from './complaint.ts';
import { InvalidInput } from './errors.ts';
import { InvalidConfiguration, configurationProblems } from './policy.ts';

/** Root-cause codes per responsible party. */
export type RootCauseTaxonomy = Readonly<Record<ResponsibleParty, readonly string[]>>;

export const DEFAULT_ROOT_CAUSES: RootCauseTaxonomy = {
  outlet: ['no-delivery-attempt', 'left-without-consent', 'staff-conduct', 'handling-damage', 'wrong-fee'],
  'sorting-centre': ['missort', 'handling-damage', 'backlog', 'scan-missing'],
  'carrier-partner': ['transport-delay', 'loss-in-transit', 'handover-error'],
  customer: ['wrong-address', 'unreachable', 'refused-delivery', 'packing-inadequate'],
  'no-fault': ['weather', 'force-majeure', 'within-service-standard', 'information-only'],
};

const code = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case code of letters, digits and dashes');

const taxonomySchema = z.strictObject(
  Object.fromEntries(RESPONSIBLE_PARTIES.map((party) => [party, z.array(code).min(1).max(50)])) as Record<
    ResponsibleParty,
    z.ZodArray<typeof code>
  >,
);

/** ROOT_CAUSES: a JSON object giving, per party, the whole list of codes (validated at start). */
export function parseRootCauses(text: string): RootCauseTaxonomy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new InvalidConfiguration('ROOT_CAUSES', [{ path: '(root)', message: 'not JSON' }]);
  }
  const parsed = taxonomySchema.safeParse(document);
  if (!parsed.success) throw new InvalidConfiguration('ROOT_CAUSES', configurationProblems(parsed.error));
  return parsed.data;
}

export function validateResponsibility(input: ResponsibilityInput, taxonomy: RootCauseTaxonomy): void {
  const codes = taxonomy[input.party];
  if (!codes.includes(input.rootCause)) {
    throw new InvalidInput('unknown root cause', [
      { path: 'responsibility.rootCause', message: `for ${input.party} one of ${codes.join(', ')}` },
    ]);
  }
}
