// What the rules suggest for a complaint before staff offer anything (SPEC sections 7 and 11): the
// complaint's own facts (category, declared value, postage, insured) and what staff add (severity, the
// share missing, the proven loss, days late). Reads only; the offer is an action of its own.
import { REMEDIES, suggestionFor, type ClaimOffer, type Remedy } from '#domain/claims';
import { compensationKind, type CompensationKind, type CompensationSuggestion } from '#domain/compensation';
import type { Principal } from '#domain/permissions';
import { requirePermission } from './access.ts';
import { getComplaint } from './queries.ts';
import { clockContext, type ServiceDeps } from './service-deps.ts';

export interface SuggestionAnswer {
  kind: CompensationKind;
  suggestion?: CompensationSuggestion;
  /** Remedies staff may offer instead of money. */
  otherRemedies: Remedy[];
}

export async function suggestCompensationFor(
  deps: ServiceDeps,
  complaintId: string,
  facts: Omit<ClaimOffer, 'remedy' | 'amount'>,
  principal: Principal,
): Promise<SuggestionAnswer> {
  requirePermission(principal, 'work');
  const complaint = await getComplaint(deps, complaintId);
  requirePermission(principal, 'work', complaint);
  const suggestion = suggestionFor(complaint, facts, clockContext(deps));
  return {
    kind: compensationKind(complaint.category),
    ...(suggestion ? { suggestion } : {}),
    otherRemedies: REMEDIES.filter((remedy) => remedy !== 'money'),
  };
}
